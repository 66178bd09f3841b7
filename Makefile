# The two commands of the README: `make demo` and `make test`. Both set up .venv on first use.
VENV := .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml requirements.lock scripts/setup.sh
	bash scripts/setup.sh

.PHONY: setup demo test check core bench
setup: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/extract run corpus/examples/dongguan-2024.pdf -o out/demo --format json,csv,xlsx,html,md --debug-dir out/demo/debug

# the README's test command (and CI's, through .ci/run): static checks, the core install on its own, then
# the whole suite
test: check core
	$(PY) -m pytest -q

# ruff, the import contracts of ../shared/ARCHITECTURE.md, mypy --strict on extract/ and models/ (pyproject.toml)
check: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# a fresh virtualenv with only `pip install .`: the born-digital tests (pytest -m core)
core:
	bash scripts/test_core.sh

bench: $(VENV)/.installed
	$(PY) -m benchmarks run --quick

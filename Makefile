# The two commands of the README: `make demo` and `make test`. Both set up .venv on first use.
VENV := .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml requirements.lock scripts/setup.sh
	bash scripts/setup.sh

.PHONY: setup demo test bench
setup: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/extract run corpus/examples/dongguan-2024.pdf -o out/demo --format json,csv,xlsx,html,md --debug-dir out/demo/debug

test: $(VENV)/.installed
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) -m benchmarks run --quick

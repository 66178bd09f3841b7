#!/usr/bin/env bash
# The light core on its own: a fresh virtualenv (.venv-core) with `pip install .` (core dependencies only,
# pinned by requirements.lock used as constraints) plus the test runner, then the born-digital tests
# (marker `core`, see tests/conftest.py). Proves that `pip install extract` reads born-digital PDFs without
# OCR, layout, Ray, Arrow, Excel, Playwright or the benchmark peers. pip's cache keeps reruns fast.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv-core
rm -rf "$VENV"
"$PY" -m venv "$VENV"
# the core itself (not editable: what a user gets), then pytest and reportlab (the corpus generator) for the tests
"$VENV/bin/python" -m pip install -q -c requirements.lock .
"$VENV/bin/python" -m pip install -q -c requirements.lock pytest reportlab
"$VENV/bin/python" -m pip check
"$VENV/bin/python" - <<'PY'
import importlib.metadata as md
heavy = ["onnxruntime", "rapidocr", "rapid-layout", "ray", "pyarrow", "openpyxl", "playwright", "camelot-py",
         "img2table", "pdfplumber", "pandas", "matplotlib", "opencv-python", "opencv-contrib-python"]
found = []
for name in heavy:
    try:
        found.append(f"{name} {md.version(name)}")
    except md.PackageNotFoundError:
        pass
assert not found, f"the core install pulled in: {', '.join(found)}"
print("core install:", ", ".join(sorted(d.metadata["Name"] for d in md.distributions())))
PY
# run from a copy of the checkout without extract/ and models/, so that those import from the installed
# wheel while corpus/ and benchmarks/ (never in the wheel) and the tests come from the copy
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git ls-files -co --exclude-standard | grep -v -E '^(extract|models)/' | tar -cf - -T - | tar -xf - -C "$WORK"
(cd "$WORK" && "$OLDPWD/$VENV/bin/python" -m pytest -q -m core -p no:cacheprovider tests)

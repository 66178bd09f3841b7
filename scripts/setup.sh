#!/usr/bin/env bash
# Set up everything extract needs on a fresh Debian/Ubuntu machine: system packages (CJK fonts for the
# corpus, Tesseract for the img2table peer, Chromium for the review browser test and the HTML corpus
# route, LibreOffice Calc for the XLSX corpus route, PostgreSQL for the PostgreSQL store tests, which start
# their own throwaway server), then a virtualenv in .venv with the pinned Python packages. Safe to run
# again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_pkgs=(fonts-wqy-zenhei fonts-arphic-uming fonts-droid-fallback fonts-noto-cjk
          tesseract-ocr tesseract-ocr-chi-sim chromium poppler-utils postgresql libreoffice-calc)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# requirements.lock pins every package (tests, static checks, benchmarks and peers included); the project
# itself is installed editable on top, without re-resolving. Exactly one OpenCV (headless): the two packages
# that pin another flavour are installed first, from their wheels with that requirement rewritten
# (scripts/one_opencv.py), so the lock finds them satisfied and never pulls opencv-python or -contrib.
.venv/bin/python scripts/one_opencv.py .venv/wheels requirements.lock >/dev/null
.venv/bin/python -m pip install -q --no-deps --force-reinstall .venv/wheels/*.whl
.venv/bin/python -m pip install -q -r requirements.lock
# a .venv made before there was one OpenCV: drop the other flavours, then restore the headless files they shared
others=$(.venv/bin/python -m pip list --format=freeze 2>/dev/null | grep -i -E '^opencv-(contrib-python|python)(-headless)?==' | grep -v -i '^opencv-python-headless==' | cut -d= -f1 || true)
if [ -n "$others" ]; then
  .venv/bin/python -m pip uninstall -q -y $others
  .venv/bin/python -m pip install -q --no-deps --force-reinstall "$(grep -i '^opencv-python-headless==' requirements.lock)"
fi
.venv/bin/python -m pip install -q --no-deps -e .
.venv/bin/python -m pip check
touch .venv/.installed

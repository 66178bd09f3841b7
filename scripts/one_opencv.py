"""One OpenCV in every install: rewrite the wheels that pin another OpenCV flavour to require the headless one.

``rapid-layout`` requires ``opencv-python`` and ``img2table`` requires ``opencv-contrib-python``; each of
those installs its own ``cv2/`` over ``opencv-python-headless`` (which ``rapidocr``, ``camelot`` and our core
require), so whichever lands last wins and uninstalling one breaks the others. Installing them with
``--no-deps`` leaves ``pip check`` failing on the missing flavour. This script downloads the pinned wheel,
replaces its OpenCV ``Requires-Dist`` line with ``opencv-python-headless`` (same version bounds), fixes the
wheel's RECORD, and writes it to a folder for ``pip install --no-deps``. Nothing else in the wheel changes.
The one contrib-only call img2table makes (``cv2.ximgproc.niBlackThreshold``) is provided by
``benchmarks/methods/ximgproc_shim.py`` when the benchmark loads img2table.

    python scripts/one_opencv.py OUT_DIR [requirements.lock]
"""
from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REWRITE = ("rapid-layout", "img2table")  # the packages that pin a non-headless OpenCV
OTHER_FLAVOUR = re.compile(r"^Requires-Dist: (opencv-python|opencv-contrib-python|opencv-contrib-python-headless)"
                           r"(?=[\s;<>=!~(]|$)", re.M)


def pinned(lock: Path, name: str) -> str:
    for line in lock.read_text().splitlines():
        if re.match(rf"^{re.escape(name)}==", line.strip(), re.I):
            return line.strip()
    raise SystemExit(f"{name} is not pinned in {lock}")


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def rewrite_wheel(src: Path, out_dir: Path) -> Path:
    """Copy ``src`` into ``out_dir`` with its OpenCV requirement pointed at opencv-python-headless."""
    out = out_dir / src.name
    with zipfile.ZipFile(src) as zin:
        names = zin.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        text = zin.read(meta).decode()
        new_meta = OTHER_FLAVOUR.sub("Requires-Dist: opencv-python-headless", text).encode()
        rows = []
        for row in zin.read(record).decode().splitlines():
            if row.startswith(meta + ","):
                row = f"{meta},{_digest(new_meta)},{len(new_meta)}"
            rows.append(row)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == meta:
                    data = new_meta
                elif info.filename == record:
                    data = ("\n".join(rows) + "\n").encode()
                zout.writestr(info, data)
    return out


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0])
    lock = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "requirements.lock"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in REWRITE:
            spec = pinned(lock, name)
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                            "-d", tmp, spec], check=True)
        for wheel in sorted(Path(tmp).glob("*.whl")):
            print(rewrite_wheel(wheel, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

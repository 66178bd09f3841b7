"""Exactly one OpenCV distribution provides ``cv2``, and it is the headless one (issue 17.2)."""
from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

FLAVOURS = ("opencv-python", "opencv-contrib-python", "opencv-python-headless", "opencv-contrib-python-headless")
FIXTURE = Path(__file__).parent / "fixtures" / "niblack_reference.npz"

pytestmark = pytest.mark.core


def _installed(name: str) -> bool:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        return False
    return True


def test_cv2_comes_from_the_headless_distribution_only():
    installed = [name for name in FLAVOURS if _installed(name)]
    assert installed == ["opencv-python-headless"], installed
    providers = md.packages_distributions().get("cv2", [])
    assert [p.lower() for p in providers] == ["opencv-python-headless"], providers


def test_pip_check_is_clean():
    proc = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ximgproc_shim_matches_the_contrib_output():
    from benchmarks.methods.ximgproc_shim import BINARIZATION_SAUVOLA, ni_black_threshold

    import cv2

    ref = np.load(FIXTURE)
    for name in ("noise", "text"):
        for block in (11, 25):
            got = ni_black_threshold(ref[name], 255, cv2.THRESH_BINARY_INV, block, 0.2,
                                     binarizationMethod=BINARIZATION_SAUVOLA)
            assert np.array_equal(got, ref[f"{name}_{block}"]), (name, block)

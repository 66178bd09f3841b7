"""Test-suite wiring: which tests need only the core install (marker ``core``).

``scripts/test_core.sh`` (run by ``make test``) installs the core alone into a fresh virtualenv and runs
``pytest -m core``: the born-digital path, from the text layer to the mapped form and its JSON/CSV/HTML/MD
outputs. A test file listed here may use only the core dependencies (plus pytest and reportlab for the
corpus generator); a test inside it that needs an extra says so with ``pytest.importorskip``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

CORE_FILES = frozenset({
    "test_document.py", "test_e2e_born_digital.py", "test_startup.py", "test_one_opencv.py",
    "test_geometry.py", "test_text.py",
    "test_models.py", "test_rulings.py", "test_corpus.py", "test_regression_double_letters.py",
    "test_mapping_coerce.py", "test_mapping_confidence.py", "test_mapping_corpus.py", "test_mapping_robust.py",
    "test_mapping_seeds.py", "test_mapping_variants.py", "test_structure_assign.py", "test_structure_grid.py",
    "test_structure_merged.py", "test_structure_stitch.py", "test_unruled.py",
})


def _core_only(config: pytest.Config) -> bool:
    return str(config.getoption("markexpr", "")).strip() == "core"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``-m core``, the other test files are not even imported (they may import an extra at the top)."""
    if _core_only(config) and collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        return collection_path.name not in CORE_FILES
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in CORE_FILES:
            item.add_marker(pytest.mark.core)

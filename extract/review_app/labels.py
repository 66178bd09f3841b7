"""The review app's field labels, re-exported from ``extract.labels`` (the one label source the exports share)."""
from __future__ import annotations

from extract.labels import (
    UNIT_SCALE,
    cell_label,
    field_label,
    field_order,
    form_label,
    leaf_label,
    name_label,
    to_printed_unit,
)

__all__ = ["UNIT_SCALE", "cell_label", "field_label", "field_order", "form_label", "leaf_label",
           "name_label", "to_printed_unit"]

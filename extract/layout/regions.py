"""Table regions from two kinds of evidence: groups of crossing rulings, and the layout model's boxes.

A ruled region's box comes from its rulings (tight: it never takes in the title or notes around the table);
the model confirms it (higher score) or, where a table has no rulings, supplies the region on its own.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from extract.types import BBox, Ruling, Table, TableRegion, TextSpan

# One box of the layout model: (class name, bbox in points, score), as ScannedPage.layout holds them.
LayoutBox = tuple[str, BBox, float]

# Scores given to a region by kind of evidence; carried, never used here to drop a region.
RULED_AND_MODEL = 1.0
RULED_ONLY = 0.85
# A model box and a ruled region are the same table when this share of the ruled box lies in the model box.
SAME_TABLE_OVERLAP = 0.5


def _crosses(a: Ruling, b: Ruling, tol: float) -> bool:
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a.bbox, b.bbox
    return ax0 - tol <= bx1 and bx0 - tol <= ax1 and ay0 - tol <= by1 and by0 - tol <= ay1


def _components(rulings: list[Ruling], tol: float) -> list[list[Ruling]]:
    """Groups of rulings connected by crossings (h with v), union-find."""
    parent = list(range(len(rulings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rulings):
        for j in range(i + 1, len(rulings)):
            b = rulings[j]
            if a.orientation != b.orientation and _crosses(a, b, tol):
                parent[find(i)] = find(j)
    groups: dict[int, list[Ruling]] = {}
    for i, r in enumerate(rulings):
        groups.setdefault(find(i), []).append(r)
    return list(groups.values())


def _union(items: Iterable[BBox]) -> BBox:
    boxes = list(items)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def rulings_to_regions(rulings: list[Ruling], page: int, tol: float = 3.0) -> list[TableRegion]:
    """One region per group of crossing rulings with at least two of each orientation."""
    regions: list[TableRegion] = []
    for group in _components(rulings, tol):
        n_h = sum(r.orientation == "h" for r in group)
        if n_h >= 2 and len(group) - n_h >= 2:
            regions.append(TableRegion(page=page, bbox=_union(r.bbox for r in group), score=RULED_ONLY,
                                       detector="rulings"))
    return sorted(regions, key=lambda r: (r.bbox[1], r.bbox[0]))


def _overlap_share(inner: BBox, outer: BBox) -> float:
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = max((inner[2] - inner[0]) * (inner[3] - inner[1]), 1e-6)
    return max(w, 0.0) * max(h, 0.0) / area


def combine_regions(model: list[TableRegion], ruled: list[TableRegion]) -> list[TableRegion]:
    """Ruled regions (confirmed by the model where it agrees) plus model regions that hold no ruled table."""
    out: list[TableRegion] = []
    used: set[int] = set()
    for r in ruled:
        hits = [k for k, m in enumerate(model) if _overlap_share(r.bbox, m.bbox) >= SAME_TABLE_OVERLAP]
        used.update(hits)
        if hits:
            out.append(r.model_copy(update={"score": RULED_AND_MODEL, "detector": f"rulings+{model[hits[0]].detector}"}))
        else:
            out.append(r)
    for k, m in enumerate(model):
        inside = any(_overlap_share(r.bbox, m.bbox) > 0 for r in ruled)
        if k not in used and not inside:
            out.append(m)
    return sorted(out, key=lambda r: (r.page, r.bbox[1], r.bbox[0]))


# Layout classes that are never a table's body, and how sure the model must be. A table mostly (VETO_SHARE
# of its box) inside one of them, and not mostly inside a model table box, is a running header or a footer
# read as a grid. "figure" is not among them: CDLA calls a shaded, lightly ruled table a figure (cTDaR B2
# t10062, score 0.74, a 28 x 4 table of numbers), and vetoing it lost the page (cell F1 0.659 -> 0).
NOT_TABLE = frozenset({"header", "footer"})
VETO_SCORE = 0.5
VETO_SHARE = 0.6


def vetoed_by_layout(bbox: BBox, layout: Sequence[LayoutBox]) -> bool:
    """True when the layout model puts this box in a figure, page header or footer and not in a table."""
    inside_not = max((_overlap_share(bbox, b) for name, b, sc in layout if name in NOT_TABLE and sc >= VETO_SCORE),
                     default=0.0)
    inside_table = max((_overlap_share(bbox, b) for name, b, _ in layout if name == "table"), default=0.0)
    return inside_not >= VETO_SHARE and inside_table < SAME_TABLE_OVERLAP


def layout_veto(tables: list[Table], lines: list[TextSpan], spans: Sequence[TextSpan],
                layout: Sequence[LayoutBox]) -> tuple[list[Table], list[TextSpan]]:
    """(tables the layout model does not veto, lines plus the spans of the vetoed tables)."""
    gone = [t for t in tables if t.bbox is not None and len(t.pages) == 1 and vetoed_by_layout(t.bbox, layout)]
    if not gone:
        return tables, lines
    boxes = [t.bbox for t in gone if t.bbox is not None]  # all of them: gone has only boxed tables

    def inside(s: TextSpan) -> bool:
        x, y = (s.bbox[0] + s.bbox[2]) / 2, (s.bbox[1] + s.bbox[3]) / 2
        return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    freed = [s for s in spans if inside(s)]
    kept = [t for t in tables if not any(t is g for g in gone)]
    return kept, sorted(list(lines) + freed, key=lambda s: (s.bbox[1], s.bbox[0]))

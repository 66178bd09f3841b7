"""TEDS: tree-edit-distance similarity of two HTML tables (Zhong et al., PubTabNet, 2020).

TEDS = 1 - TED(pred, true) / max(|pred|, |true|), node counts taken under <table>. A rename costs 1
when tag, colspan or rowspan differ; two <td> with content cost the normalized edit distance of their
content tokens (characters and inline tags). TEDS-struct ignores cell content.
"""
from __future__ import annotations

import html as html_escape
from collections.abc import Sequence

from benchmarks.metrics.cer import levenshtein
from benchmarks.metrics.html_tree import HtmlNode, content_tokens, find_table, parse_html
from benchmarks.metrics.ted import PostorderTree, postorder_tree, tree_edit_distance

# Scoring tables that no method marks up with header groups or inline styles: these tags are dissolved
# on both sides so that TEDS measures cells, spans and text rather than <thead> or <b> markup.
LAYOUT_NEUTRAL_IGNORE = ("thead", "tbody", "tfoot", "b", "i", "em", "strong", "sup", "sub", "span", "u", "br")

_Label = tuple[str, int | None, int | None, tuple[str, ...]]


def _label(structure_only: bool):
    def label(node: object) -> _Label:
        assert isinstance(node, HtmlNode)
        if node.tag == "td":
            content = () if structure_only else tuple(content_tokens(node))
            return ("td", int(node.attrs.get("colspan", "1") or 1), int(node.attrs.get("rowspan", "1") or 1), content)
        return (node.tag, None, None, ())
    return label


def _children(node: object) -> Sequence[object]:
    assert isinstance(node, HtmlNode)
    return [] if node.tag == "td" else node.elements()


def _rename(a: _Label, b: _Label) -> float:
    if a[:3] != b[:3]:
        return 1.0
    if a[0] == "td" and (a[3] or b[3]):
        return levenshtein(a[3], b[3]) / max(len(a[3]), len(b[3]))
    return 0.0


def table_tree(table: HtmlNode, structure_only: bool = False) -> PostorderTree[_Label]:
    return postorder_tree(table, _label(structure_only), _children)


def teds(pred_html: str, true_html: str, structure_only: bool = False, ignore: Sequence[str] = ()) -> float:
    """Similarity in [0, 1] of the first <table> of each document; 0 when either has none."""
    if not pred_html or not true_html:
        return 0.0
    pred = find_table(parse_html(pred_html, tuple(ignore)))
    true = find_table(parse_html(true_html, tuple(ignore)))
    if pred is None or true is None:
        return 0.0
    n_nodes = max(pred.descendant_count(), true.descendant_count())
    if n_nodes == 0:
        return 1.0
    distance = tree_edit_distance(table_tree(pred, structure_only), table_tree(true, structure_only), _rename)
    return 1.0 - distance / n_nodes


def cells_to_html(n_rows: int, cells: Sequence[tuple[int, int, int, int, str]]) -> str:
    """HTML of a table given (row, col, row_span, col_span, text) per cell, one <tr> per grid row."""
    rows: list[list[tuple[int, int, int, int, str]]] = [[] for _ in range(n_rows)]
    for cell in cells:
        if 0 <= cell[0] < n_rows:
            rows[cell[0]].append(cell)
    parts = ["<html><body><table>"]
    for row in rows:
        parts.append("<tr>")
        for _, _, rs, cs, text in sorted(row, key=lambda c: c[1]):
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            parts.append(f"<td{attrs}>{html_escape.escape(text or '', quote=False)}</td>")
        parts.append("</tr>")
    parts.append("</table></body></html>")
    return "".join(parts)

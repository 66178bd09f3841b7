"""Declared checks run over a mapped form's data (Field dicts at the leaves), giving :class:`Check` records.

Paths name leaves (``funds.total``) and run over lists with ``[*]``: in a ``sum`` every item adds up; in
``range`` each item is checked; in ``order`` and ``equal`` the n-th items are compared with each other. A
value the form did not print is left out; a sum whose total or every term is missing does not run. Sums,
equalities and hierarchies are cross rules: passing them vouches for the numbers they read
(:func:`~extract.mapping.checks.apply_checks`).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from extract.mapping.decl import CheckDecl
from extract.types import Check

CROSS = ("sum", "equal", "hierarchy")
_PART_RE = re.compile(r"([A-Za-z_]\w*)(?:\[(\*|\d+)\])?")


def expand(data: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """(concrete path, Field dict) for each leaf ``path`` names; ``[*]`` runs over the list."""
    found: list[tuple[str, Any]] = [("", data)]
    for part in path.split("."):
        m = _PART_RE.fullmatch(part)
        if m is None:
            return []
        name, idx = m.group(1), m.group(2)
        nxt: list[tuple[str, Any]] = []
        for prefix, node in found:
            if not isinstance(node, dict) or name not in node:
                continue
            p, child = f"{prefix}.{name}" if prefix else name, node[name]
            if idx is None:
                nxt.append((p, child))
            elif isinstance(child, list):
                picks = range(len(child)) if idx == "*" else [int(idx)] if int(idx) < len(child) else []
                nxt += [(f"{p}[{i}]", child[i]) for i in picks]
        found = nxt
    return [(p, n) for p, n in found if isinstance(n, dict) and "value" in n]


def number(leaf: dict[str, Any]) -> Decimal | None:
    v = leaf.get("value")
    if v is None or isinstance(v, bool):
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:
        return None


def _present(data: Any, path: str) -> list[tuple[str, Decimal]]:
    return [(p, d) for p, leaf in expand(data, path) if (d := number(leaf)) is not None]


def _fmt(x: Decimal) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if x % 1 else f"{x:,.0f}"


def check_sum(c: CheckDecl, data: Any) -> list[Check]:
    """Σ terms = total; a total over a list (``items[*].total``) is checked item by item."""
    if "[*]" in (c.total or ""):
        head = (c.total or "").split("[*]")[0]
        n = len(data.get(head) or []) if isinstance(data, dict) else 0
        out = []
        for i in range(n):
            one = c.model_copy(update={"total": (c.total or "").replace("[*]", f"[{i}]"),
                                       "terms": tuple(t.replace("[*]", f"[{i}]") for t in c.terms)})
            out += check_sum(one, data)
        return out
    total = _present(data, c.total or "")
    terms = [t for path in c.terms for t in _present(data, path)]
    if not total or not terms:
        return []
    s = sum((v for _, v in terms), Decimal(0))
    ok = abs(s - total[0][1]) <= Decimal(str(c.tolerance))
    return [Check(rule=c.name, passed=ok, fields=(total[0][0], *(p for p, _ in terms)),
                  detail=f"Σ {len(terms)} = {_fmt(s)}; {c.total} = {_fmt(total[0][1])}")]


def _columns(data: Any, paths: tuple[str, ...]) -> list[list[tuple[str, Decimal]]]:
    """The n-th values of each path side by side, for every n some [*] path has a value at (paths without
    [*] give their one value to every row)."""
    per = [_present(data, p) for p in paths]
    listed = [(vals, p) for vals, p in zip(per, paths) if "[*]" in p]
    if not listed:
        return [[v for vals in per for v in vals[:1]]]
    indices = sorted({_index_of(c, p) for vals, p in listed for c, _ in vals})
    rows = []
    for i in indices:
        row = []
        for vals, p in zip(per, paths):
            if "[*]" in p:
                row += [v for v in vals if _index_of(v[0], p) == i]
            elif vals:
                row.append(vals[0])
        rows.append(row)
    return rows


def _index_of(concrete: str, pattern: str) -> int:
    head = pattern.split("[*]")[0]
    m = re.match(re.escape(head) + r"\[(\d+)\]", concrete)
    return int(m.group(1)) if m else -1


def check_equal(c: CheckDecl, data: Any) -> list[Check]:
    out = []
    tol = Decimal(str(c.tolerance))
    for row in _columns(data, c.fields):
        if len(row) < 2:
            continue
        ok = max(v for _, v in row) - min(v for _, v in row) <= tol
        out.append(Check(rule=c.name, passed=ok, fields=tuple(p for p, _ in row),
                         detail=" = ".join(f"{p} {_fmt(v)}" for p, v in row)))
    return out


def check_order(c: CheckDecl, data: Any) -> list[Check]:
    rows = [r for r in _columns(data, c.fields) if len(r) >= 2]
    bad = [p for r in rows for (p, a), (q, b) in zip(r, r[1:]) if a > b for p in (p, q)]
    if not rows:
        return []
    fields = tuple(dict.fromkeys(bad)) or tuple(p for r in rows for p, _ in r)
    return [Check(rule=c.name, passed=not bad, fields=fields, detail=f"{len(bad) // 2} out of order of {len(rows)}")]


def check_range(c: CheckDecl, data: Any) -> list[Check]:
    vals = [v for p in c.fields for v in _present(data, p)]
    if not vals:
        return []
    lo = Decimal(str(c.min)) if c.min is not None else None
    hi = Decimal(str(c.max)) if c.max is not None else None
    bad = [p for p, v in vals if (lo is not None and v < lo) or (hi is not None and v > hi)]
    return [Check(rule=c.name, passed=not bad, fields=tuple(bad) or tuple(p for p, _ in vals),
                  detail=f"{len(bad)} of {len(vals)} outside [{c.min}, {c.max}]")]


def check_hierarchy(c: CheckDecl, data: Any) -> list[Check]:
    """Every coded parent's amounts equal the sums of its direct children's (类 = Σ款, 款 = Σ项)."""
    items = data.get(c.rows or "") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    codes = [(i, str((it.get(c.code) or {}).get("value") or "")) for i, it in enumerate(items)]
    lengths = list(c.code_lengths)
    out = []
    for i, code in codes:
        if len(code) not in lengths[:-1]:
            continue
        child_len = lengths[lengths.index(len(code)) + 1]
        kids = [j for j, k in codes if len(k) == child_len and k.startswith(code)]
        if not kids:
            continue
        for amount in c.amounts:
            parent = number(items[i].get(amount) or {})
            terms = [(j, v) for j in kids if (v := number(items[j].get(amount) or {})) is not None]
            if parent is None or not terms:
                continue
            s = sum((v for _, v in terms), Decimal(0))
            ok = abs(s - parent) <= Decimal(str(c.tolerance))
            fields = (f"{c.rows}[{i}].{amount}", *(f"{c.rows}[{j}].{amount}" for j, _ in terms))
            out.append(Check(rule=c.name, passed=ok, fields=fields,
                             detail=f"{code} {amount}: {_fmt(parent)}; Σ children = {_fmt(s)}"))
    if c.total:  # the total row is the root: 合计 = Σ 类
        tops = [i for i, k in codes if len(k) == lengths[0]]
        for amount in c.amounts:
            out += check_sum(CheckDecl(name=c.name, rule="sum", total=f"{c.total}.{amount}", tolerance=c.tolerance,
                                       terms=tuple(f"{c.rows}[{i}].{amount}" for i in tops)), data)
    return out


RULES = {"sum": check_sum, "equal": check_equal, "order": check_order, "range": check_range,
         "hierarchy": check_hierarchy}


def run_declared(checks: tuple[CheckDecl, ...], data: Any) -> list[Check]:
    return [out for c in checks for out in RULES[c.rule](c, data)]


def cross_rules(checks: tuple[CheckDecl, ...]) -> frozenset[str]:
    return frozenset(c.name for c in checks if c.rule in CROSS)

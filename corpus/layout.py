"""Lay a form out as blocks to draw: its labels, columns, units and merged cells, by style.

Two families follow the two real forms: ``dongguan`` (amounts of tasks in 元 with a 期望达到的目标 column,
no 序号, two target columns 实施周期指标值/年度指标值, indicators inside the main table) and ``jieyang``
(序号, everything in 万元, 资金主管部门, indicators as a second table with 三级指标解释/对比符号/指标值/计量单位).
Style switches produce the invented variants. The truth of a laid-out form is :func:`form_truth`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from corpus.render import Block, Paragraph, TableBlock, Title
from corpus.sheet import Sheet, SheetCell, snap_edges
from corpus.truth import FormTruth, IndicatorTruth, TaskTruth, plain_decimal


@dataclass(frozen=True)
class FormStyle:
    family: Literal["dongguan", "jieyang"] = "dongguan"
    budget_unit: Literal["万元", "元"] = "万元"
    task_unit: Literal["万元", "元"] = "元"
    money_format: Literal["comma2", "plain"] = "comma2"
    year_line: bool = True
    full_width: bool = False  # （万元） instead of (万元)
    class_label: str = "部门预算支出"
    dev_rows: bool = True  # 事业发展性支出 / 按预算级次划分 rows
    competent: bool = False  # 资金主管部门 cell in the first row
    competent_label: str = "资金主管部门"
    seq: bool = False
    outcome: bool = True
    other_header: bool = True
    other_label: str = "其他需完成的任务(可选填)"
    indicators_separate: bool = False
    comparator_cols: bool = False  # 三级指标解释/对比符号/指标值/计量单位 instead of two target columns
    comparator_ascii: frozenset[str] = frozenset()
    split_labels: bool = False  # labels printed over two lines (资金主管\n部门)
    label_w: float = 0.13
    jitter: tuple[float, ...] = ()  # small offsets for column edges, from the generator
    font_size: float = 10.0
    title_size: float = 18.0
    repeat_header: bool = True
    continued_top_border: bool = False
    break_before_task: int | None = None  # force a page break before this key task (seed Jieyang)
    note: str = ""  # 填报要求 paragraph after the form


@dataclass
class FormSpec:
    """A form as printed: indicator rows include the empty ones (a bare 成本指标) that truth skips."""

    form: FormTruth
    style: FormStyle
    extra: dict = field(default_factory=dict)


def form_truth(spec: FormSpec) -> FormTruth:
    rows = [i for i in spec.form.indicators if i.level3 or i.annual_target or i.period_target]
    return spec.form.model_copy(update={"indicators": rows})


def bracket(text: str, style: FormStyle) -> str:
    return text.replace("(", "（").replace(")", "）") if style.full_width else text


def format_money(value: str | None, unit: str, fmt: str) -> str:
    if value is None:
        return ""
    amount = Decimal(value) / (10000 if unit == "万元" else 1)
    return f"{amount:,.2f}" if fmt == "comma2" else plain_decimal(amount)


def _edges(style: FormStyle, fracs: list[float], key: int) -> list[float]:
    """Edges of a block's value columns over [label_w, 1], from relative widths (+ jitter)."""
    jit = style.jitter
    ws = [w * (1 + (jit[(key + i) % len(jit)] if jit else 0)) for i, w in enumerate(fracs)]
    total, x, out = sum(ws), style.label_w, [style.label_w]
    for w in ws:
        x += (1 - style.label_w) * w / total
        out.append(round(x, 4))
    out[-1] = 1.0
    return out


def _label(text: str, style: FormStyle) -> str:
    if style.split_labels and len(text) >= 4 and "(" not in text:
        return text[: len(text) // 2] + "\n" + text[len(text) // 2:]
    return text


def _labelled_block(sheet: Sheet, label: str, first: int, style: FormStyle) -> None:
    sheet.add_cell(SheetCell(first, 0.0, style.label_w, _label(label, style), sheet.n_rows - first, "center", "label"))


def head_rows(sheet: Sheet, form: FormTruth, style: FormStyle, b: list[float]) -> None:
    L = style.label_w
    r = sheet.n_rows
    if style.competent:
        lab = style.competent_label
        sheet.add_row([(L, b[2], form.department or ""), (b[2], b[3], lab), (b[3], 1, form.competent_department or "")],
                      "center")
    else:
        sheet.add_row([(L, 1, form.department or "")], "center")
    sheet.add_cell(SheetCell(r, 0, L, "部门名称", 1, "center", "label"))
    r = sheet.add_row([(b[0], b[1], "财政供养人员数"), (b[1], b[2], _num(form.staff_count)),
                       (b[2], b[3], "下属二级单位数"), (b[3], b[4], _num(form.subordinate_units))], "center")
    sheet.add_cell(SheetCell(r, 0, L, "基本信息", 1, "center", "label"))


def _num(v: int | None) -> str:
    return "" if v is None else str(v)


def budget_rows(sheet: Sheet, form: FormTruth, style: FormStyle, b: list[float]) -> None:
    first, unit = sheet.n_rows, bracket(f"预算金额({style.budget_unit})", style)
    m = form.budget

    def money(v: str | None) -> str:
        return format_money(v, style.budget_unit, style.money_format)

    cols = list(zip(b, b[1:]))
    sheet.add_row([(*cols[0], style.class_label), (*cols[1], unit), (*cols[2], "收入来源"), (*cols[3], unit)], "center")
    rows = [("基本支出", m.basic_expenditure, "财政拨款", m.fiscal_appropriation),
            ("项目支出", m.project_expenditure, "其他资金", m.other_funds)]
    for a, va, c, vc in rows:
        sheet.add_row([(*cols[0], a), (*cols[1], money(va)), (*cols[2], c), (*cols[3], money(vc))], "center")
    if style.dev_rows:
        sheet.add_row([(*cols[0], "事业发展性支出"), (*cols[1], unit), (*cols[2], "按预算级次划分"), (*cols[3], unit)],
                      "center")
        dev = [("财政专项资金", m.special_funds, "市本级使用资金", m.municipal_funds),
               ("其他事业发展性支出", m.other_development_expenditure, "拟用于对下转移支付资金", m.transfer_funds)]
        for a, va, c, vc in dev:
            sheet.add_row([(*cols[0], a), (*cols[1], money(va)), (*cols[2], c), (*cols[3], money(vc))], "center")
    _labelled_block(sheet, "预算整体情况", first, style)


def goals_row(sheet: Sheet, form: FormTruth, style: FormStyle) -> None:
    r = sheet.add_row([(style.label_w, 1, "\n".join(form.overall_goals))])
    sheet.add_cell(SheetCell(r, 0, style.label_w, "总体绩效目标", 1, "center", "label"))


def _task_cols(style: FormStyle) -> list[float]:
    if style.seq:
        return _edges(style, [0.07, 0.22, 0.36, 0.12, 0.13], 2)  # 序号 名称 内容(2 cols) 金额
    wide = 0.2 if style.task_unit == "元" else 0.15  # 元 amounts print 12+ digits
    return _edges(style, [0.2, 0.33, wide, 0.3], 2)


def task_rows(sheet: Sheet, tasks: list[TaskTruth], style: FormStyle, other: bool) -> None:
    t = _task_cols(style)
    first = sheet.n_rows
    unit = bracket(f"({style.task_unit})", style)
    if style.seq:
        header = [(t[0], t[1], "序号"), (t[1], t[2], "名称"), (t[2], t[4], "主要实施内容"), (t[4], t[5], f"拟投入金额{unit}")]
    else:
        content = "目标内容" if other else "主要实施内容"
        header = [(t[0], t[1], "名称"), (t[1], t[2], content), (t[2], t[3], f"拟投入的资金{unit}"),
                  (t[3], t[4], "" if other else bracket("期望达到的目标(概述)", style))]
    hdr = None
    if not other or style.other_header:
        hdr = sheet.add_row(header, "center", "header")
    for i, task in enumerate(tasks):
        money = format_money(task.amount, style.task_unit, style.money_format)
        if not other and style.break_before_task == i:
            sheet.break_before.add(sheet.n_rows)
        if style.seq:
            mid = [(t[2], t[4], task.content or "")] if not other else [(t[2], t[3], task.content or ""), (t[3], t[4], "")]
            row = [(t[0], t[1], _num(task.seq)), (t[1], t[2], task.name or ""), *mid, (t[4], t[5], money)]
        else:
            row = [(t[0], t[1], task.name or ""), (t[1], t[2], task.content or ""), (t[2], t[3], money),
                   (t[3], t[4], task.expected_outcome or "")]
        r = sheet.add_row(row)
        if hdr is not None:
            sheet.header_of[r] = hdr
    if sheet.n_rows == first:
        sheet.add_row([(t[0], 1, "")])
    label = style.other_label if other else "年度重点工作任务"
    _labelled_block(sheet, bracket(label, style), first, style)


def indicator_texts(ind: IndicatorTruth, style: FormStyle) -> list[str]:
    """The printed cells of one indicator row after its 一级/二级 columns."""
    if not style.comparator_cols:
        return [ind.level3 or "", ind.period_target or "", ind.annual_target or ""]
    comp = ind.comparator or ""
    if comp in style.comparator_ascii:
        comp = {"≤": "<=", "≥": ">="}.get(comp, comp)
    return [ind.level3 or "", ind.explanation or "", comp, ind.annual_target or "", ind.unit or ""]


def indicator_header(style: FormStyle) -> list[str]:
    if style.comparator_cols:
        return ["一级指标", "二级指标", "三级指标", "三级指标解释", "对比符号", "指标值", "计量单位"]
    return ["一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"]


def _runs(values: list[str | None]) -> list[tuple[int, int]]:
    """(start, length) of runs of equal consecutive values."""
    runs: list[tuple[int, int]] = []
    for i, v in enumerate(values):
        if runs and values[runs[-1][0]] == v:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((i, 1))
    return runs


def indicator_rows(sheet: Sheet, inds: list[IndicatorTruth], style: FormStyle, x_left: float) -> None:
    """Header plus one row per indicator; 一级/二级 merged over their runs."""
    fr = [0.11, 0.13, 0.2, 0.2, 0.07, 0.12, 0.08] if style.comparator_cols else [0.14, 0.16, 0.24, 0.23, 0.23]
    e = _edges(FormStyle(label_w=x_left, jitter=style.jitter), fr, 5)
    first = sheet.n_rows
    hdr = sheet.add_row(list(zip(e, e[1:], indicator_header(style))), "center", "header")
    start = sheet.n_rows
    for ind in inds:
        texts = indicator_texts(ind, style)
        cells = [(a, b, t) for a, b, t in zip(e[2:], e[3:], texts)]
        r = sheet.n_rows
        for a, b, t in cells:
            align = "left" if len(t) > 12 else "center"
            sheet.cells.append(SheetCell(r, a, b, t, 1, align))  # type: ignore[arg-type]
        sheet.n_rows += 1
        sheet.header_of[r] = hdr
    level1 = [i.level1 for i in inds]
    for s, n in _runs(level1):
        sheet.add_cell(SheetCell(start + s, e[0], e[1], inds[s].level1 or "", n, "center"))
    for s, n in _runs([(i.level1, i.level2) for i in inds]):  # type: ignore[misc]
        sheet.add_cell(SheetCell(start + s, e[1], e[2], inds[s].level2 or "", n, "center"))
    if x_left > 0:
        _labelled_block(sheet, "绩效指标", first, style)


def form_blocks(spec: FormSpec) -> tuple[list[Block], list[Sheet]]:
    """Title lines, the main table, the optional separate indicator table and note, for one form."""
    form, style = spec.form, spec.style
    blocks: list[Block] = [Title(form.title or "", style.title_size, 4 if style.year_line else 10)]
    if style.year_line:
        blocks.append(Title(bracket(f"({form.year}年)", style), style.font_size + 2, 8))
    b = _edges(style, [0.25, 0.25, 0.25, 0.25], 0)
    main = Sheet(kind="form")
    head_rows(main, form, style, b)
    budget_rows(main, form, style, b)
    goals_row(main, form, style)
    task_rows(main, form.key_tasks, style, other=False)
    task_rows(main, form.other_tasks, style, other=True)
    sheets = [main]
    if not style.indicators_separate:
        indicator_rows(main, form.indicators, style, style.label_w)
    blocks.append(_table(main, style))
    if style.indicators_separate:
        ind = Sheet(kind="indicators")
        indicator_rows(ind, form.indicators, style, 0.0)
        blocks += [Title("绩效指标", style.font_size + 3, 6), _table(ind, style)]
        sheets.append(ind)
    if style.note:
        blocks.append(Paragraph(style.note, style.font_size, indent=False))
    return blocks, sheets


def _table(sheet: Sheet, style: FormStyle) -> TableBlock:
    snap_edges(sheet)
    return TableBlock(sheet, style.font_size, style.repeat_header, style.continued_top_border)

"""Excel sheets of the monthly report: the summary form (every figure, 本月 and 本年累计, the
narrative and the signature block) and the breakdowns by region and sector."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ..models import MonthlyReport

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Two-row header of the breakdown sheets: (group label, [(key, sub label)]).
FORM_GROUPS = [
    ("检查单位数", [("units_inspected", "")]),
    (
        "一般隐患",
        [
            ("general_found", "发现"),
            ("general_self", "其中企业自查"),
            ("general_dept", "其中部门检查"),
            ("general_rectified", "已整改"),
            ("general_rate", "整改率(%)"),
            ("general_overdue", "逾期未改"),
        ],
    ),
    (
        "重大事故隐患",
        [
            ("major_found", "发现"),
            ("major_self", "其中企业自查"),
            ("major_dept", "其中部门检查"),
            ("major_closed", "已整改销号"),
            ("major_rate", "整改率(%)"),
            ("major_overdue", "逾期未改"),
            ("major_in_plan", "列入治理计划"),
            ("major_five_complete", "五落实"),
        ],
    ),
    ("挂牌督办", [("supervised", "合计"), ("supervised_province", "其中省级")]),
    ("整改资金(万元)", [("funds", "")]),
    (
        "动态清零",
        [
            ("stock_opening", "期初存量"),
            ("stock_new", "本期新增"),
            ("stock_closed", "本期销号"),
            ("stock_carried", "结转下期"),
            ("stock_old", "2023年及以前未销号"),
        ],
    ),
]


def _title(sheet, report: MonthlyReport, context: dict, width: int, suffix: str = "") -> None:
    """Rows 1 and 2: the form's title, and its periods, filer, due date and version."""
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(
        1,
        1,
        f"{report.region.name}{report.year}年{report.month}月重大事故隐患排查整治进展情况统计表{suffix}",
    )
    sheet.cell(1, 1).font = Font(size=14, bold=True)
    sheet.cell(1, 1).alignment = CENTER
    period, year = context["period"], context["year_period"]
    version = context["version"]
    sheet.cell(
        2,
        1,
        f"统计时段：{period.get('start', '')} 至 {period.get('end', '')}    "
        f"本年累计：{year.get('start', '')} 至 {year.get('end', '')}    "
        f"填报单位：{report.region.name}    报送截止：{report.due_date}"
        + (f"    {version.label}" if version else "    （未报送）"),
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _box(sheet, first: int, last: int, width: int) -> None:
    for row in sheet.iter_rows(min_row=first, max_row=last, max_col=width):
        for cell in row:
            cell.border = BORDER
            cell.alignment = CENTER


def _texts(sheet, context: dict, row: int, width: int) -> int:
    """Notes, the missing counties' reason, the narrative and the signature block from `row`."""
    texts = context["texts"]
    lines = [f"注：{note}" for note in context["notes"]]
    if texts.get("counties"):
        states = "；".join(f"{name} {state}" for name, state in texts["counties"])
        lines.append(f"各县（市、区）报送情况：{states}")
    if texts.get("missing"):
        lines.append(
            f"未报送的县（市、区）：{'、'.join(texts['missing'])}。说明：{texts.get('missing_reason', '')}"
        )
    for line in lines:
        sheet.cell(row, 1, line)
        row += 1
    for label, text in context["narrative"]:
        row += 1
        sheet.cell(row, 1, f"{label}：").font = Font(bold=True)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
        sheet.cell(row, 2, text or "（未填写）").alignment = LEFT
        sheet.row_dimensions[row].height = max(20, 15 * (len(text or "") // 60 + 1))
    row += 2
    sheet.cell(
        row,
        1,
        "    ".join(f"{label}：{value or '＿＿＿＿'}" for label, value in context["signature"]),
    )
    return row


def write_summary(sheet, report: MonthlyReport, context: dict) -> None:
    sheet.title = "汇总表"
    width = 4
    _title(sheet, report, context, width)
    for col, label in enumerate(("类别", "指标", "本月", "本年累计"), start=1):
        sheet.cell(3, col, label).font = Font(bold=True)
    row = 4
    for group, rows in context["summary"]:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row + len(rows) - 1, end_column=1)
        sheet.cell(row, 1, group)
        for _, label, month, year in rows:
            sheet.cell(row, 2, label)
            sheet.cell(row, 3, month)
            sheet.cell(row, 4, year)
            row += 1
    _box(sheet, 3, row - 1, width)
    _texts(sheet, context, row + 1, width)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 14
    sheet.column_dimensions["D"].width = 14


def write_form(sheet, report: MonthlyReport, context: dict, rows: list[dict], head: str) -> None:
    keys = [k for _, cols in FORM_GROUPS for k, _ in cols]
    width = 2 + len(keys)
    _title(sheet, report, context, width, "（本月）")
    _header(sheet, head)
    body = [(str(i), r["label"], r) for i, r in enumerate(rows, start=1)]
    body.append(("", "合计", context["total"]))
    for r, (no, label, row) in enumerate(body, start=5):
        sheet.cell(r, 1, no)
        sheet.cell(r, 2, label)
        for c, key in enumerate(keys, start=3):
            value = row.get(key)
            sheet.cell(r, c, "—" if value is None else value)
    last = 4 + len(body)
    _box(sheet, 3, last, width)
    _texts(sheet, {**context, "narrative": []}, last + 2, width)
    sheet.column_dimensions["B"].width = 22
    for c in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 10
    sheet.freeze_panes = "C5"


def _header(sheet, head: str) -> None:
    """Rows 3 and 4: 序号, the grouping's name and FORM_GROUPS, merged as on the paper form."""
    for col, label in ((1, "序号"), (2, head)):
        sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        sheet.cell(3, col, label)
    col = 3
    for group, cols in FORM_GROUPS:
        if len(cols) == 1:
            sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        else:
            sheet.merge_cells(
                start_row=3, start_column=col, end_row=3, end_column=col + len(cols) - 1
            )
        sheet.cell(3, col, group)
        for i, (_, sub) in enumerate(cols):
            if sub:
                sheet.cell(4, col + i, sub)
        col += len(cols)

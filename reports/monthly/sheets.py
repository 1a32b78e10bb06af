"""Excel sheets of the monthly report: the summary form (every figure, 本月 and 本年累计, the
narrative and the signature block) and the breakdowns by region and sector, each row 本月 and
本年累计."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ..models import MonthlyReport
from .figures import FORM_GROUPS

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


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


def write_form(sheet, report: MonthlyReport, context: dict, lines: list[dict], head: str) -> None:
    """A breakdown sheet: two lines per region or sector (and for 合计), 本月 above 本年累计."""
    width = 3 + sum(len(cols) for _, cols in FORM_GROUPS)
    _title(sheet, report, context, width, "（本月及本年累计）")
    _header(sheet, head)
    r = 5
    for line in lines:
        for col, value in ((1, line["n"]), (2, line["label"])):
            sheet.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
            sheet.cell(r, col, value)
        for offset, (label, cells) in enumerate(
            ((context["month_label"], line["month"]), (context["year_label"], line["year"]))
        ):
            sheet.cell(r + offset, 3, label)
            for c, (value, _) in enumerate(cells, start=4):
                sheet.cell(r + offset, c, value)
            if line["total"]:
                for c in range(1, width + 1):
                    sheet.cell(r + offset, c).font = Font(bold=True)
        r += 2
    last = r - 1
    _box(sheet, 3, last, width)
    _texts(sheet, {**context, "narrative": []}, last + 2, width)
    sheet.column_dimensions["B"].width = 22
    for c in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 10
    sheet.freeze_panes = "D5"


def _header(sheet, head: str) -> None:
    """Rows 3 and 4: 序号, the grouping's name, 时段 and FORM_GROUPS, merged as on the paper form."""
    for col, label in ((1, "序号"), (2, head), (3, "时段")):
        sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        sheet.cell(3, col, label)
    col = 4
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

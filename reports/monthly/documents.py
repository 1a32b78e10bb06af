"""The monthly report as documents: the page and PDF context, and the Excel workbook laid out
like the national monthly form."""

from __future__ import annotations

import io

from core.pdf import render_pdf

from ..models import MonthlyReport
from . import figures as fig


def report_context(report: MonthlyReport) -> dict:
    figures = report.figures or {}
    return {
        "report": report,
        "figures": figures,
        "columns": fig.COLUMNS,
        "total": figures.get("total", {}),
        "by_region": figures.get("by_region", []),
        "by_sector": figures.get("by_sector", []),
        "period": figures.get("period", {}),
        "notes": figures.get("notes", []),
        "sections": [
            ("按地区统计", figures.get("by_region", [])),
            ("按行业领域统计", figures.get("by_sector", [])),
        ],
    }


def report_pdf(report: MonthlyReport) -> bytes:
    return render_pdf("reports/monthly/documents/report_monthly.html", report_context(report))


def report_xlsx(report: MonthlyReport) -> bytes:
    """The snapshot laid out like the national monthly form: one sheet per grouping."""
    from openpyxl import Workbook

    book = Workbook()
    context = report_context(report)
    first = True
    for title, rows, head in (
        ("按地区", context["by_region"], "地区"),
        ("按行业领域", context["by_sector"], "行业领域"),
    ):
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = title
        _write_form(sheet, report, context, rows, head)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Two-row header of the national form: (group label, [(key, sub label)]).
FORM_GROUPS = [
    ("检查单位数", [("units_inspected", "")]),
    (
        "一般隐患",
        [
            ("general_found", "发现"),
            ("general_rectified", "已整改"),
            ("general_rate", "整改率(%)"),
            ("general_overdue", "逾期未改"),
        ],
    ),
    (
        "重大事故隐患",
        [
            ("major_found", "发现"),
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


def _write_form(sheet, report, context, rows, head) -> None:
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    keys = [k for _, cols in FORM_GROUPS for k, _ in cols]
    width = 2 + len(keys)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _write_title(sheet, report, context["period"], width, center)
    _write_header(sheet, head)
    body = [(str(i), r["label"], r) for i, r in enumerate(rows, start=1)]
    body.append(("", "合计", context["total"]))
    for r, (no, label, row) in enumerate(body, start=5):
        sheet.cell(r, 1, no)
        sheet.cell(r, 2, label)
        for c, key in enumerate(keys, start=3):
            value = row.get(key)
            sheet.cell(r, c, "—" if value is None else value)
    last = 4 + len(body)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in sheet.iter_rows(min_row=3, max_row=last, max_col=width):
        for cell in row:
            cell.border = border
            cell.alignment = center
    for note_row, note in enumerate(context["notes"], start=last + 2):
        sheet.cell(note_row, 1, f"注：{note}")
    sheet.column_dimensions["B"].width = 22
    for c in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 10
    sheet.freeze_panes = "C5"


def _write_title(sheet, report, period: dict, width: int, center) -> None:
    """Rows 1 and 2: the form's title, and its period, filer and due date."""
    from openpyxl.styles import Font

    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(
        1,
        1,
        f"{report.region.name}{report.year}年{report.month}月重大事故隐患排查整治进展情况统计表",
    )
    sheet.cell(1, 1).font = Font(size=14, bold=True)
    sheet.cell(1, 1).alignment = center
    sheet.cell(
        2,
        1,
        f"统计时段：{period.get('start', '')} 至 {period.get('end', '')}    "
        f"填报单位：{report.region.name}    报送截止：{report.due_date}",
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _write_header(sheet, head: str) -> None:
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

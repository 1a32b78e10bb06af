"""The monthly report as documents: the page and PDF context, and the Excel workbook laid out
like the provincial form. A filed version renders from its own frozen figures and texts; the
files a filing rendered are what its downloads serve."""

from __future__ import annotations

import io

from core.pdf import render_pdf

from ..models import MonthlyReport, MonthlyReportVersion
from . import figures as fig
from .snapshot import merged_figures, texts_of

SIGNATURE = (("filled_by", "填表人"), ("reviewed_by", "审核人"), ("phone", "联系电话"))
NARRATIVE = (("work_done", "工作开展情况"), ("problems", "存在问题"), ("next_steps", "下步打算"))


def show(key: str, value) -> str | int | float:
    """A figure as printed: rates with "—" when nothing was found, entered ones "未填"."""
    if value is None:
        return "未填" if key in fig.ENTERED_KEYS else "—"
    return value


def summary_rows(total: dict, year_total: dict) -> list[tuple[str, list[tuple]]]:
    return [
        (
            group,
            [
                (key, fig.LABELS[key], show(key, total.get(key)), show(key, year_total.get(key)))
                for key in keys
            ],
        )
        for group, keys in fig.SUMMARY_GROUPS
    ]


# The breakdown tables' figures, in column order; the page marks these red when not zero.
TABLE_KEYS = [key for _, columns in fig.FORM_GROUPS for key, _ in columns]
ALARM_KEYS = frozenset({"general_overdue", "major_overdue", "stock_old"})
MONTH, YEAR_TO_DATE = "本月", "本年累计"


def _cells(row: dict | None) -> list[tuple]:
    """(value, kind) of each column: "—" where there is no figure (a rate of nothing found, or
    a version filed before its rows had 本年累计); kind is "rate", "alarm" or ""."""
    row = row or {}
    cells = []
    for key in TABLE_KEYS:
        value = row.get(key)
        kind = "rate" if key.endswith("_rate") else ("alarm" if key in ALARM_KEYS else "")
        cells.append(("—" if value is None else value, kind))
    return cells


def breakdown(rows: list[dict], total: dict, year_total: dict) -> list[dict]:
    """The rows of a breakdown table: each region or sector, then 合计, each with its 本月 and
    its 本年累计 figures."""
    lines = [
        {
            "n": str(n),
            "label": row.get("label", ""),
            "month": _cells(row),
            "year": _cells(row.get(fig.YEAR)),
            "total": False,
        }
        for n, row in enumerate(rows, start=1)
    ]
    lines.append(
        {
            "n": "",
            "label": "合计",
            "month": _cells(total),
            "year": _cells(year_total or None),
            "total": True,
        }
    )
    return lines


def report_context(report: MonthlyReport, version: MonthlyReportVersion | None = None) -> dict:
    """What the page, the PDF and the Excel show: a version as filed, or the report as it
    stands now (a draft's entered figures and texts included)."""
    if version is not None:
        figures, texts = version.figures, version.texts
    else:
        from .filing import county_states

        figures, texts = merged_figures(report), texts_of(report) | county_states(report)
    total, year_total = figures.get("total", {}), figures.get("year_total", {})
    return {
        "report": report,
        "version": version,
        "figures": figures,
        "texts": texts,
        "narrative": [(label, texts.get(name, "")) for name, label in NARRATIVE],
        "signature": [(label, texts.get(name, "")) for name, label in SIGNATURE]
        + [("报送日期", texts.get("submitted_on", ""))],
        "columns": fig.COLUMNS,
        "total": total,
        "year_total": year_total,
        "summary": summary_rows(total, year_total),
        "by_region": figures.get("by_region", []),
        "by_sector": figures.get("by_sector", []),
        "period": figures.get("period", {}),
        "year_period": figures.get("year_period", {}),
        "notes": figures.get("notes", []),
        "sections": [
            ("按地区统计", "地区", breakdown(figures.get("by_region", []), total, year_total)),
            (
                "按行业领域统计",
                "行业领域",
                breakdown(figures.get("by_sector", []), total, year_total),
            ),
        ],
        "month_label": MONTH,
        "year_label": YEAR_TO_DATE,
    }


def version_pdf(version: MonthlyReportVersion) -> bytes:
    return render_pdf(
        "reports/monthly/documents/report_monthly.html", report_context(version.report, version)
    )


def version_xlsx(version: MonthlyReportVersion) -> bytes:
    return _workbook(version.report, report_context(version.report, version))


def _latest(report: MonthlyReport) -> MonthlyReportVersion | None:
    """The version a filed report's downloads serve; None while it is being edited."""
    if report.is_editable:
        return None
    return report.versions.order_by("-number").first()


def read_file(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def report_pdf(report: MonthlyReport) -> bytes:
    """A filed report's latest version as filed; a draft as it stands."""
    latest = _latest(report)
    if latest is not None:
        return read_file(latest.pdf)
    return render_pdf("reports/monthly/documents/report_monthly.html", report_context(report))


def report_xlsx(report: MonthlyReport) -> bytes:
    latest = _latest(report)
    if latest is not None:
        return read_file(latest.xlsx)
    return _workbook(report, report_context(report))


def _workbook(report: MonthlyReport, context: dict) -> bytes:
    """The summary form first, then one sheet per grouping."""
    from openpyxl import Workbook

    from .sheets import write_form, write_summary

    book = Workbook()
    write_summary(book.active, report, context)
    for (_, head, lines), title in zip(context["sections"], ("按地区", "按行业领域"), strict=True):
        sheet = book.create_sheet()
        sheet.title = title
        write_form(sheet, report, context, lines, head)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

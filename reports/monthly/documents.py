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
            ("按地区统计", figures.get("by_region", [])),
            ("按行业领域统计", figures.get("by_sector", [])),
        ],
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
    for title, rows, head in (
        ("按地区", context["by_region"], "地区"),
        ("按行业领域", context["by_sector"], "行业领域"),
    ):
        sheet = book.create_sheet()
        sheet.title = title
        write_form(sheet, report, context, rows, head)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

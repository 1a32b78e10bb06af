"""What a monthly report says at a given moment: its figures with the entered enforcement
figures merged in (本月 and 本年累计), and its texts (narrative and signature block).

A draft shows them live; a filing freezes exactly these two dicts into a version."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from core.choices import RegionLevel

from ..choices import ReportState
from ..models import MonthlyReport, MonthlyReportVersion
from . import figures as fig

TEXT_FIELDS = ("work_done", "problems", "next_steps", "filled_by", "reviewed_by", "phone")


def latest_filed_figures(reports: list[MonthlyReport]) -> dict[int, dict]:
    """The figures of each report's latest filed version (reports filed before versions were
    kept: their own frozen figures)."""
    latest: dict[int, dict] = {}
    versions = MonthlyReportVersion.objects.filter(report__in=reports).order_by("report", "number")
    for report_id, figures in versions.values_list("report_id", "figures"):
        latest[report_id] = figures
    for report in reports:
        if report.pk not in latest and report.state == ReportState.SUBMITTED:
            latest[report.pk] = report.figures
    return latest


def _entered_before(report: MonthlyReport) -> dict[str, Decimal]:
    """The entered figures of this year's earlier months, as last filed."""
    earlier = list(
        MonthlyReport.objects.filter(
            region=report.region_id, year=report.year, month__lt=report.month
        )
    )
    sums = {key: Decimal(0) for key in fig.ENTERED_KEYS}
    for figures in latest_filed_figures(earlier).values():
        for key in fig.ENTERED_KEYS:
            sums[key] += Decimal(str(figures.get("total", {}).get(key) or 0))
    return sums


def _number(key: str, value: Decimal):
    return float(round(value, 2)) if key in fig.DECIMAL_KEYS else int(value)


def merged_figures(report: MonthlyReport) -> dict:
    """The report's figures with its entered figures: 本月 as entered (absent when not entered
    yet), 本年累计 = this year's earlier filings plus this month. A city's entered figures are
    already the sums of its counties' filings."""
    figures = dict(report.figures or {})
    if report.region.level != RegionLevel.COUNTY or not figures:
        return figures
    total = dict(figures.get("total", {}))
    year_total = dict(figures.get("year_total", {}))
    before = _entered_before(report)
    for key in fig.ENTERED_KEYS:
        value = (report.entered or {}).get(key)
        if value is None or value == "":
            total.pop(key, None)
            year_total.pop(key, None)
            continue
        total[key] = _number(key, Decimal(str(value)))
        year_total[key] = _number(key, before[key] + Decimal(str(value)))
    figures["total"], figures["year_total"] = total, year_total
    return figures


def missing_entered(report: MonthlyReport) -> list[str]:
    """Labels of the entered figures a county has not filled in (0 is a value)."""
    if report.region.level != RegionLevel.COUNTY:
        return []
    entered = report.entered or {}
    return [label for key, label in fig.ENTERED if entered.get(key) in (None, "")]


def texts_of(report: MonthlyReport, *, by=None, missing: list[str] | None = None) -> dict:
    texts = {name: getattr(report, name) for name in TEXT_FIELDS}
    if by is not None and not texts["filled_by"]:
        texts["filled_by"] = by.display_name
    texts["submitted_on"] = timezone.localdate().isoformat() if by is not None else ""
    texts["missing"] = missing or []
    texts["missing_reason"] = report.missing_reason if missing else ""
    return texts

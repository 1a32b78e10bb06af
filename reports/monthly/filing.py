"""Filing monthly reports upward: editing a draft, submitting (each filing a frozen version
with its rendered PDF and Excel), the city returning a county's report (退回), the filer
correcting a filed report (更正), a city report marked 待更新 when a county files after it, and
the filing status of every county of a city."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import User
from core.choices import RegionLevel
from core.errors import Kind, ServiceError
from core.models import Region

from ..choices import ReportState
from ..models import MonthlyReport, MonthlyReportVersion
from . import figures as fig
from . import services
from .snapshot import TEXT_FIELDS, merged_figures, missing_entered, texts_of

TEXT_LIMITS = {"filled_by": 32, "reviewed_by": 32, "phone": 32}
NARRATIVE_LIMIT = 5000
REASON_LIMIT = 500
ENTERED_MAX = 1_000_000


def can_file(user: User, report: MonthlyReport) -> bool:
    """The report's own filers: its region's reviewers and admins (and leaders of a city)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    city = report.region.level == RegionLevel.CITY
    roles = services.CITY_SUBMIT_ROLES if city else services.SUBMIT_ROLES
    return user.region_id == report.region_id and user.role in roles


def can_submit(user: User, report: MonthlyReport) -> bool:
    return report.is_editable and can_file(user, report)


def can_return(user: User, report: MonthlyReport) -> bool:
    """The city above a county (its reviewers, leaders and admins) returns the county's filing."""
    if report.region.level != RegionLevel.COUNTY or not user.is_active:
        return False
    return user.is_superuser or (
        user.region_id == report.region.parent_id and user.role in services.CITY_SUBMIT_ROLES
    )


def _locked(report: MonthlyReport | int) -> MonthlyReport:
    pk = report.pk if isinstance(report, MonthlyReport) else report
    return (
        MonthlyReport.objects.select_for_update(of=("self",))
        .select_related("region", "region__parent")
        .get(pk=pk)
    )


def _entered_value(key: str, raw) -> int | float | None:
    if raw is None or str(raw).strip() == "":
        return None
    label = fig.LABELS[key]
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ServiceError(f"{label}应为数字。", field=key) from None
    if not value.is_finite():
        raise ServiceError(f"{label}应为数字。", field=key)
    if value < 0:
        raise ServiceError(f"{label}不能为负数。", field=key)
    if value > ENTERED_MAX:
        raise ServiceError(f"{label}不能超过 {ENTERED_MAX}。", field=key)
    if key in fig.DECIMAL_KEYS:
        if value != round(value, 2):
            raise ServiceError(f"{label}最多保留两位小数。", field=key)
        return float(value)
    if value != value.to_integral_value():
        raise ServiceError(f"{label}应为整数。", field=key)
    return int(value)


def report_update(*, report: MonthlyReport | int, by: User, data: dict) -> MonthlyReport:
    """Save what the filer writes before submitting: narrative, signature block and (county)
    the enforcement figures the system does not record. Only the fields given change."""
    with transaction.atomic():
        locked = _locked(report)
        if not can_file(by, locked):
            raise ServiceError("只有本级审核人员或管理员可以填写本级报告。", kind=Kind.ROLE)
        if not locked.is_editable:
            raise ServiceError("报告已报送，如需修改请先更正。", kind=Kind.STATE)
        changed = []
        for name in TEXT_FIELDS:
            if name in data:
                value = str(data[name] or "").strip()
                limit = TEXT_LIMITS.get(name, NARRATIVE_LIMIT)
                if len(value) > limit:
                    label = MonthlyReport._meta.get_field(name).verbose_name
                    raise ServiceError(f"{label}不能超过 {limit} 个字。", field=name)
                setattr(locked, name, value)
                changed.append(name)
        if locked.region.level == RegionLevel.COUNTY:
            entered = dict(locked.entered or {})
            for key in fig.ENTERED_KEYS:
                if key in data:
                    entered[key] = _entered_value(key, data[key])
            if entered != locked.entered:
                locked.entered = entered
                changed.append("entered")
        if "missing_reason" in data and locked.region.level == RegionLevel.CITY:
            locked.missing_reason = _reason(data["missing_reason"])
            changed.append("missing_reason")
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


def _reason(value) -> str:
    reason = str(value or "").strip()
    if len(reason) > REASON_LIMIT:
        raise ServiceError(f"说明不能超过 {REASON_LIMIT} 个字。", field="missing_reason")
    return reason


def missing_counties(report: MonthlyReport) -> list[Region]:
    """The counties of a city whose report for the month is not filed (or was returned)."""
    filed = {r.region_id for r in services.filed_counties(report)}
    return [c for c in counties_of(report.region) if c.pk not in filed]


def counties_of(city: Region) -> list[Region]:
    return list(Region.objects.filter(parent=city, level=RegionLevel.COUNTY).order_by("code"))


def report_submit(
    *, report: MonthlyReport | int, by: User, missing_reason: str | None = None
) -> MonthlyReport:
    """File a report upward: freeze its figures and texts into the next version, render its
    PDF and Excel once. A county's filing updates its city's roll-up (or marks it 待更新)."""
    from .documents import version_pdf, version_xlsx

    with transaction.atomic():
        locked = _locked(report)
        if locked.state == ReportState.SUBMITTED:
            raise ServiceError("该报告已报送，不能重复报送。", kind=Kind.STATE)
        if not can_submit(by, locked):
            raise ServiceError("只有本级审核人员或管理员可以报送本级报告。", kind=Kind.ROLE)
        missing = _check_complete(locked, missing_reason)
        last = locked.versions.order_by("-number").first()
        number = last.number + 1 if last else 1
        now = timezone.now()
        version = MonthlyReportVersion(
            report=locked,
            number=number,
            figures=merged_figures(locked),
            texts=texts_of(locked, by=by, missing=[c.name for c in missing])
            | county_states(locked),
            submitted_by=by,
            submitted_at=now,
        )
        version.pdf.save("report.pdf", ContentFile(version_pdf(version)), save=False)
        version.xlsx.save("report.xlsx", ContentFile(version_xlsx(version)), save=False)
        version.save()
        previous = last.figures if last else None
        locked.state = ReportState.SUBMITTED
        locked.figures = version.figures
        locked.submitted_by, locked.submitted_at = by, now
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.filled_by = version.texts["filled_by"]
        locked.return_reason, locked.stale, locked.stale_changes = "", False, []
        locked.save()
        _tell_city(locked, "更正" if number > 1 else "报送", previous, version.figures)
    return locked


def filing_label(row: dict) -> str:
    """One county's filing state in words, as the city report prints it."""
    report = row["report"]
    if row["submitted"]:
        at = timezone.localtime(report.submitted_at).strftime("%Y-%m-%d")
        version = f"第{row['versions']}版，" if row["versions"] > 1 else ""
        late = "，逾期" if row["late"] else ""
        return f"已报送（{version}{at}{late}）"
    if report is not None and report.state == ReportState.RETURNED:
        return "已退回待更正"
    label = "未报送" if report is not None else "未生成报告"
    return label + ("（无本系统用户）" if not row["has_users"] else "")


def county_states(report: MonthlyReport) -> dict:
    """A city filing records every county of the city with its filing state."""
    if report.region.level != RegionLevel.CITY:
        return {}
    rows = filing_status(
        city=report.region, year=report.year, month=report.month, today=timezone.localdate()
    )
    return {"counties": [[row["region"].name, filing_label(row)] for row in rows]}


def _check_complete(report: MonthlyReport, missing_reason: str | None) -> list[Region]:
    """A county files every entered figure (0 when none); a city files with counties missing
    only when the submitter states why (the reason prints on the report)."""
    blank = missing_entered(report)
    if blank:
        raise ServiceError(f"请填写{'、'.join(blank)}（没有的填 0）后再报送。", field="entered")
    if report.region.level != RegionLevel.CITY:
        return []
    services.report_build_city(
        region=report.region, year=report.year, month=report.month, on=report.as_of
    )
    report.refresh_from_db()
    missing = missing_counties(report)
    if missing_reason is not None:
        report.missing_reason = _reason(missing_reason)
    if missing and not report.missing_reason:
        names = "、".join(c.name for c in missing)
        raise ServiceError(
            f"以下县（市、区）尚未报送：{names}。如需先行报送，请说明原因。",
            field="missing_reason",
        )
    if not missing:
        report.missing_reason = ""
    return missing


def _tell_city(county: MonthlyReport, what: str, before: dict | None, after: dict | None):
    """After a county files, corrects or is returned: rebuild the city's roll-up while it is
    editable; a filed city report is marked 待更新 with what changed."""
    city = county.region.parent
    if county.region.level != RegionLevel.COUNTY or not city or city.level != RegionLevel.CITY:
        return
    city_report = services.report_build_city(
        region=city, year=county.year, month=county.month, on=county.as_of
    )
    if city_report.state != ReportState.SUBMITTED:
        return
    city_report.stale = True
    city_report.stale_changes = [
        *city_report.stale_changes,
        {
            "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "region": county.region.name,
            "what": what,
            "changes": figure_changes(before, after),
        },
    ]
    city_report.save(update_fields=["stale", "stale_changes", "updated_at"])
    services.notify_filers(city_report, f"待更新：{county.region.name}月报{what}")


def figure_changes(before: dict | None, after: dict | None) -> list[str]:
    """The summary figures that differ, as "label：old → new" (a first filing: all non-zero)."""
    old = (before or {}).get("total", {})
    new = (after or {}).get("total", {})
    lines = []
    for _, keys in fig.SUMMARY_GROUPS:
        for key in keys:
            a, b = old.get(key), new.get(key)
            if a != b and (before is not None or b):
                lines.append(
                    f"{fig.LABELS[key]}：{'—' if a is None else a} → {'—' if b is None else b}"
                )
    return lines


def report_return(*, report: MonthlyReport | int, by: User, reason: str) -> MonthlyReport:
    """The city returns a county's filing with a reason; the county corrects and files again."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked(report)
        if not can_return(by, locked):
            raise ServiceError(
                "只有上一级（市级）审核人员、领导或管理员可以退回县级报告。", kind=Kind.ROLE
            )
        if locked.state != ReportState.SUBMITTED:
            raise ServiceError("只能退回已报送的报告。", kind=Kind.STATE)
        if not reason:
            raise ServiceError("请填写退回原因。", field="reason")
        if len(reason) > REASON_LIMIT:
            raise ServiceError(f"退回原因不能超过 {REASON_LIMIT} 个字。", field="reason")
        now = timezone.now()
        locked.state = ReportState.RETURNED
        locked.return_reason, locked.returned_by, locked.returned_at = reason, by, now
        locked.save()
        locked.versions.filter(number=locked.versions.aggregate(n=Max("number"))["n"]).update(
            return_reason=reason, returned_at=now
        )
        services.notify_filers(locked, f"被退回：{reason[:60]}")
        _tell_city(locked, "被退回", locked.figures, None)
    return locked


def report_reopen(*, report: MonthlyReport | int, by: User) -> MonthlyReport:
    """更正: the filer reopens a filed report (or starts on a returned one). Its figures are
    recomputed over the same period; the filed versions stay as they were."""
    with transaction.atomic():
        locked = _locked(report)
        if not can_file(by, locked):
            raise ServiceError("只有本级审核人员或管理员可以更正本级报告。", kind=Kind.ROLE)
        if locked.state == ReportState.DRAFT:
            raise ServiceError("报告尚未报送，直接修改后报送即可。", kind=Kind.STATE)
        if locked.state == ReportState.SUBMITTED:
            locked.state = ReportState.CORRECTING
            locked.save(update_fields=["state", "updated_at"])
        _recompute(locked)
    return locked


def _recompute(report: MonthlyReport) -> None:
    """The report's figures again over its own period (data corrected since are counted)."""
    if report.region.level == RegionLevel.CITY:
        report.figures = services.city_rollup(report)
    else:
        start, end = services.report_period(report.year, report.month, report.as_of)
        report.figures = fig.region_figures(
            report.region,
            start=start,
            end=end,
            year_start=services.reporting_year_start(report.year),
        )
    report.built_at = timezone.now()
    report.save(update_fields=["figures", "built_at", "updated_at"])


def filing_status(*, city: Region, year: int, month: int, today: date) -> list[dict]:
    """Every county of the city (from the region tree, with or without users and data): its
    report if built, its filing state, versions and whether it is late."""
    due = services.report_due_date(year, month)
    reports = {
        r.region_id: r
        for r in MonthlyReport.objects.filter(region__parent=city, year=year, month=month)
        .select_related("submitted_by", "region")
        .annotate(version_count=Count("versions"))
    }
    users = dict(
        User.objects.filter(region__parent=city, is_active=True)
        .values("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )
    rows = []
    for county in counties_of(city):
        report = reports.get(county.pk)
        filed = bool(report and report.state in (ReportState.SUBMITTED, ReportState.CORRECTING))
        rows.append(
            {
                "region": county,
                "report": report,
                "due_date": due,
                "submitted": filed,
                "versions": report.version_count if report else 0,
                "has_users": bool(users.get(county.pk)),
                "late": services.report_is_late(report, today, due),
            }
        )
    return rows

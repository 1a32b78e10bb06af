"""Notices (the reminder and overdue ladder), notifications and monthly progress reports.

Exactly once: a Notice is unique per (hazard, step, deadline). The daily run locks each hazard
that still lacks a due step, re-reads its state and current deadline under the lock, and creates
the missing steps in ladder order, each in a savepoint together with its 文号, so a racing run
gets an IntegrityError, rolls its savepoint back (number included) and sends nothing.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.choices import Role
from accounts.models import User
from core.choices import DepartmentKind, RegionLevel
from core.errors import Kind, ServiceError
from core.models import Department, Region
from core.pdf import render_pdf
from core.services import next_document_number
from enterprises.models import Enterprise
from hazards.choices import OPEN_STATES
from hazards.models import Hazard

from . import figures as fig
from .choices import Channel, NoticeStep, ReportState
from .models import Delivery, MonthlyReport, Notice, Notification

logger = logging.getLogger(__name__)

# A failed e-mail or SMS is tried again by the next daily runs, this many tries in all, for
# notices of the last RETRY_DAYS days.
DELIVERY_ATTEMPTS = 3
RETRY_DAYS = 7
ESCALATION_STEPS = {
    NoticeStep.OVERDUE,
    NoticeStep.COUNTY_LETTER,
    NoticeStep.BULLETIN,
    NoticeStep.CITY_ESCALATION,
}
# The escalations the county's reviewers hear about too.
REVIEWER_STEPS = ESCALATION_STEPS - {NoticeStep.OVERDUE}
# 文号 kind per numbered step; the issuer is the county unit that signs the document.
NUMBER_KINDS = {
    NoticeStep.OVERDUE: "应急逾督",
    NoticeStep.COUNTY_LETTER: "安办督",
    NoticeStep.BULLETIN: "安办通",
    NoticeStep.CITY_ESCALATION: "安办呈",
}
PDF_TEMPLATES = {
    NoticeStep.OVERDUE: "documents/notice_overdue.html",
    NoticeStep.COUNTY_LETTER: "documents/notice_letter.html",
    NoticeStep.BULLETIN: "documents/notice_bulletin.html",
    NoticeStep.CITY_ESCALATION: "documents/notice_escalation.html",
}


# ---------------------------------------------------------------------------------------------
# SMS: a small backend interface chosen by settings.REPORTS_SMS_BACKEND.


class LoggingSmsBackend:
    """The default: writes the message to the log (no SMS gateway on the intranet yet)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend():
    return import_string(settings.REPORTS_SMS_BACKEND)()


# ---------------------------------------------------------------------------------------------
# The ladder.


def step_label(step: str) -> str:
    try:
        return NoticeStep(step).label
    except ValueError:
        if step.startswith("remind_"):
            return f"到期前{step.removeprefix('remind_')}天提醒"
        return step


def is_reminder(step: str) -> bool:
    return step.startswith("remind_")


def ladder(deadline: date) -> list[tuple[str, date]]:
    """Every step of one deadline with the day it falls due, in order."""
    steps = [(f"remind_{n}", deadline - timedelta(days=n)) for n in settings.REPORTS_REMINDER_DAYS]
    steps += [
        (step, deadline + timedelta(days=d)) for d, step in settings.REPORTS_ESCALATION_LADDER
    ]
    return sorted(steps, key=lambda s: s[1])


def county_of(region: Region) -> Region:
    node = region
    while node.level == RegionLevel.TOWN and node.parent_id:
        node = node.parent
    return node


_UNITS: dict[tuple[str, str], str] = {}


def _unit(region: Region, kind: str, fallback: str) -> str:
    """The name of a region's department of a kind (remembered while the notice job runs)."""
    key = (region.pk, kind)
    if key not in _UNITS:
        department = Department.objects.filter(region=region, kind=kind).order_by("pk").first()
        name = department.name if department else f"{region.name}{fallback}"
        if not _REMEMBER_UNITS:
            return name
        _UNITS[key] = name
    return _UNITS[key]


_REMEMBER_UNITS = False


def emergency_bureau(county: Region) -> str:
    return _unit(county, DepartmentKind.EMERGENCY, "应急管理局")


def safety_office(region: Region) -> str:
    return _unit(region, DepartmentKind.SAFETY_OFFICE, "安全生产委员会办公室")


@dataclass
class RunResult:
    on: date
    checked: int = 0
    created: int = 0
    resent: int = 0

    def __str__(self) -> str:
        text = f"{self.on}：检查隐患 {self.checked} 条，新生成通知 {self.created} 份"
        return text + (f"，补发此前发送失败的消息 {self.resent} 条" if self.resent else "")


def notices_run(*, on: date) -> RunResult:
    """Create every step due on or before `on` that the hazard's current deadline still lacks."""
    global _REMEMBER_UNITS
    _UNITS.clear()
    _PEOPLE.clear()
    _REMEMBER_UNITS = True
    try:
        return _notices_run(on=on)
    finally:
        _REMEMBER_UNITS = False
        _UNITS.clear()
        _PEOPLE.clear()


def _notices_run(*, on: date) -> RunResult:
    started = timezone.now()
    horizon = on + timedelta(days=max(settings.REPORTS_REMINDER_DAYS, default=0))
    candidates = list(
        Hazard.objects.open()
        .filter(current_deadline__lte=horizon)
        .values_list("pk", "current_deadline")
    )
    have: dict[int, set[str]] = {}
    for hazard_id, step in _existing(horizon):
        have.setdefault(hazard_id, set()).add(step)
    result = RunResult(on=on, checked=len(candidates))
    for hazard_id, deadline in candidates:
        due = {step for step, day in ladder(deadline) if day <= on}
        if due - have.get(hazard_id, set()):
            for notice in notice_issue(hazard_id=hazard_id, on=on):
                notice_deliver(notice=notice)
                result.created += 1
    result.resent = deliveries_retry(on=on, failed_before=started)
    return result


def deliveries_retry(*, on: date, failed_before: datetime) -> int:
    """Send again the e-mails and SMS that failed before this run (a mail server or SMS gateway
    was down): once per daily run, up to DELIVERY_ATTEMPTS tries, for notices of the last
    RETRY_DAYS days."""
    since = timezone.make_aware(datetime.combine(on - timedelta(days=RETRY_DAYS), time.min))
    notice_ids = (
        Delivery.objects.filter(ok=False, sent_at__lt=failed_before, notice__created_at__gte=since)
        .values_list("notice_id", flat=True)
        .distinct()
    )
    sent = 0
    for notice in Notice.objects.filter(pk__in=list(notice_ids)).select_related(
        "hazard__enterprise"
    ):
        sent += notice_deliver(notice=notice)
    return sent


def _existing(horizon: date):
    """(hazard, step) of the notices already made for open hazards' current deadlines."""
    return (
        Notice.objects.filter(
            hazard__state__in=OPEN_STATES,
            hazard__current_deadline__lte=horizon,
            deadline=F("hazard__current_deadline"),
        )
        .values_list("hazard_id", "step")
        .iterator()
    )


def notice_issue(*, hazard_id: int, on: date) -> list[Notice]:
    """Create the missing due steps of one hazard under its row lock; return the new ones."""
    with transaction.atomic():
        hazard = (
            Hazard.objects.select_for_update(of=("self",))
            .select_related("enterprise__department", "region__parent", "found_by", "sector")
            .filter(pk=hazard_id)
            .first()
        )
        # Re-read under the lock: a hazard closed or given a new deadline meanwhile gets no
        # step of the old deadline.
        if hazard is None or not hazard.is_open:
            return []
        deadline = hazard.current_deadline
        done = set(hazard.notices.filter(deadline=deadline).values_list("step", flat=True))
        created = []
        for step, due in ladder(deadline):
            if due > on or step in done:
                continue
            notice = _create_notice(hazard, step, due, on)
            if notice is not None:
                # Kept on the object for notice_deliver, which then needs no query for them.
                notice.told = _notify_in_app(notice, hazard)
                created.append(notice)
        return created


def _create_notice(hazard: Hazard, step: str, due: date, on: date) -> Notice | None:
    county = county_of(hazard.region)
    issuer = (
        emergency_bureau(county)
        if step in (NoticeStep.OVERDUE,) or is_reminder(step)
        else safety_office(county)
    )
    try:
        with transaction.atomic():
            number = ""
            if step in NUMBER_KINDS:
                _, number = next_document_number(
                    issuer=county.name[:16], kind=NUMBER_KINDS[step], year=on.year
                )
            return Notice.objects.create(
                hazard=hazard,
                step=step,
                deadline=hazard.current_deadline,
                due_date=due,
                number=number,
                issuer=issuer,
                addressees=_addressees(hazard, step, county),
                body=_body(hazard, step, due, on, county),
            )
    except IntegrityError:
        # Another run made this step first; its savepoint (and 文号) is gone, nothing is sent.
        return None


def _addressees(hazard: Hazard, step: str, county: Region) -> list[str]:
    enterprise = hazard.enterprise
    principal = f"{enterprise.name}主要负责人{enterprise.principal}".strip()
    supervising = (
        enterprise.department.name if enterprise.department else hazard.supervisor_unit
    ) or emergency_bureau(county)
    if is_reminder(step):
        return [enterprise.name, hazard.supervisor_person or supervising]
    if step == NoticeStep.CITY_ESCALATION and county.parent:
        return [safety_office(county.parent), emergency_bureau(county.parent)]
    if step == NoticeStep.BULLETIN:
        return [f"{county.name}各苏木镇（乡镇、街道）", "各有关部门", "各有关生产经营单位"]
    return [principal, supervising]


def _body(hazard: Hazard, step: str, due: date, on: date, county: Region) -> str:
    e = hazard.enterprise
    what = (
        f"你单位{hazard.place}存在的{hazard.get_level_display()}（编号{hazard.number}）："
        f"{hazard.description}"
    )
    deadline = f"{hazard.current_deadline:%Y年%m月%d日}"
    late = f"（本应于{due:%Y年%m月%d日}发出，系统补发）" if due < on else ""
    if is_reminder(step):
        left = (hazard.current_deadline - on).days
        when = f"距整改期限还有{left}天" if left >= 0 else f"已逾期{-left}天"
        return (
            f"{e.name}：{what}。整改期限为{deadline}，{when}。请抓紧落实整改措施，"
            f"按期完成整改并及时申请复查销号。{late}"
        )
    days = (on - hazard.current_deadline).days
    if step == NoticeStep.OVERDUE:
        return (
            f"{e.name}：{what}。该隐患整改期限为{deadline}，截至{on:%Y年%m月%d日}仍未整改完成，"
            f"已逾期{days}天。现予督办，请你单位主要负责人立即组织整改，落实整改措施、责任、资金、"
            f"时限和预案，整改期间严格落实安全防范措施，并于7日内将整改情况书面报告"
            f"{emergency_bureau(county)}。逾期仍未整改的，将依法依规严肃处理。{late}"
        )
    if step == NoticeStep.COUNTY_LETTER:
        return (
            f"{e.name}：{what}。该隐患整改期限为{deadline}，经{emergency_bureau(county)}督办后"
            f"仍未整改完成，已逾期{days}天。{safety_office(county)}决定对该隐患实施督办，"
            f"请你单位立即整改到位；行业监管部门要加强跟踪督促，确保隐患动态清零。{late}"
        )
    if step == NoticeStep.BULLETIN:
        return (
            f"{e.name}（{hazard.region.full_name}）{hazard.place}存在的{hazard.get_level_display()}"
            f"（编号{hazard.number}）：{hazard.description}。该隐患整改期限为{deadline}，"
            f"经{emergency_bureau(county)}逾期督办和{safety_office(county)}督办函督办后，"
            f"截至{on:%Y年%m月%d日}仍未整改完成，已逾期{days}天。现予以通报。"
            f"请{e.name}立即整改到位；各有关部门要举一反三，督促本行业领域生产经营单位"
            f"按期完成隐患整改，确保重大事故隐患动态清零。{late}"
        )
    city = county.parent.name if county.parent else "上级"
    return (
        f"{e.name}（{hazard.region.full_name}）{hazard.place}存在的{hazard.get_level_display()}"
        f"（编号{hazard.number}）整改期限为{deadline}，经县级督办后仍未整改完成，已逾期{days}天。"
        f"现提请{city}安全生产委员会办公室挂牌督办。{late}"
    )


# ---------------------------------------------------------------------------------------------
# Who hears about a notice, and through which channel.


def user_sees(user: User, hazard: Hazard) -> bool:
    if not user.is_active:
        return False
    if user.region is not None and not hazard.region_id.startswith(user.region.prefix):
        return False
    sectors = user.scope_sector_ids
    return sectors is None or hazard.sector_id in sectors


def notice_recipients(notice: Notice, hazard: Hazard) -> list[User]:
    """The users told in-app: the finder and supervisor; for escalations the county's
    inspectors, then its reviewers, then the city's leaders. Only users who may see the hazard."""
    county = county_of(hazard.region)
    step = notice.step
    wanted: dict[int, User] = {}
    for user in _active_users_in(county):
        if (
            user.pk == hazard.found_by_id
            or (hazard.supervisor_person and user.name == hazard.supervisor_person)
            or (not is_reminder(step) and user.role == Role.INSPECTOR)
            or (step in REVIEWER_STEPS and user.role in (Role.REVIEWER, Role.ADMIN))
        ):
            wanted[user.pk] = user
    if step == NoticeStep.CITY_ESCALATION and county.parent_id:
        for user in _active_users_in(county.parent):
            if user.region_id == county.parent_id and user.role in (
                Role.LEADER,
                Role.REVIEWER,
                Role.ADMIN,
            ):
                wanted[user.pk] = user
    if hazard.found_by_id and hazard.found_by_id not in wanted:  # a finder from elsewhere
        finder = _user(hazard.found_by_id)
        if finder is not None:
            wanted[finder.pk] = finder
    return [u for pk, u in sorted(wanted.items()) if user_sees(u, hazard)]


_PEOPLE: dict[str, list[User]] = {}


def _active_users_in(region: Region) -> list[User]:
    """Active users of a region's subtree (remembered while the notice job runs)."""
    if region.prefix not in _PEOPLE or not _REMEMBER_UNITS:
        users = list(
            User.objects.filter(is_active=True, region__code__startswith=region.prefix)
            .select_related("region", "department")
            .order_by("pk")
        )
        if not _REMEMBER_UNITS:
            return users
        _PEOPLE[region.prefix] = users
    return _PEOPLE[region.prefix]


def _user(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).select_related("region", "department").first()


def _notify_in_app(notice: Notice, hazard: Hazard) -> list[User]:
    users = notice_recipients(notice, hazard)
    title = f"【{step_label(notice.step)}】{hazard.number} {hazard.enterprise.name}"
    url = notice.get_absolute_url()
    Notification.objects.bulk_create(
        [
            Notification(user=u, notice=notice, title=title[:128], body=notice.body, url=url)
            for u in users
        ]
    )
    Delivery.objects.bulk_create(
        [Delivery(notice=notice, channel=Channel.APP, recipient=u.username) for u in users]
    )
    return users


def notice_deliver(*, notice: Notice) -> int:
    """Send e-mail to the told users who have one and SMS to the enterprise contact.

    Runs after the notice's transaction; a channel and recipient already delivered is not sent
    again, so calling this twice sends nothing twice. A failed one is tried again, up to
    DELIVERY_ATTEMPTS tries in all.
    """
    hazard = notice.hazard
    sent = set()
    failures: dict[tuple[str, str], int] = {}
    for channel, recipient, ok in notice.deliveries.values_list("channel", "recipient", "ok"):
        if ok:
            sent.add((channel, recipient))
        else:
            failures[channel, recipient] = failures.get((channel, recipient), 0) + 1
    sent |= {pair for pair, tries in failures.items() if tries >= DELIVERY_ATTEMPTS}
    subject = f"【{step_label(notice.step)}】{hazard.number} {hazard.enterprise.name}"
    count = 0
    told = getattr(notice, "told", None)
    if told is None:
        told = [n.user for n in notice.notifications.select_related("user")]
    emails = [user.email for user in told if user.email]
    for email in sorted(set(emails)):
        if (Channel.EMAIL, email) not in sent:
            count += _send(
                notice,
                Channel.EMAIL,
                email,
                lambda to=email: send_mail(subject, notice.body, None, [to]),
            )
    enterprise = hazard.enterprise
    phone = (
        (enterprise.safety_manager_phone or enterprise.principal_phone)
        if is_reminder(notice.step)
        else enterprise.principal_phone
    )
    if phone and (Channel.SMS, phone) not in sent:
        text = f"{subject}：整改期限{hazard.current_deadline:%Y-%m-%d}。{notice.number}".strip("。")
        count += _send(notice, Channel.SMS, phone, lambda: sms_backend().send(phone, text))
    return count


def _send(notice: Notice, channel: str, recipient: str, send) -> int:
    try:
        send()
    except Exception as exc:  # noqa: BLE001 - one failed channel must not stop the others
        logger.warning("Delivery of notice %s by %s failed: %s", notice.pk, channel, exc)
        Delivery.objects.create(
            notice=notice, channel=channel, recipient=recipient, ok=False, error=str(exc)[:500]
        )
        return 0
    Delivery.objects.create(notice=notice, channel=channel, recipient=recipient)
    return 1


def notice_pdf(notice: Notice) -> bytes:
    template = PDF_TEMPLATES.get(notice.step, "documents/notice_reminder.html")
    return render_pdf(template, notice_context(notice))


def notice_context(notice: Notice) -> dict:
    hazard = notice.hazard
    return {
        "notice": notice,
        "hazard": hazard,
        "enterprise": hazard.enterprise,
        "step_label": step_label(notice.step),
        "county": county_of(hazard.region),
        "issued": timezone.localtime(notice.created_at).date(),
    }


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (or, without pk, every) unread notification of the user as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# Monthly progress reports.


def counties_with_enterprises() -> list[Region]:
    codes = {c[:6] for c in Enterprise.objects.values_list("region_id", flat=True).distinct()}
    return list(Region.objects.filter(level=RegionLevel.COUNTY, code__in=codes).order_by("code"))


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def report_period(region: Region, year: int, month: int, as_of: date) -> tuple[date, date]:
    """From the day after last month's snapshot (or the day after last month's build day)."""
    py, pm = _previous_month(year, month)
    previous = MonthlyReport.objects.filter(region=region, year=py, month=pm).first()
    start = (
        previous.as_of + timedelta(days=1)
        if previous
        else date(py, pm, settings.REPORTS_MONTHLY_BUILD_DAY) + timedelta(days=1)
    )
    if start > as_of:
        start = date(year, month, 1)
    return start, as_of


def report_due_date(year: int, month: int) -> date:
    return date(year, month, settings.REPORTS_MONTHLY_DUE_DAY)


def monthly_reports_build(*, on: date, force: bool = False) -> list[MonthlyReport]:
    """Build this month's county snapshots (once; an existing one stays frozen) and the city
    roll-ups. Before the configured day nothing happens unless forced (the operator's command)."""
    if on.day < settings.REPORTS_MONTHLY_BUILD_DAY and not force:
        return []
    built = []
    counties = counties_with_enterprises()
    for county in counties:
        report = report_build_county(region=county, year=on.year, month=on.month, on=on)
        if report is not None:
            built.append(report)
    for city_id in sorted({c.parent_id for c in counties if c.parent_id}):
        city = Region.objects.get(pk=city_id)
        if city.level == RegionLevel.CITY:
            report_build_city(region=city, year=on.year, month=on.month, on=on)
    return built


def report_build_county(*, region: Region, year: int, month: int, on: date) -> MonthlyReport | None:
    """Freeze one county's figures as of `on`; None when the month already has its snapshot."""
    if MonthlyReport.objects.filter(region=region, year=year, month=month).exists():
        return None
    start, end = report_period(region, year, month, on)
    figures = fig.region_figures(region, start=start, end=end)
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                region=region,
                year=year,
                month=month,
                as_of=end,
                due_date=report_due_date(year, month),
                figures=figures,
                built_at=timezone.now(),
            )
            _notify_filers(report, "已生成，请审核后报送", key="built")
    except IntegrityError:
        return None
    return report


def report_build_city(*, region: Region, year: int, month: int, on: date) -> MonthlyReport:
    """(Re)build a city's draft from its counties' SUBMITTED snapshots; a submitted one stays."""
    with transaction.atomic():
        MonthlyReport.objects.bulk_create(
            [
                MonthlyReport(
                    region=region,
                    year=year,
                    month=month,
                    as_of=on,
                    due_date=report_due_date(year, month),
                    figures={},
                    built_at=timezone.now(),
                )
            ],
            ignore_conflicts=True,
        )
        report = MonthlyReport.objects.select_for_update().get(
            region=region, year=year, month=month
        )
        if report.state == ReportState.SUBMITTED:
            return report
        counties = MonthlyReport.objects.filter(
            region__parent=region, year=year, month=month, state=ReportState.SUBMITTED
        ).select_related("region")
        parts = [(r.region, r.figures) for r in counties.order_by("region_id")]
        starts = [date.fromisoformat(f["period"]["start"]) for _, f in parts] or [report.as_of]
        ends = [date.fromisoformat(f["period"]["end"]) for _, f in parts] or [report.as_of]
        report.figures = fig.rollup(parts, start=min(starts), end=max(ends))
        report.built_at = timezone.now()
        report.save(update_fields=["figures", "built_at", "updated_at"])
        return report


SUBMIT_ROLES = (Role.REVIEWER, Role.ADMIN)
CITY_SUBMIT_ROLES = (Role.REVIEWER, Role.ADMIN, Role.LEADER)


def can_submit(user: User, report: MonthlyReport) -> bool:
    if report.state != ReportState.DRAFT or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = CITY_SUBMIT_ROLES if report.region.level == RegionLevel.CITY else SUBMIT_ROLES
    return user.region_id == report.region_id and user.role in roles


def report_submit(*, report: MonthlyReport | int, by: User) -> MonthlyReport:
    """File a report upward. A county's filing rebuilds its city's draft roll-up."""
    pk = report.pk if isinstance(report, MonthlyReport) else report
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().select_related("region").get(pk=pk)
        if locked.state == ReportState.SUBMITTED:
            raise ServiceError("该报告已报送，不能重复报送。", kind=Kind.STATE)
        if not can_submit(by, locked):
            raise ServiceError("只有本级审核人员或管理员可以报送本级报告。", kind=Kind.ROLE)
        locked.state = ReportState.SUBMITTED
        locked.submitted_by = by
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["state", "submitted_by", "submitted_at", "updated_at"])
        parent = locked.region.parent
        if (
            locked.region.level == RegionLevel.COUNTY
            and parent
            and parent.level == RegionLevel.CITY
        ):
            report_build_city(region=parent, year=locked.year, month=locked.month, on=locked.as_of)
    return locked


def report_is_late(report: MonthlyReport | None, today: date, due: date) -> bool:
    if report is None or report.state == ReportState.DRAFT:
        return today > due
    return timezone.localtime(report.submitted_at).date() > due


def filing_status(*, city: Region, year: int, month: int, today: date) -> list[dict]:
    """Each county of the city that files: its report (if built), state and whether late."""
    due = report_due_date(year, month)
    reports = {
        r.region_id: r
        for r in MonthlyReport.objects.filter(
            region__parent=city, year=year, month=month
        ).select_related("submitted_by")
    }
    rows = []
    for county in counties_with_enterprises():
        if county.parent_id != city.pk:
            continue
        report = reports.get(county.pk)
        rows.append(
            {
                "region": county,
                "report": report,
                "due_date": due,
                "submitted": bool(report and report.state == ReportState.SUBMITTED),
                "late": report_is_late(report, today, due),
            }
        )
    return rows


def remind_late_filers(*, on: date) -> int:
    """Tell the filers of every draft past its due date, once per report and user."""
    count = 0
    late = MonthlyReport.objects.filter(state=ReportState.DRAFT, due_date__lt=on)
    for report_id in late.values_list("pk", flat=True):
        with transaction.atomic():
            report = (
                MonthlyReport.objects.select_for_update().select_related("region").get(pk=report_id)
            )
            if report.state == ReportState.DRAFT:
                count += _notify_filers(report, "已逾期未报送，请尽快审核报送", key="late")
    return count


def _notify_filers(report: MonthlyReport, what: str, *, key: str) -> int:
    """Notify the report's filers once: a notification with the same title and link is not
    repeated (the caller holds the report's row lock or has just created it)."""
    title = f"{report.region.name}{report.year}年{report.month}月进展报告{what}"
    if key == "late":
        title += f"（截止日期{report.due_date:%m月%d日}）"
    url = report.get_absolute_url()
    roles = CITY_SUBMIT_ROLES if report.region.level == RegionLevel.CITY else SUBMIT_ROLES
    users = User.objects.filter(region=report.region, role__in=roles, is_active=True)
    told = set(Notification.objects.filter(url=url, title=title).values_list("user_id", flat=True))
    new = [
        Notification(user=u, title=title[:128], url=url, body=title)
        for u in users
        if u.pk not in told
    ]
    Notification.objects.bulk_create(new)
    return len(new)


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
    return render_pdf("documents/report_monthly.html", report_context(report))


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
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    keys = [k for _, cols in FORM_GROUPS for k, _ in cols]
    width = 2 + len(keys)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(
        1,
        1,
        f"{report.region.name}{report.year}年{report.month}月重大事故隐患排查整治进展情况统计表",
    )
    sheet.cell(1, 1).font = Font(size=14, bold=True)
    sheet.cell(1, 1).alignment = center
    period = context["period"]
    sheet.cell(
        2,
        1,
        f"统计时段：{period.get('start', '')} 至 {period.get('end', '')}    "
        f"填报单位：{report.region.name}    报送截止：{report.due_date}",
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
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
    body = [(str(i), r["label"], r) for i, r in enumerate(rows, start=1)]
    body.append(("", "合计", context["total"]))
    for r, (no, label, row) in enumerate(body, start=5):
        sheet.cell(r, 1, no)
        sheet.cell(r, 2, label)
        for c, key in enumerate(keys, start=3):
            value = row.get(key)
            sheet.cell(r, c, "—" if value is None else value)
    last = 4 + len(body)
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

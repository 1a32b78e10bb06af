"""The notice as a printable document (PDF), one template per step."""

from __future__ import annotations

from core.pdf import render_pdf

from ..choices import NoticeStep
from ..models import Notice
from .recipients import Directory
from .steps import county_of, notice_title

TEMPLATES = "reports/notices/documents/"
PDF_TEMPLATES = {
    NoticeStep.OVERDUE: f"{TEMPLATES}notice_overdue.html",
    NoticeStep.COUNTY_LETTER: f"{TEMPLATES}notice_letter.html",
    NoticeStep.BULLETIN: f"{TEMPLATES}notice_bulletin.html",
    NoticeStep.CITY_ESCALATION: f"{TEMPLATES}notice_escalation.html",
}
REMINDER_TEMPLATE = f"{TEMPLATES}notice_reminder.html"


def notice_pdf(notice: Notice) -> bytes:
    return render_pdf(PDF_TEMPLATES.get(notice.step, REMINDER_TEMPLATE), notice_context(notice))


def as_sent(record, when):
    """`record` as it stood at `when` (its change history): a notice printed again later shows
    the hazard and enterprise as they were sent, not as edited since. Where the history does not
    reach back that far (rows loaded without it), the record as it is."""
    try:
        return record.history.as_of(when)
    except type(record).DoesNotExist:
        return record


def notice_context(notice: Notice) -> dict:
    hazard = as_sent(notice.hazard, notice.created_at)
    return {
        "notice": notice,
        "hazard": hazard,
        "enterprise": as_sent(notice.hazard.enterprise, notice.created_at),
        "step_label": notice_title(notice),
        "county": county_of(hazard.region),
        "issued": notice.issued_on,
        "copies_to": "、".join(_copies_to(notice, hazard)),
        # A 通报 goes to every town, department and enterprise: no personal phone numbers.
        "show_phones": notice.step != NoticeStep.BULLETIN,
    }


def _copies_to(notice: Notice, hazard) -> list[str]:
    """The units a notice is copied to (抄送), each once."""
    department = hazard.enterprise.department
    supervising = hazard.supervisor_unit or (department.name if department else "行业监管部门")
    bureau = Directory().emergency_bureau(county_of(hazard.region))
    units = {
        NoticeStep.COUNTY_LETTER: [bureau, supervising],
        NoticeStep.BULLETIN: [bureau, supervising],
        NoticeStep.CITY_ESCALATION: [bureau],
    }.get(notice.step, [supervising])
    return list(dict.fromkeys(units))

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


def notice_context(notice: Notice) -> dict:
    hazard = notice.hazard
    return {
        "notice": notice,
        "hazard": hazard,
        "enterprise": hazard.enterprise,
        "step_label": notice_title(notice),
        "county": county_of(hazard.region),
        "issued": notice.issued_on,
        "copies_to": "、".join(_copies_to(notice)),
        # A 通报 goes to every town, department and enterprise: no personal phone numbers.
        "show_phones": notice.step != NoticeStep.BULLETIN,
    }


def _copies_to(notice: Notice) -> list[str]:
    """The units a notice is copied to (抄送), each once."""
    hazard = notice.hazard
    department = hazard.enterprise.department
    supervising = hazard.supervisor_unit or (department.name if department else "行业监管部门")
    bureau = Directory().emergency_bureau(county_of(hazard.region))
    units = {
        NoticeStep.COUNTY_LETTER: [bureau, supervising],
        NoticeStep.BULLETIN: [bureau, supervising],
        NoticeStep.CITY_ESCALATION: [bureau],
    }.get(notice.step, [supervising])
    return list(dict.fromkeys(units))

"""The notice as a printable document (PDF), one template per step."""

from __future__ import annotations

from core.pdf import render_pdf

from ..choices import NoticeStep
from ..models import Notice
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
        # A 通报 goes to every town, department and enterprise: no personal phone numbers.
        "show_phones": notice.step != NoticeStep.BULLETIN,
    }

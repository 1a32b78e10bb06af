"""Journey on a phone: an enterprise account opens its inbox, acknowledges the overdue notice
served on it (签收, after confirming), and the county's reviewer sees when it was signed."""

from datetime import date

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.choices import Role
from hazards.choices import HazardLevel
from reports.choices import NoticeStep
from reports.models import Notice
from reports.notices.services import notices_run
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enterprise_signs_for_a_notice_and_the_reviewer_sees_the_time(
    personas, phone, login, live_server
):
    enterprise = EnterpriseFactory(name="鄂托克前旗签收化工有限公司", principal="王建国")
    with freeze_time(date(2026, 5, 1)):
        hazard = register(
            personas.inspector,
            enterprise=enterprise,
            level=HazardLevel.MAJOR,
            deadline=date(2026, 5, 20),
        )
    with freeze_time(date(2026, 5, 21)):
        notices_run(on=date(2026, 5, 21))
    notice = Notice.objects.get(hazard=hazard, step=NoticeStep.OVERDUE)
    account = UserFactory(username="qiye", name="刘安全", role=Role.ENTERPRISE, department=None)
    account.enterprises.add(enterprise)

    login(phone, "qiye")
    phone.goto(f"{live_server.url}/inbox/")
    item = phone.locator(f"#notice-{notice.pk}")
    assert notice.number in item.inner_text()
    assert "待签收 1 件" in phone.content()
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    phone.once("dialog", accept)
    item.get_by_role("button", name="签收").click()
    phone.wait_for_selector(f"#notice-{notice.pk} .badge:has-text('已签收')")
    assert "确认签收" in questions[0]
    assert "全部已签收" in phone.content()
    notice.refresh_from_db()
    signed = timezone.localtime(notice.acknowledged_at).strftime("%Y-%m-%d %H:%M")

    login(phone, "reviewer")
    phone.goto(f"{live_server.url}/reports/notices/{notice.pk}/")
    acknowledgement = phone.locator("#acknowledgement").inner_text()
    assert "已签收" in acknowledgement and signed in acknowledgement
    assert "刘安全" in acknowledgement

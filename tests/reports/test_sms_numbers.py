"""No SMS goes to a number that cannot take one: the notice records why, and no run retries it."""

from datetime import date

import pytest
from django.test import override_settings
from freezegun import freeze_time

from reports.choices import Channel
from reports.models import Delivery
from reports.notices import services
from reports.notices.delivery import SKIPPED
from tests.reports.test_notices import SENT_SMS, hazard, run  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
SMS = "tests.reports.test_notices.RecordingSms"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("12345", "电话号码“12345”格式不正确"),
        ("0477-8123456", "“0477-8123456”是座机号码，不能接收短信"),
    ],
)
@override_settings(REPORTS_SMS_BACKEND=SMS)
def test_an_unusable_number_is_skipped_with_its_reason_and_not_retried(hazard, number, reason):  # noqa: F811
    SENT_SMS.clear()
    enterprise = hazard.enterprise
    enterprise.principal_phone = number
    enterprise.save(update_fields=["principal_phone"])
    run(date(2026, 5, 13))
    skipped = Delivery.objects.get(channel=Channel.SMS)
    assert not skipped.ok and skipped.error.startswith(SKIPPED) and reason in skipped.error
    assert SENT_SMS == []
    with freeze_time(date(2026, 5, 14)):
        result = services.notices_run(on=date(2026, 5, 14))
    assert result.resent == 0
    assert Delivery.objects.filter(channel=Channel.SMS).count() == 1 and SENT_SMS == []


@override_settings(REPORTS_SMS_BACKEND=SMS)
def test_a_reminder_goes_to_the_first_mobile(hazard):  # noqa: F811
    SENT_SMS.clear()
    enterprise = hazard.enterprise
    enterprise.safety_manager_phone = "0477-8123456"
    enterprise.principal_phone = "+86 139 0000 0001"
    enterprise.save(update_fields=["safety_manager_phone", "principal_phone"])
    run(date(2026, 5, 13))
    assert [number for number, _ in SENT_SMS] == ["13900000001"]
    assert Delivery.objects.get(channel=Channel.SMS).ok

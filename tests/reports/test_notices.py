"""The reminder and overdue ladder: exactly once per hazard, step and deadline."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from freezegun import freeze_time

from core.models import DocumentSequence
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from reports.choices import Channel
from reports.models import Delivery, Notice, Notification
from reports.notices import delivery, services
from reports.notices.steps import ladder
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, register

FOUND = date(2026, 5, 1)
DEADLINE = date(2026, 5, 20)
SENT_SMS: list[tuple[str, str]] = []


class RecordingSms:
    def send(self, phone: str, text: str) -> None:
        SENT_SMS.append((phone, text))


@pytest.fixture
def hazard(personas):
    personas.inspector.email = "li@example.org"
    personas.inspector.save()
    with freeze_time(FOUND):
        enterprise = EnterpriseFactory(name="鄂托克前旗测试化工有限公司", safety_manager_phone="")
        return register(
            personas.inspector, enterprise=enterprise, level=HazardLevel.GENERAL, deadline=DEADLINE
        )


def run(day: date) -> None:
    with freeze_time(day):
        services.notices_run(on=day)


def run_days(start: date, end: date, *, skip: tuple[date, date] | None = None) -> None:
    day = start
    while day <= end:
        if not (skip and skip[0] <= day <= skip[1]):
            run(day)
        day += timedelta(days=1)


def steps(hazard) -> list[tuple[str, date, date]]:
    return list(
        Notice.objects.filter(hazard=hazard)
        .order_by("due_date", "pk")
        .values_list("step", "deadline", "due_date")
    )


FULL_LADDER = [
    ("remind_7", DEADLINE, date(2026, 5, 13)),
    ("remind_3", DEADLINE, date(2026, 5, 17)),
    ("overdue", DEADLINE, date(2026, 5, 21)),
    ("county_letter", DEADLINE, date(2026, 6, 4)),
    ("bulletin", DEADLINE, date(2026, 6, 11)),
    ("city_escalation", DEADLINE, date(2026, 6, 19)),
]


def test_ladder_follows_settings():
    assert ladder(DEADLINE) == [(s, d) for s, _, d in FULL_LADDER]
    with override_settings(REPORTS_REMINDER_DAYS=[10], REPORTS_ESCALATION_LADDER=[(2, "overdue")]):
        assert ladder(DEADLINE) == [
            ("remind_10", date(2026, 5, 10)),
            ("overdue", date(2026, 5, 22)),
        ]


@override_settings(REPORTS_SMS_BACKEND="tests.reports.test_notices.RecordingSms")
def test_running_twice_on_one_day_changes_nothing(hazard, personas):
    SENT_SMS.clear()
    run(date(2026, 5, 13))
    counts = (Notice.objects.count(), Notification.objects.count(), Delivery.objects.count())
    emails = len(mail.outbox)
    run(date(2026, 5, 13))
    assert (
        Notice.objects.count(),
        Notification.objects.count(),
        Delivery.objects.count(),
    ) == counts
    assert len(mail.outbox) == emails == 1
    assert steps(hazard) == FULL_LADDER[:1]
    # The reminder reaches the finder in-app and by e-mail, and the enterprise contact by SMS.
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["inspector"]
    assert mail.outbox[0].to == ["li@example.org"]
    assert SENT_SMS == [("13900000000", SENT_SMS[0][1])]
    assert set(Delivery.objects.values_list("channel", flat=True)) == {
        Channel.APP,
        Channel.EMAIL,
        Channel.SMS,
    }


def test_daily_runs_give_the_whole_ladder_once(hazard):
    run_days(date(2026, 5, 1), date(2026, 7, 10))
    assert steps(hazard) == FULL_LADDER
    numbers = list(
        Notice.objects.filter(hazard=hazard).exclude(number="").values_list("number", flat=True)
    )
    assert len(numbers) == 4 and len(set(numbers)) == 4


def test_five_day_gap_catches_up_every_missed_step(hazard):
    run_days(date(2026, 5, 10), date(2026, 7, 1), skip=(date(2026, 5, 12), date(2026, 5, 17)))
    assert steps(hazard) == FULL_LADDER
    # Both reminders were made on the 18th, the first day after the gap.
    made = Notice.objects.filter(hazard=hazard, step__startswith="remind_")
    assert {n.created_at.astimezone().date() for n in made} == {date(2026, 5, 18)}


def test_gap_over_an_escalation_step(hazard):
    run_days(date(2026, 5, 20), date(2026, 6, 2))
    assert [s for s, *_ in steps(hazard)] == ["remind_7", "remind_3", "overdue"]
    run(date(2026, 6, 8))  # the 3rd..7th were missed: the 督办函 due on the 4th comes now
    letter = Notice.objects.get(hazard=hazard, step="county_letter")
    assert letter.due_date == date(2026, 6, 4)
    assert "系统补发" in letter.body
    assert "安办督〔2026〕1号" in letter.number
    run(date(2026, 6, 8))
    assert len(steps(hazard)) == 4


def test_extension_after_a_reminder_starts_a_new_ladder(hazard, personas):
    with freeze_time(date(2026, 5, 13)):
        advance(
            hazard,
            HazardState.RECTIFYING,
            inspector=personas.inspector,
            reviewer=personas.reviewer,
        )
    run_days(date(2026, 5, 12), date(2026, 5, 14))
    new_deadline = date(2026, 6, 10)
    with freeze_time(date(2026, 5, 14)):
        workflow.apply(
            hazard=hazard,
            action=Action.REQUEST_EXTENSION,
            by=personas.inspector,
            requested_deadline=new_deadline.isoformat(),
            reason="设备供货周期长",
            interim_measures="停用设备，专人值守",
        )
        workflow.apply(hazard=hazard, action=Action.APPROVE_EXTENSION, by=personas.reviewer)
    run_days(date(2026, 5, 15), date(2026, 6, 12))
    assert steps(hazard) == [
        ("remind_7", DEADLINE, date(2026, 5, 13)),
        ("remind_7", new_deadline, date(2026, 6, 3)),
        ("remind_3", new_deadline, date(2026, 6, 7)),
        ("overdue", new_deadline, date(2026, 6, 11)),
    ]


def test_closed_hazard_gets_no_further_step(hazard, personas):
    run_days(date(2026, 5, 18), date(2026, 5, 22))
    with freeze_time(date(2026, 5, 25)):
        advance(
            hazard, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer
        )
    run_days(date(2026, 5, 25), date(2026, 7, 1))
    assert [s for s, *_ in steps(hazard)] == ["remind_7", "remind_3", "overdue"]


def test_closed_during_an_outage_gets_no_stale_step(hazard, personas):
    run(date(2026, 5, 10))
    with freeze_time(date(2026, 5, 16)):
        advance(
            hazard, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer
        )
    run(date(2026, 6, 30))
    assert steps(hazard) == []


def test_a_racing_duplicate_is_refused_and_keeps_its_number(hazard):
    run(date(2026, 5, 21))
    sequence = DocumentSequence.objects.get(kind="应急逾督")
    assert sequence.last == 1
    # A second run that missed the first one's row would try to create the step again.
    assert services._create_notice(hazard, "overdue", date(2026, 5, 21), date(2026, 5, 21)) is None
    sequence.refresh_from_db()
    assert sequence.last == 1
    assert Notice.objects.filter(hazard=hazard, step="overdue").count() == 1


def test_escalations_reach_reviewers_and_city_not_other_county(hazard, personas):
    run_days(date(2026, 5, 21), date(2026, 6, 20), skip=(date(2026, 5, 22), date(2026, 6, 18)))
    told = {
        step: set(
            Notification.objects.filter(notice__step=step).values_list("user__username", flat=True)
        )
        for step in ("overdue", "county_letter", "bulletin", "city_escalation")
    }
    assert {"inspector", "zhujian"} - told["overdue"] == {"zhujian"}  # 住建 cannot see hazchem
    assert "reviewer" not in told["overdue"]
    assert "reviewer" in told["county_letter"] and "reviewer" in told["bulletin"]
    bulletin = Notice.objects.get(step="bulletin")
    assert "安办通〔2026〕" in bulletin.number and "现予以通报" in bulletin.body
    assert bulletin.addressees[0].startswith("鄂托克前旗各苏木镇")
    assert "leader" in told["city_escalation"]
    assert not any("inspector_b" in users for users in told.values())
    overdue = Notice.objects.get(step="overdue")
    assert overdue.addressees[0] == "鄂托克前旗测试化工有限公司主要负责人张三"
    assert overdue.issuer.endswith("应急管理局")


@pytest.mark.parametrize(
    "step, day, title", [("overdue", 21, "逾期督办通知书"), ("bulletin", 42, "通报")]
)
def test_notice_pdf_has_enterprise_and_number(hazard, personas, client, tmp_path, step, day, title):
    run(date(2026, 5, 1) + timedelta(days=day - 1))
    notice = Notice.objects.get(step=step)
    client.force_login(personas.reviewer)
    response = client.get(f"/api/v1/notices/{notice.pk}/notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "n.pdf"
    pdf.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "鄂托克前旗测试化工有限公司" in text
    assert notice.number in text.replace(" ", "")
    assert title in "".join(text.split())


def test_notices_are_scoped(hazard, personas, client):
    run(date(2026, 5, 21))
    notice = Notice.objects.get(step="overdue")
    client.force_login(personas.inspector_b)
    assert client.get("/api/v1/notices/").json()["count"] == 0
    assert client.get(f"/api/v1/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/api/v1/notices/{notice.pk}/notice.pdf").status_code == 404
    assert client.get(f"/reports/notices/{notice.pk}/").status_code == 404
    client.force_login(personas.inspector)
    assert client.get("/api/v1/notices/").json()["count"] == 3  # two late reminders too
    page = client.get("/reports/notices/")
    assert page.status_code == 200 and notice.number in page.content.decode()
    assert client.get(f"/reports/notices/{notice.pk}/").status_code == 200


def test_notice_filters_are_shared_by_page_and_api(hazard, personas, client):
    run(date(2026, 5, 21))
    client.force_login(personas.inspector)
    for params, count in (
        ({"step": "remind"}, 2),
        ({"step": "overdue", "hazard": hazard.pk}, 1),
        ({"after": "2026-05-14", "open": "true"}, 2),
        ({"level": HazardLevel.MAJOR}, 0),
        ({"q": hazard.number}, 3),
    ):
        assert client.get("/api/v1/notices/", params).json()["count"] == count, params
        page = client.get("/reports/notices/", params)
        assert len(page.context["page"].object_list) == count, params
    # A bad value is shown and lists nothing, on the page as in the API.
    page = client.get("/reports/notices/", {"after": "2026-13-01"})
    assert page.status_code == 200 and not page.context["page"].object_list
    assert page.context["filter_errors"][0].startswith("到期日起：")
    bad = client.get("/api/v1/notices/", {"after": "2026-13-01"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("到期日起：")
    # A hazard outside the user's scope is not a choice.
    client.force_login(personas.inspector_b)
    assert client.get("/api/v1/notices/", {"hazard": hazard.pk}).status_code == 400


def test_bell_and_mark_read(hazard, personas, client):
    run(date(2026, 5, 21))
    client.force_login(personas.inspector)
    page = client.get("/reports/notifications/").content.decode()
    assert 'id="bell-count" hx-get="/reports/notifications/bell/"' in page
    unread = Notification.objects.filter(user=personas.inspector, read_at__isnull=True).count()
    assert unread == 3
    assert f'data-unread="{unread}"' in client.get("/reports/notifications/bell/").content.decode()
    assert client.post("/reports/notifications/read/").status_code == 302
    assert not Notification.objects.filter(user=personas.inspector, read_at__isnull=True).exists()
    assert "data-unread" not in client.get("/reports/notifications/bell/").content.decode()


def test_command_runs_a_range_of_days(hazard):
    call_command("run_notices", "--from", "2026-05-12", "--date", "2026-05-22", stdout=None)
    assert [s for s, *_ in steps(hazard)] == ["remind_7", "remind_3", "overdue"]


def test_tasks_are_thin_and_idempotent(hazard, caplog):
    from reports import tasks

    with caplog.at_level("INFO", logger="reports.notices.services"):
        assert "新生成通知 3 份" in tasks.run_notices.delay("2026-05-21").get()
    lines = [r.getMessage() for r in caplog.records if r.name == "reports.notices.services"]
    assert len(lines) == 1
    assert lines[0].startswith("notice run user=- on=2026-05-21 checked=1 created=3 resent=0 done")
    assert "新生成通知 0 份" in tasks.run_notices.delay("2026-05-21").get()
    assert tasks.build_monthly_reports.delay("2026-05-19").get() == 0  # before the build day
    assert tasks.build_monthly_reports.delay("2026-05-20").get() == 1
    assert tasks.build_monthly_reports.delay("2026-05-21").get() == 0


class DownSms:
    """An SMS gateway that is down for the first `down` messages."""

    down = 0

    def send(self, phone: str, text: str) -> None:
        if DownSms.down > 0:
            DownSms.down -= 1
            raise ConnectionError("短信网关无响应")
        SENT_SMS.append((phone, text))


def _sms(ok: bool) -> int:
    return Delivery.objects.filter(channel=Channel.SMS, ok=ok).count()


@override_settings(REPORTS_SMS_BACKEND="tests.reports.test_notices.DownSms")
def test_a_failed_sms_is_sent_again_by_the_next_run(hazard):
    SENT_SMS.clear()
    DownSms.down = 1
    run(date(2026, 5, 13))
    assert (_sms(ok=False), _sms(ok=True), SENT_SMS) == (1, 0, [])
    with freeze_time(date(2026, 5, 14)):
        result = services.notices_run(on=date(2026, 5, 14))
    assert result.resent == 1 and "补发" in str(result)
    assert (_sms(ok=False), _sms(ok=True), len(SENT_SMS)) == (1, 1, 1)
    run(date(2026, 5, 15))  # delivered: never sent twice
    assert (_sms(ok=True), len(SENT_SMS)) == (1, 1)


@override_settings(REPORTS_SMS_BACKEND="tests.reports.test_notices.DownSms")
def test_a_gateway_that_stays_down_is_tried_three_times(hazard):
    SENT_SMS.clear()
    DownSms.down = 100
    run_days(date(2026, 5, 13), date(2026, 5, 16))  # the 7-day reminder only
    assert _sms(ok=False) == delivery.DELIVERY_ATTEMPTS == 3 and SENT_SMS == []
    assert Notice.objects.count() == 1 and len(mail.outbox) == 1

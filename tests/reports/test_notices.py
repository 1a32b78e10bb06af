"""The reminder and overdue ladder: exactly once per hazard, step and deadline, only while the
hazard is not yet rectified, the highest step only after an outage (补发), 提请市级督办 only for
重大事故隐患, and texts that are true on their date."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from freezegun import freeze_time

from core.models import DocumentSequence
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from hazards.services import hazard_update
from reports.choices import Channel
from reports.models import Delivery, Notice, Notification
from reports.notices import delivery, services
from reports.notices.documents import notice_pdf
from reports.notices.recipients import Directory
from reports.notices.standing import standing_now
from reports.notices.steps import ladder
from reports.notices.texts import Occasion
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
    """A 一般隐患 of 鄂托克前旗, registered on 1 May with 20 May as its deadline."""
    personas.inspector.email = "li@example.org"
    personas.inspector.save()
    with freeze_time(FOUND):
        enterprise = EnterpriseFactory(name="鄂托克前旗测试化工有限公司", safety_manager_phone="")
        return register(
            personas.inspector, enterprise=enterprise, level=HazardLevel.GENERAL, deadline=DEADLINE
        )


@pytest.fixture
def major(personas):
    """A 重大事故隐患 of the same enterprise kind, found and due on the same days."""
    with freeze_time(FOUND):
        enterprise = EnterpriseFactory(name="鄂托克前旗重大隐患化工有限公司")
        return register(
            personas.inspector, enterprise=enterprise, level=HazardLevel.MAJOR, deadline=DEADLINE
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
    """The notices issued for a hazard: (step, deadline, due date)."""
    return list(
        Notice.objects.filter(hazard=hazard, skipped=False)
        .order_by("due_date", "pk")
        .values_list("step", "deadline", "due_date")
    )


def skipped(hazard) -> list[str]:
    return list(
        Notice.objects.filter(hazard=hazard, skipped=True)
        .order_by("pk")
        .values_list("step", flat=True)
    )


def pdf_text(notice, tmp_path) -> str:
    pdf = tmp_path / f"notice-{notice.pk}.pdf"
    pdf.write_bytes(notice_pdf(notice))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return "".join(text.split())


MAJOR_LADDER = [
    ("remind_7", DEADLINE, date(2026, 5, 13)),
    ("remind_3", DEADLINE, date(2026, 5, 17)),
    ("overdue", DEADLINE, date(2026, 5, 21)),
    ("county_letter", DEADLINE, date(2026, 6, 4)),
    ("bulletin", DEADLINE, date(2026, 6, 11)),
    ("city_escalation", DEADLINE, date(2026, 6, 19)),
]
GENERAL_LADDER = MAJOR_LADDER[:-1]


def test_ladder_follows_settings_per_level():
    assert ladder(DEADLINE, HazardLevel.MAJOR) == [(s, d) for s, _, d in MAJOR_LADDER]
    assert ladder(DEADLINE, HazardLevel.GENERAL) == [(s, d) for s, _, d in GENERAL_LADDER]
    with override_settings(
        REPORTS_REMINDER_DAYS=[10],
        REPORTS_ESCALATION_LADDER=[(2, "overdue"), (9, "city_escalation")],
        REPORTS_ESCALATION_LADDER_GENERAL=[(3, "overdue"), (9, "city_escalation")],
    ):
        assert ladder(DEADLINE, HazardLevel.MAJOR) == [
            ("remind_10", date(2026, 5, 10)),
            ("overdue", date(2026, 5, 22)),
            ("city_escalation", date(2026, 5, 29)),
        ]
        # 提请市级督办 is for 重大事故隐患 only, whatever the 一般 ladder says.
        assert ladder(DEADLINE, HazardLevel.GENERAL) == [
            ("remind_10", date(2026, 5, 10)),
            ("overdue", date(2026, 5, 23)),
        ]


def test_general_ladder_setting_refuses_a_city_escalation(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config import settings as config

    monkeypatch.setenv("REPORTS_ESCALATION_LADDER_GENERAL", "1:overdue,30:city_escalation")
    with pytest.raises(ImproperlyConfigured, match="REPORTS_ESCALATION_LADDER_GENERAL"):
        config._escalation_ladder(
            "REPORTS_ESCALATION_LADDER_GENERAL", "", config._ESCALATION_STEPS - {"city_escalation"}
        )
    monkeypatch.setenv("REPORTS_ESCALATION_LADDER_GENERAL", "2:overdue,20:bulletin")
    assert config._escalation_ladder(
        "REPORTS_ESCALATION_LADDER_GENERAL", "", config._ESCALATION_STEPS
    ) == [(2, "overdue"), (20, "bulletin")]


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
    assert steps(hazard) == GENERAL_LADDER[:1]
    # The reminder reaches the finder in-app and by e-mail, and the enterprise contact by SMS.
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["inspector"]
    assert mail.outbox[0].to == ["li@example.org"]
    assert SENT_SMS == [("13900000000", SENT_SMS[0][1])]
    assert set(Delivery.objects.values_list("channel", flat=True)) == {
        Channel.APP,
        Channel.EMAIL,
        Channel.SMS,
    }


def test_daily_runs_give_the_whole_ladder_once(hazard, major):
    run_days(date(2026, 5, 1), date(2026, 7, 10))
    # The ladder of a 一般隐患 ends at the 通报; only the 重大事故隐患 is put up to the city.
    assert steps(hazard) == GENERAL_LADDER
    assert steps(major) == MAJOR_LADDER
    assert not Notice.objects.filter(skipped=True).exists()
    assert not Notice.objects.filter(catch_up=True).exists()
    numbers = list(Notice.objects.exclude(number="").values_list("number", flat=True))
    assert len(numbers) == 7 and len(set(numbers)) == 7
    # One notice a day at most per hazard, each dated the day it was due.
    assert all(n.issued_on == n.due_date for n in Notice.objects.all())


def test_an_outage_over_both_reminders_sends_the_later_one_as_catch_up(hazard):
    run_days(date(2026, 5, 10), date(2026, 7, 1), skip=(date(2026, 5, 12), date(2026, 5, 17)))
    assert steps(hazard) == GENERAL_LADDER[1:]
    assert skipped(hazard) == ["remind_7"]
    late = Notice.objects.get(hazard=hazard, step="remind_3")
    assert (late.issued_on, late.catch_up) == (date(2026, 5, 18), True)
    assert "距整改期限还有2天" in late.body
    assert "本通知应于2026年5月17日发出，现予补发" in late.body


def test_gap_over_an_escalation_step(hazard):
    run_days(date(2026, 5, 13), date(2026, 6, 2))
    assert [s for s, *_ in steps(hazard)] == ["remind_7", "remind_3", "overdue"]
    run(date(2026, 6, 8))  # the 3rd..7th were missed: the 督办函 due on the 4th comes now
    letter = Notice.objects.get(hazard=hazard, step="county_letter")
    assert (letter.due_date, letter.issued_on, letter.catch_up) == (
        date(2026, 6, 4),
        date(2026, 6, 8),
        True,
    )
    assert "现予补发" in letter.body
    assert letter.number == "鄂前安办督〔2026〕1号"
    run(date(2026, 6, 8))
    assert len(steps(hazard)) == 4


def test_catch_up_after_an_outage_issues_only_the_highest_step(major, tmp_path):
    run_days(date(2026, 5, 13), date(2026, 5, 21))
    # The job is down from 22 May to 19 June: the 督办函, 通报 and 提请市级督办 all fell due.
    run(date(2026, 6, 20))
    assert [s for s, *_ in steps(major)] == ["remind_7", "remind_3", "overdue", "city_escalation"]
    assert skipped(major) == ["county_letter", "bulletin"]
    request = Notice.objects.get(hazard=major, step="city_escalation")
    assert request.catch_up and request.issued_on == date(2026, 6, 20)
    assert request.number == "鄂前安办呈〔2026〕1号"
    # It recalls only what was issued: the 逾期督办通知, not the 督办函 or 通报 never sent.
    overdue = Notice.objects.get(hazard=major, step="overdue")
    assert f"逾期督办通知（{overdue.number}）督办后" in request.body
    assert "督办函" not in request.body and "通报" not in request.body
    assert "截至2026年6月20日仍未整改完成，已逾期31天" in request.body
    # 补发 is on the document, the title of the in-app message and the message list.
    assert "（补发）" in pdf_text(request, tmp_path)
    assert Notification.objects.filter(notice=request, title__startswith="【提请市级督办（补发）】")
    # The steps passed over are never sent later, and nothing is sent twice.
    run_days(date(2026, 6, 21), date(2026, 7, 31))
    assert len(steps(major)) == 4 and skipped(major) == ["county_letter", "bulletin"]
    assert not Notification.objects.filter(notice__skipped=True).exists()
    assert not Delivery.objects.filter(notice__skipped=True).exists()


def test_after_a_late_step_the_enterprise_gets_the_intervals_of_the_ladder(major):
    run_days(date(2026, 5, 13), date(2026, 5, 21))
    run_days(date(2026, 6, 6), date(2026, 7, 10))  # down from 22 May to 5 June
    issued = {
        n.step: (n.issued_on, n.catch_up)
        for n in Notice.objects.filter(hazard=major, skipped=False)
    }
    assert issued["county_letter"] == (date(2026, 6, 6), True)
    # 7 days from the 督办函 to the 通报, 8 from the 通报 to the request, as in the ladder.
    assert issued["bulletin"] == (date(2026, 6, 13), False)
    assert issued["city_escalation"] == (date(2026, 6, 21), False)


def test_no_reminder_or_escalation_once_the_rectification_is_submitted(hazard, personas):
    with freeze_time(date(2026, 5, 10)):
        advance(
            hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=personas.reviewer
        )
    run_days(date(2026, 5, 10), date(2026, 5, 24))
    assert [s for s, *_ in steps(hazard)] == ["remind_7", "remind_3", "overdue"]
    with freeze_time(date(2026, 5, 25)):
        advance(
            hazard,
            HazardState.AWAITING_RECHECK,
            inspector=personas.inspector,
            reviewer=personas.reviewer,
        )
    run_days(date(2026, 5, 25), date(2026, 6, 9))  # 待复查: the 督办函 due on 4 June is not sent
    assert len(steps(hazard)) == 3 and not skipped(hazard)
    new_deadline = date(2026, 6, 20)
    with freeze_time(date(2026, 6, 10)):
        workflow.apply(
            hazard=hazard,
            action=Action.RECHECK_FAIL,
            by=personas.inspector,
            recheck_opinion="警示标识仍缺失",
            new_deadline=new_deadline.isoformat(),
        )
    # Back to 整改中: the ladder resumes from the new deadline, the old one's steps no bar.
    run_days(date(2026, 6, 10), date(2026, 7, 6))
    assert steps(hazard)[3:] == [
        ("remind_7", new_deadline, date(2026, 6, 13)),
        ("remind_3", new_deadline, date(2026, 6, 17)),
        ("overdue", new_deadline, date(2026, 6, 21)),
        ("county_letter", new_deadline, date(2026, 7, 5)),
    ]
    letter = Notice.objects.get(step="county_letter")
    assert "该隐患整改期限为2026年6月20日" in letter.body
    assert "截至2026年7月5日仍未整改完成，已逾期15天" in letter.body
    assert letter.hazard_state == HazardState.RECTIFYING
    assert not Notice.objects.filter(skipped=True).exists()


def test_no_notice_for_a_hazard_that_passed_re_check(major, personas):
    run_days(date(2026, 5, 10), date(2026, 5, 14))
    with freeze_time(date(2026, 5, 15)):
        advance(
            major, HazardState.RECHECKED, inspector=personas.inspector, reviewer=personas.reviewer
        )
    run_days(date(2026, 5, 15), date(2026, 7, 31))  # 已复查 and past its deadline: 逾期未销号
    assert [s for s, *_ in steps(major)] == ["remind_7"]


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
    run_days(date(2026, 5, 13), date(2026, 5, 22))
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
    day = date(2026, 5, 21)
    occasion = Occasion(deadline=DEADLINE, due=day, on=day)
    standing = standing_now(hazard)
    assert services._record(hazard, standing, [], "overdue", occasion, Directory()) == []
    sequence.refresh_from_db()
    assert sequence.last == 1
    assert Notice.objects.filter(hazard=hazard, step="overdue").count() == 1


def test_escalations_reach_reviewers_and_city_not_other_county(major, personas):
    run_days(date(2026, 5, 21), date(2026, 6, 20))
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
    assert overdue.addressees[0] == "鄂托克前旗重大隐患化工有限公司主要负责人张三"
    assert overdue.issuer.endswith("应急管理局")


def test_a_hazard_the_city_has_listed_is_not_put_up_to_the_city_again(major, personas):
    with freeze_time(date(2026, 5, 25)):
        workflow.apply(
            hazard=major,
            action=Action.LIST_SUPERVISION,
            by=personas.leader,
            level="city",
            doc_no="鄂安办督〔2026〕7号",
            issuing_unit="鄂尔多斯市安委办",
            deadline="2026-07-31",
        )
    run_days(date(2026, 5, 21), date(2026, 7, 31))
    assert [s for s, *_ in steps(major)] == ["overdue", "county_letter", "bulletin"]
    bulletin = Notice.objects.get(step="bulletin")
    assert "挂牌督办" not in bulletin.body and "将依法依规严肃处理" in bulletin.body


def test_every_sentence_is_true_on_its_date(hazard, major, personas, tmp_path):
    run_days(date(2026, 5, 13), date(2026, 6, 19))
    numbers = {
        (n.hazard_id, n.step): n.number for n in Notice.objects.exclude(number="").order_by("pk")
    }
    general = Notice.objects.get(hazard=hazard, step="bulletin")
    assert general.body.startswith(
        "鄂托克前旗测试化工有限公司（鄂尔多斯市鄂托克前旗上海庙镇）储罐区"
    )
    for sentence in (
        "该隐患整改期限为2026年5月20日，",
        f"经鄂托克前旗应急管理局逾期督办通知（{numbers[hazard.pk, 'overdue']}）、"
        f"鄂托克前旗安全生产委员会办公室督办函（{numbers[hazard.pk, 'county_letter']}）督办后，",
        "截至2026年6月11日仍未整改完成，已逾期22天。现予以通报。",
        "确保事故隐患动态清零。逾期仍未整改的，将依法依规严肃处理。",
    ):
        assert sentence in general.body, sentence
    # A 一般隐患 is never to be put up for 挂牌督办.
    assert "挂牌督办" not in general.body + pdf_text(general, tmp_path)
    serious = Notice.objects.get(hazard=major, step="bulletin")
    assert "确保重大事故隐患动态清零。逾期仍未整改的，将提请上级挂牌督办" in serious.body
    request = Notice.objects.get(hazard=major, step="city_escalation")
    assert "截至2026年6月19日仍未整改完成，已逾期30天。" in request.body
    assert "现提请鄂尔多斯市安全生产委员会办公室对该重大事故隐患挂牌督办" in request.body
    # The state and date printed are those of the notice's day, not of the day it is printed.
    with freeze_time(date(2026, 6, 25)):
        advance(
            hazard, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer
        )
    text = pdf_text(general, tmp_path)
    assert "发文时状态已登记" in text and "已销号" not in text
    assert "2026年6月11日" in text


def test_a_bulletin_prints_no_personal_phone_number(hazard, tmp_path):
    run_days(date(2026, 5, 13), date(2026, 6, 11))
    bulletin = Notice.objects.get(step="bulletin")
    text = pdf_text(bulletin, tmp_path)
    assert "主要负责人张三" in text and "13900000000" not in text
    assert "13900000000" not in bulletin.body + "".join(bulletin.addressees)
    copies = text.split("抄送：")[1].split("。")[0].split("、")
    assert copies[0] == "鄂托克前旗应急管理局" and len(copies) == len(set(copies))
    # The 逾期督办通知, addressed to the enterprise itself, still gives its principal's phone.
    assert "13900000000" in pdf_text(Notice.objects.get(step="overdue"), tmp_path)


def test_document_numbers_use_the_region_abbreviation(hazard, personas):
    from core.models import Region

    run_days(date(2026, 5, 21), date(2026, 6, 4))
    assert list(
        Notice.objects.exclude(number="").order_by("pk").values_list("number", flat=True)
    ) == [
        "鄂前应急逾督〔2026〕1号",
        "鄂前安办督〔2026〕1号",
    ]
    # Without an abbreviation the full name is used; an admin's abbreviation is used at once.
    with freeze_time(FOUND):
        other = register(
            personas.inspector_b,
            enterprise=EnterpriseFactory(region=Region.objects.get(code="150624")),
            level=HazardLevel.GENERAL,
            deadline=DEADLINE,
        )
    run(date(2026, 5, 21))
    assert Notice.objects.get(hazard=other, step="overdue").number == "鄂托克旗应急逾督〔2026〕1号"
    Region.objects.filter(code="150624").update(abbreviation="鄂托")
    run(date(2026, 6, 4))
    assert Notice.objects.get(hazard=other, step="county_letter").number == "鄂托安办督〔2026〕1号"


def test_notices_are_scoped(hazard, personas, client):
    run_days(date(2026, 5, 13), date(2026, 5, 21))
    notice = Notice.objects.get(step="overdue")
    client.force_login(personas.inspector_b)
    assert client.get("/api/v1/notices/").json()["count"] == 0
    assert client.get(f"/api/v1/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/api/v1/notices/{notice.pk}/notice.pdf").status_code == 404
    assert client.get(f"/reports/notices/{notice.pk}/").status_code == 404
    client.force_login(personas.inspector)
    assert client.get("/api/v1/notices/").json()["count"] == 3  # the two reminders too
    page = client.get("/reports/notices/")
    assert page.status_code == 200 and notice.number in page.content.decode()
    assert client.get(f"/reports/notices/{notice.pk}/").status_code == 200


def test_notice_filters_are_shared_by_page_and_api(hazard, personas, client):
    run_days(date(2026, 5, 13), date(2026, 5, 21))
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
    run_days(date(2026, 5, 13), date(2026, 5, 21))
    client.force_login(personas.inspector)
    page = client.get("/reports/notifications/").content.decode()
    assert 'id="bell-count" hx-get="/reports/notifications/bell/"' in page
    unread = Notification.objects.filter(user=personas.inspector, read_at__isnull=True).count()
    assert unread == 3
    assert f'data-unread="{unread}"' in client.get("/reports/notifications/bell/").content.decode()
    assert client.post("/reports/notifications/read/").status_code == 302
    assert not Notification.objects.filter(user=personas.inspector, read_at__isnull=True).exists()
    assert "data-unread" not in client.get("/reports/notifications/bell/").content.decode()


def test_command_after_an_outage_issues_the_highest_step_once(hazard):
    # Down from 12 May: one run on the 22nd issues the 逾期督办通知 only, marked 补发.
    call_command("run_notices", "--date", "2026-05-22", stdout=io.StringIO())
    assert [s for s, *_ in steps(hazard)] == ["overdue"]
    assert skipped(hazard) == ["remind_7", "remind_3"]
    assert Notice.objects.get(step="overdue").catch_up
    # Replaying the missed days one by one would send them all at once: refused.
    with pytest.raises(CommandError, match="不再逐日补跑"):
        call_command("run_notices", "--from", "2026-05-12", "--date", "2026-05-22")
    call_command("run_notices", "--date", "2026-05-22", stdout=io.StringIO())
    assert Notice.objects.count() == 3


def test_tasks_are_thin_and_idempotent(hazard, caplog):
    from reports import tasks

    with caplog.at_level("INFO", logger="reports.notices.services"):
        assert (
            "新生成通知 1 份（几级同时到期的只发最高一级，2 个"
            in tasks.run_notices.delay("2026-05-21").get()
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "reports.notices.services"]
    assert len(lines) == 1
    assert lines[0].startswith(
        "notice run user=- on=2026-05-21 checked=1 created=1 skipped=2 resent=0 done"
    )
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


def test_a_notice_writes_each_date_and_label_of_its_table_on_one_line(personas, tmp_path):
    """Two-digit months and days are the longest dates: 2026年12月25日 stays on its line."""
    with freeze_time(date(2026, 10, 19)):
        enterprise = EnterpriseFactory()
        hazard = register(
            personas.inspector,
            enterprise=enterprise,
            level=HazardLevel.MAJOR,
            deadline=date(2026, 12, 25),
        )
    run(date(2026, 12, 18))
    notice = Notice.objects.get(hazard=hazard)
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(notice_pdf(notice))
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    lines = ["".join(line.split()) for line in out.stdout.splitlines()]
    for expected in (
        "发现日期2026年10月19日整改期限2026年12月25日",
        f"{enterprise.credit_code}主要负责人",
        "发文时状态",
    ):
        assert any(expected in line for line in lines), (expected, lines)


def test_a_notice_printed_again_shows_the_hazard_and_enterprise_as_they_were_sent(
    hazard, personas, tmp_path
):
    run(date(2026, 5, 13))  # 到期前7天提醒
    notice = Notice.objects.get(hazard=hazard)
    sent = (hazard.place, hazard.description, hazard.enterprise.principal)
    with freeze_time(date(2026, 5, 14)):
        hazard_update(
            hazard=hazard, by=personas.inspector, place="二号仓库", description="改写后的隐患描述"
        )
        enterprise = hazard.enterprise
        enterprise.principal = "新任负责人"
        enterprise.save()
    text = pdf_text(notice, tmp_path)
    for then in sent:
        assert "".join(then.split()) in text, then
    for now in ("二号仓库", "改写后的隐患描述", "新任负责人"):
        assert now not in text, now

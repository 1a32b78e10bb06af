"""The enterprise's inbox: the overdue notices and enforcement documents served on its
enterprises reach its accounts, which acknowledge receipt (签收) once; the regulator reads when
and by whom on the notice and document pages and lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.choices import Role
from core.errors import Kind, ServiceError
from hazards.choices import HazardLevel
from inspections import services as inspection_services
from inspections.choices import DocumentType
from reports.choices import NoticeStep
from reports.inbox import services
from reports.models import Notice
from reports.notices.selectors import notice_queryset
from reports.notices.services import notices_run
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import register
from tests.inspections.conftest import checked_visit, enterprise, team  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

FOUND = date(2026, 5, 1)
DEADLINE = date(2026, 5, 20)
# The days the ladder of a 20 May deadline issues its steps, up to the county's letter.
LADDER_DAYS = [date(2026, 5, 13), date(2026, 5, 17), date(2026, 5, 21), date(2026, 6, 4)]


def enterprise_account(username: str, *enterprises):
    account = UserFactory(username=username, name=f"{username}安全员", role=Role.ENTERPRISE)
    account.department = None
    account.save()
    account.enterprises.add(*enterprises)
    return account


@pytest.fixture
def served(team, enterprise):  # noqa: F811
    """A major hazard of the enterprise left overdue until the county's letter, an enforcement
    document of a visit to it, the enterprise's account and another enterprise's account."""
    with freeze_time(FOUND):
        hazard = register(
            team.inspector, enterprise=enterprise, level=HazardLevel.MAJOR, deadline=DEADLINE
        )
    for day in LADDER_DAYS:
        with freeze_time(day):
            notices_run(on=day)
    inspection, _, _ = checked_visit(team, enterprise)
    document = inspection_services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    other = EnterpriseFactory(name="鄂托克前旗另一家化工有限公司")

    class S:
        pass

    S.hazard, S.document, S.team = hazard, document, team
    S.account = enterprise_account("qiye", enterprise)
    S.stranger = enterprise_account("qiye_other", other)
    S.overdue = Notice.objects.get(hazard=hazard, step=NoticeStep.OVERDUE)
    S.letter = Notice.objects.get(hazard=hazard, step=NoticeStep.COUNTY_LETTER)
    return S


def test_the_overdue_notice_and_the_countys_letter_reach_the_enterprises_inbox_not_reminders(
    served,
):
    steps = sorted(services.inbox_notices(served.account).values_list("step", flat=True))
    assert steps == sorted([NoticeStep.COUNTY_LETTER, NoticeStep.OVERDUE])
    assert Notice.objects.filter(hazard=served.hazard, step__startswith="remind_").count() == 2


def test_the_enterprises_live_documents_reach_its_inbox(served):
    assert list(services.inbox_documents(served.account)) == [served.document]


def test_an_enterprise_account_reads_only_the_notices_addressed_to_it(served):
    with freeze_time(date(2026, 6, 19)):
        notices_run(on=date(2026, 6, 19))  # the bulletin and the request to the city
    assert Notice.objects.filter(hazard=served.hazard, step=NoticeStep.CITY_ESCALATION).exists()
    visible = set(notice_queryset(served.account).values_list("step", flat=True))
    assert visible == {NoticeStep.OVERDUE, NoticeStep.COUNTY_LETTER}


def test_a_regulator_has_no_inbox_of_the_countys_notices(served):
    assert not services.inbox_notices(served.team.inspector).exists()
    assert not services.inbox_documents(served.team.inspector).exists()


def test_acknowledging_records_the_time_and_the_person(served):
    at = timezone.make_aware(datetime(2026, 6, 5, 9, 30))
    with freeze_time(at):
        notice = services.notice_acknowledge(notice=served.overdue, by=served.account)
    assert notice.acknowledged_at == at
    assert notice.acknowledged_by == served.account


def test_acknowledging_again_changes_nothing(served):
    first = timezone.make_aware(datetime(2026, 6, 5, 9, 30))
    with freeze_time(first):
        services.document_acknowledge(document=served.document, by=served.account)
    colleague = enterprise_account("qiye2", served.hazard.enterprise)
    with freeze_time(first + timedelta(days=1)):
        again = services.document_acknowledge(document=served.document, by=colleague)
    assert (again.acknowledged_at, again.acknowledged_by) == (first, served.account)


def test_a_regulator_may_not_acknowledge_for_the_enterprise(served):
    with pytest.raises(ServiceError) as refused:
        services.notice_acknowledge(notice=served.overdue, by=served.team.inspector)
    assert refused.value.kind == Kind.ROLE
    served.overdue.refresh_from_db()
    assert served.overdue.acknowledged_at is None


def test_another_enterprises_account_cannot_acknowledge_it(served):
    with pytest.raises(ServiceError) as refused:
        services.notice_acknowledge(notice=served.letter, by=served.stranger)
    assert refused.value.kind == Kind.SCOPE


def test_a_voided_document_leaves_the_inbox_and_cannot_be_acknowledged(served):
    inspection_services.document_void(
        by=served.team.inspector, document=served.document, reason="文书内容有误"
    )
    assert not services.inbox_documents(served.account).exists()
    with pytest.raises(ServiceError) as refused:
        services.document_acknowledge(document=served.document, by=served.account)
    assert refused.value.kind == Kind.STATE


def test_the_inbox_page_lists_both_and_signs_with_one_post(served, client):
    client.force_login(served.account)
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert served.overdue.number in page and served.document.number in page
    assert "待签收 3 件" in page
    response = client.post(reverse("inbox:notice_acknowledge", args=[served.overdue.pk]))
    assert response.status_code == 302
    again = client.post(reverse("inbox:notice_acknowledge", args=[served.overdue.pk]))
    assert again.status_code == 302
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert "待签收 2 件" in page and "已签收" in page


def test_another_enterprises_account_gets_404_and_an_empty_inbox(served, client):
    client.force_login(served.stranger)
    for url in (
        reverse("inbox:notice_acknowledge", args=[served.overdue.pk]),
        reverse("inbox:document_acknowledge", args=[served.document.pk]),
    ):
        assert client.post(url).status_code == 404
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert served.overdue.number not in page and served.document.number not in page


def test_a_regulator_posting_a_signature_is_refused(served, client):
    client.force_login(served.team.reviewer)
    url = reverse("inbox:notice_acknowledge", args=[served.overdue.pk])
    assert client.post(url).status_code == 403
    client.force_login(served.team.inspector_b)
    assert client.post(url).status_code == 404


def test_the_regulator_sees_when_and_by_whom_on_pages_and_lists(served, client):
    at = timezone.make_aware(datetime(2026, 6, 5, 9, 30))
    with freeze_time(at):
        services.notice_acknowledge(notice=served.overdue, by=served.account)
        services.document_acknowledge(document=served.document, by=served.account)
    client.force_login(served.team.reviewer)
    signed = "2026-06-05 09:30 qiye安全员"
    pages = {
        "notice page": reverse("notices:notice_detail", args=[served.overdue.pk]),
        "notice list": reverse("notices:notice_list"),
        "document list": reverse("inspections:document_list"),
        "visit page": served.document.inspection.get_absolute_url(),
    }
    for name, url in pages.items():
        body = client.get(url).content.decode()
        assert "已签收" in body and signed in body, name
    letter = client.get(reverse("notices:notice_detail", args=[served.letter.pk])).content.decode()
    assert "未签收" in letter


def test_the_notices_api_gives_the_acknowledgement_time(served, client):
    at = timezone.make_aware(datetime(2026, 6, 5, 9, 30))
    with freeze_time(at):
        services.notice_acknowledge(notice=served.overdue, by=served.account)
    client.force_login(served.team.reviewer)
    data = client.get(f"/api/v1/notices/{served.overdue.pk}/").json()
    assert data["acknowledged_at"].startswith("2026-06-05T09:30")
    assert client.get(f"/api/v1/notices/{served.letter.pk}/").json()["acknowledged_at"] is None

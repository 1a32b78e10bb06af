"""Extensions (延期): how many, how far, and who decides them on a listed hazard."""

from datetime import date

import pytest
from freezegun import freeze_time

from accounts.choices import Role
from core.errors import ServiceError
from hazards import workflow
from hazards.choices import Action, ExtensionStatus, HazardState
from tests.factories import UserFactory
from tests.hazard_helpers import advance, register

pytestmark = pytest.mark.django_db
S = HazardState
FOUND = date(2026, 6, 1)  # deadline 2026-06-11; the limit is 90 days after it: 2026-09-09


def _hazard(personas):
    with freeze_time(FOUND):
        hazard = register(personas.inspector, found=FOUND, days=10)
        return advance(hazard, S.RECTIFYING, inspector=personas.inspector, reviewer=None)


def _request(hazard, by, to: str):
    return workflow.apply(
        hazard=hazard,
        action=Action.REQUEST_EXTENSION,
        by=by,
        requested_deadline=to,
        reason="设备到货延迟",
        interim_measures="停用储罐并专人值守",
    )


def _approve(hazard, by, to: str | None = None):
    payload = {"approved_deadline": to} if to else {}
    return workflow.apply(hazard=hazard, action=Action.APPROVE_EXTENSION, by=by, **payload)


def _city_reviewer(personas):
    return UserFactory(
        username="city_reviewer",
        role=Role.REVIEWER,
        region_id="150600",
        department=personas.leader.department,
    )


def _list(hazard, by, level: str, deadline: str, doc_no: str):
    workflow.apply(
        hazard=hazard,
        action=Action.LIST_SUPERVISION,
        by=by,
        level=level,
        doc_no=doc_no,
        issuing_unit="鄂尔多斯市安委办",
        deadline=deadline,
    )


def test_by_default_one_approved_extension_per_hazard(personas):
    """Once one extension is approved, a second request is refused with the reason."""
    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        _request(hazard, personas.inspector, "2026-06-30")
        _approve(hazard, personas.reviewer)
    with freeze_time("2026-06-20"):
        hazard.refresh_from_db()
        transition = workflow.TABLE[Action.REQUEST_EXTENSION]
        reason = workflow.refusal(hazard, transition, personas.inspector).message
        assert reason == "该隐患已批准延期 1 次，每项隐患最多批准延期 1 次。"
        with pytest.raises(ServiceError, match="最多批准延期 1 次"):
            _request(hazard, personas.inspector, "2026-07-20")


def test_the_number_of_approved_extensions_is_a_setting(personas, settings):
    settings.HAZARD_EXTENSION_MAX_APPROVED = 2
    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        _request(hazard, personas.inspector, "2026-06-30")
        _approve(hazard, personas.reviewer)
    with freeze_time("2026-06-20"):
        _request(hazard, personas.inspector, "2026-07-20")
        _approve(hazard, personas.reviewer)
    hazard.refresh_from_db()
    assert hazard.current_deadline == date(2026, 7, 20)
    assert hazard.extensions.filter(status=ExtensionStatus.APPROVED).count() == 2


def test_a_request_beyond_90_days_after_the_original_deadline_is_refused(personas):
    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        with pytest.raises(ServiceError, match="不能晚于 2026-09-09") as refused:
            _request(hazard, personas.inspector, "2026-09-10")
        assert refused.value.field == "requested_deadline"
        assert "原整改期限（2026-06-11）后 90 天" in refused.value.message
        _request(hazard, personas.inspector, "2026-09-09")
    assert hazard.extensions.get().requested_deadline == date(2026, 9, 9)


def test_an_approval_beyond_90_days_is_refused(personas):
    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        _request(hazard, personas.inspector, "2026-08-01")
        with pytest.raises(ServiceError, match="批准延期至不能晚于 2026-09-09"):
            _approve(hazard, personas.reviewer, "2026-09-10")
    assert hazard.extensions.get().status == ExtensionStatus.PENDING


def test_the_day_limit_is_a_setting_and_counts_from_the_original_deadline(personas, settings):
    """After extensions reach the limit, no further request is possible, whatever the count."""
    settings.HAZARD_EXTENSION_MAX_APPROVED = 5
    settings.HAZARD_EXTENSION_MAX_DAYS = 30
    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        with pytest.raises(ServiceError, match="不能晚于 2026-07-11"):
            _request(hazard, personas.inspector, "2026-07-12")
        _request(hazard, personas.inspector, "2026-07-11")
        _approve(hazard, personas.reviewer)
    with freeze_time("2026-07-01"):
        with pytest.raises(ServiceError, match="已到延期上限 2026-07-11"):
            _request(hazard, personas.inspector, "2026-07-20")


def test_a_hazard_listed_by_the_city_is_extended_only_by_a_city_reviewer(personas):
    """The county reviewer may neither approve nor refuse; the city's approval moves the
    supervision's 督办期限 to the new deadline and the event records it."""
    hazard = _hazard(personas)
    city_reviewer = _city_reviewer(personas)
    with freeze_time("2026-06-02"):
        _list(hazard, personas.leader, "city", "2026-06-11", "鄂安办督〔2026〕7号")
    with freeze_time("2026-06-05"):
        _request(hazard, personas.inspector, "2026-07-15")
        hazard.refresh_from_db()
        for action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
            reason = workflow.refusal(hazard, workflow.TABLE[action], personas.reviewer).message
            assert reason == (
                "该隐患由市级挂牌督办（鄂安办督〔2026〕7号），"
                "延期只能由挂牌单位或更高层级的审核人员审批。"
            )
        with pytest.raises(ServiceError, match="挂牌单位或更高层级"):
            _approve(hazard, personas.reviewer)
        event = _approve(hazard, city_reviewer)
    hazard.refresh_from_db()
    supervision = hazard.supervisions.get()
    assert hazard.current_deadline == supervision.deadline == date(2026, 7, 15)
    assert event.data["supervision_deadline"] == "2026-07-15"


def test_a_county_listing_is_extended_by_the_county_and_a_later_supervision_deadline_stays(
    personas,
):
    hazard = _hazard(personas)
    with freeze_time("2026-06-02"):
        _list(hazard, personas.reviewer, "county", "2026-08-31", "鄂前安办督〔2026〕9号")
    with freeze_time("2026-06-05"):
        _request(hazard, personas.inspector, "2026-07-15")
        event = _approve(hazard, personas.reviewer)
    assert hazard.supervisions.get().deadline == date(2026, 8, 31)
    assert "supervision_deadline" not in event.data


# ---------------------------------------------------------------- the hazard page says why


def _page(client, user, hazard) -> str:
    client.force_login(user)
    response = client.get(hazard.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_hazard_page_says_why_an_extension_cannot_be_requested(personas, client):
    """Too early (outside the working-day window), then the approved-extension limit."""
    with freeze_time(FOUND):
        hazard = register(personas.inspector, found=FOUND, days=60)
        page = _page(client, personas.inspector, hazard)
    assert 'id="blocked-request-extension"' in page
    assert "不能申请延期：只能在整改期限前 20 个工作日内申请延期" in page
    assert 'data-bs-target="#step-request-extension"' not in page
    with freeze_time("2026-07-20"):
        _request(hazard, personas.inspector, "2026-08-20")
        _approve(hazard, personas.reviewer)
        assert "不能申请延期：该隐患已批准延期 1 次" in _page(client, personas.inspector, hazard)
        # The reviewer and the leader never request extensions: nothing to explain to them.
        for user in (personas.reviewer, personas.leader):
            assert "不能申请延期" not in _page(client, user, hazard)


def test_no_explanation_when_the_step_is_available_or_not_of_this_state(personas, client):
    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        page = _page(client, personas.inspector, hazard)
        assert "不能申请延期" not in page
        assert 'data-bs-target="#step-request-extension"' in page
        advance(hazard, S.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer)
        assert "不能申请延期" not in _page(client, personas.inspector, hazard)


def test_blocked_is_decided_in_the_workflow(personas):
    with freeze_time(FOUND):
        hazard = register(personas.inspector, found=FOUND, days=60)
        blocked = workflow.blocked(hazard, personas.inspector)
        assert [(b.action, b.label) for b in blocked] == [(Action.REQUEST_EXTENSION, "申请延期")]
        assert workflow.blocked(hazard, personas.reviewer) == []


def test_the_approval_form_shows_the_request_it_decides(personas, client):
    """The reviewer decides with the reason and the interim measures in front of them."""
    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        _request(hazard, personas.inspector, "2026-07-01")
        page = _page(client, personas.reviewer, hazard)
    form = page.split('id="form-approve-extension"', 1)[1].split("</form>", 1)[0]
    assert "设备到货延迟" in form and "停用储罐并专人值守" in form
    assert "2026-06-11" in form and "2026-07-01" in form


def test_the_hazard_page_reads_extensions_and_listings_once_for_every_step(personas, client):
    """Each step's guard asks about pending and approved extensions and the listing; the page
    fetched them with the hazard, so the guards read nothing again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hazard = _hazard(personas)
    with freeze_time("2026-06-05"):
        _request(hazard, personas.inspector, "2026-07-01")
        _list(hazard, personas.reviewer, "county", "2026-06-11", "鄂前安办督〔2026〕3号")
        client.force_login(personas.reviewer)
        client.get(hazard.get_absolute_url())  # the menu's 待我处理 count is kept from here on
        with CaptureQueriesContext(connection) as queries:
            page = client.get(hazard.get_absolute_url()).content.decode()
    assert 'id="form-approve-extension"' in page and "鄂前安办督〔2026〕3号" in page
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum(q.startswith('SELECT "hazards_extensionrequest"') for q in sql) == 1
    listings = [q for q in sql if q.startswith('SELECT "hazards_supervision"')]
    # The listings, read once for the steps; when the next progress report is due is in the
    # page's body, kept from the first view (tests/hazards/test_fragments.py).
    assert len(listings) == 1
    # Who asked, who listed and who took each step are read in one query with the people the
    # hazard names (the other query is the signed-in user's).
    assert sum('"accounts_user"' in q for q in sql) == 2
    requests = page.split('id="extensions"', 1)[1]
    assert f"{personas.inspector.display_name} 于" in requests

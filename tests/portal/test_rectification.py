"""The enterprise registers what its self-inspection finds and rectifies it through the same
workflow table as the regulators; it never re-checks, signs off, lists or approves."""

import pytest
from django.utils import timezone

from accounts.choices import Role
from core.errors import Kind, ServiceError
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardSource, HazardState, PhotoKind
from hazards.models import HazardEvent
from hazards.services import hazard_update
from portal import services
from tests.hazard_helpers import PLAN, a_clause, advance, jpeg_bytes, register

pytestmark = pytest.mark.django_db

ENTERPRISE_STEPS = {
    Action.START_RECTIFICATION,
    Action.REPORT_PROGRESS,
    Action.REQUEST_EXTENSION,
    Action.SUBMIT_RECTIFICATION,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def self_report(firms, **fields):
    today = timezone.localdate()
    fields.setdefault("level", HazardLevel.GENERAL)
    return services.self_report(
        by=firms.account_a,
        enterprise=firms.a,
        place=fields.pop("place", "罐区"),
        description=fields.pop("description", "静电接地报警器失效"),
        found_date=today,
        deadline=fields.pop("deadline", today + timezone.timedelta(days=30)),
        **fields,
    )


def test_the_workflow_table_names_the_enterprise_for_its_own_steps_only():
    for action, transition in workflow.TABLE.items():
        assert (Role.ENTERPRISE in transition.roles) == (action in ENTERPRISE_STEPS), action


def test_a_self_reported_hazard_has_the_source_enterprise_self_report(firms):
    hazard = self_report(firms)
    assert hazard.source == HazardSource.SELF_REPORT
    assert hazard.found_by == firms.account_a


def test_an_enterprise_cannot_register_with_another_source(firms):
    with pytest.raises(ServiceError) as error:
        from hazards.services import hazard_register

        hazard_register(
            by=firms.account_a,
            enterprise=firms.a,
            level=HazardLevel.GENERAL,
            place="罐区",
            description="问题",
            deadline=timezone.localdate(),
            source=HazardSource.INSPECTION,
        )
    assert "企业自查上报" in error.value.message


def test_a_major_self_reported_hazard_needs_its_clause(firms):
    with pytest.raises(ServiceError) as error:
        self_report(firms, level=HazardLevel.MAJOR)
    assert error.value.fields.get("clause") or "判定依据" in error.value.message
    hazard = self_report(firms, level=HazardLevel.MAJOR, clause=a_clause(firms.a))
    assert hazard.clause_id


def test_an_enterprise_cannot_register_for_an_enterprise_it_does_not_hold(firms):
    from hazards.models import Hazard

    with pytest.raises(Exception) as error:
        services.self_report(
            by=firms.account_a,
            enterprise=firms.b,
            level=HazardLevel.GENERAL,
            place="罐区",
            description="问题",
            deadline=timezone.localdate(),
        )
    assert isinstance(error.value, Hazard.enterprise.field.related_model.DoesNotExist)


def test_the_enterprise_rectifies_and_applies_for_sign_off_then_only_the_regulator_closes(
    firms, personas
):
    hazard = self_report(firms, level=HazardLevel.MAJOR, clause=a_clause(firms.a))
    by = firms.account_a
    workflow.apply(
        hazard=hazard,
        action=Action.START_RECTIFICATION,
        by=by,
        plan_deadline=hazard.current_deadline.isoformat(),
        **PLAN,
    )
    services.report_progress(
        by=by, hazard=hazard, comment="设备已到货", photos=[("a.jpg", jpeg_bytes())]
    )
    assert hazard.photos.filter(kind=PhotoKind.AFTER).count() == 1
    workflow.apply(
        hazard=hazard,
        action=Action.SUBMIT_RECTIFICATION,
        by=by,
        completed_date=timezone.localdate().isoformat(),
        completion_note="已整改",
    )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.AWAITING_RECHECK
    for action in (Action.RECHECK_PASS, Action.RECHECK_FAIL):
        with pytest.raises(ServiceError) as error:
            workflow.apply(hazard=hazard, action=action, by=by, recheck_opinion="好")
        assert error.value.kind == Kind.ROLE
    advance(hazard, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer)
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED


def test_the_enterprise_never_signs_off_lists_approves_or_edits(firms, personas):
    hazard = register(personas.inspector, enterprise=firms.a)
    by = firms.account_a
    for action in (Action.LIST_SUPERVISION, Action.CONFIRM_BASIS, Action.RECORD_URGING):
        with pytest.raises(ServiceError):
            workflow.apply(hazard=hazard, action=action, by=by)
    assert not {t.action for t in workflow.available(hazard, by)} - ENTERPRISE_STEPS
    with pytest.raises(ServiceError) as error:
        hazard_update(hazard=hazard, by=by, place="别处")
    assert error.value.kind == Kind.ROLE


def test_a_refused_progress_photo_keeps_no_progress_report(firms):
    hazard = self_report(firms)
    workflow.apply(hazard=hazard, action=Action.START_RECTIFICATION, by=firms.account_a)
    with pytest.raises(ServiceError):
        services.report_progress(
            by=firms.account_a, hazard=hazard, comment="进展", photos=[("x.jpg", b"not a photo")]
        )
    assert not HazardEvent.objects.filter(hazard=hazard, action=Action.REPORT_PROGRESS).exists()


def test_home_lists_hazards_by_state_with_what_needs_doing(client, firms, personas):
    registered = self_report(firms, description="自查登记的隐患")
    from_inspection = register(personas.inspector, enterprise=firms.a, description="检查发现的隐患")
    advance(
        from_inspection,
        HazardState.AWAITING_RECHECK,
        inspector=personas.inspector,
        reviewer=personas.reviewer,
    )
    register(personas.inspector, enterprise=firms.b, description="别家企业的隐患")
    client.force_login(firms.account_a)
    body = client.get("/qiye/").content.decode()
    assert registered.number in body and from_inspection.number in body
    assert "别家企业的隐患" not in body
    assert "填写整改方案（五落实）并开始整改" in body
    assert "已申请销号，等待监管部门复查" in body
    assert "有 1 项隐患需要本单位整改" in body


def test_the_self_inspection_checklist_is_the_sectors_clauses(client, firms):
    from hazards.services import clause_offer, hazard_sectors

    client.force_login(firms.account_a)
    body = client.get(f"/qiye/selfcheck/{firms.a.pk}/").content.decode()
    offered = clause_offer(sectors=hazard_sectors(firms.a))
    assert offered.count() > 5
    assert all(f"clause-{c.pk}" in body for c in offered)
    assert f"共 {offered.count()} 条" in body


def test_pages_register_and_rectify_through_the_services(client, firms):
    client.force_login(firms.account_a)
    today = timezone.localdate()
    clause = a_clause(firms.a)
    response = client.post(
        "/qiye/hazards/new/",
        {
            "enterprise": firms.a.pk,
            "level": HazardLevel.MAJOR,
            "clause": clause.pk,
            "place": "罐区",
            "description": "可燃气体报警器未联锁",
            "found_date": today.isoformat(),
            "deadline": (today + timezone.timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    hazard = firms.a.hazards.get()
    assert hazard.source == HazardSource.SELF_REPORT and hazard.clause == clause
    response = client.post(
        f"/qiye/hazards/{hazard.pk}/steps/start-rectification/",
        {"start-rectification-measures": "更换", "start-rectification-plan_deadline": ""},
    )
    assert response.status_code == 200
    assert "请填写整改责任人" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REGISTERED
    response = client.post(
        f"/qiye/hazards/{hazard.pk}/steps/sign-off/", {"sign-off-comment": "自己销号"}
    )
    assert response.status_code == 200
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REGISTERED


def test_a_major_hazard_without_a_clause_is_refused_on_the_page_and_nothing_is_kept(client, firms):
    client.force_login(firms.account_a)
    today = timezone.localdate()
    response = client.post(
        "/qiye/hazards/new/",
        {
            "enterprise": firms.a.pk,
            "level": HazardLevel.MAJOR,
            "place": "罐区",
            "description": "问题",
            "found_date": today.isoformat(),
            "deadline": today.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "判定依据" in response.content.decode()
    assert not firms.a.hazards.exists()


def test_through_the_api_an_enterprise_registers_self_reports_only(client, firms):
    client.force_login(firms.account_a)
    today = timezone.localdate()
    body = {
        "enterprise": firms.a.pk,
        "level": HazardLevel.GENERAL,
        "place": "罐区",
        "description": "静电接地线断开",
        "found_date": today.isoformat(),
        "deadline": (today + timezone.timedelta(days=10)).isoformat(),
    }
    response = client.post("/api/v1/hazards/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["source"] == HazardSource.SELF_REPORT
    body["source"] = HazardSource.INSPECTION
    response = client.post("/api/v1/hazards/", body, content_type="application/json")
    assert response.status_code == 400
    assert "企业自查上报" in response.content.decode()
    hazard = firms.a.hazards.get()
    response = client.post(
        f"/api/v1/hazards/{hazard.pk}/sign-off/", {}, content_type="application/json"
    )
    assert response.status_code == 404  # not on the enterprise's list of API views
    response = client.post(
        f"/api/v1/hazards/{hazard.pk}/start-rectification/", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "rectifying"

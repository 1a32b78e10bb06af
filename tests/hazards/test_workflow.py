"""Every transition of the workflow table: allowed, wrong state, wrong role, out of scope, event."""

from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from core.errors import ServiceError
from hazards import workflow
from hazards.choices import Action, ExtensionStatus, HazardLevel, HazardState, SupervisionLevel
from hazards.models import Hazard, HazardEvent
from tests.hazard_helpers import PLAN, advance, register, today

pytestmark = pytest.mark.django_db
S = HazardState


def payload_for(action: str, hazard: Hazard) -> dict:
    today = date.today()
    return {
        Action.START_RECTIFICATION: {**PLAN, "plan_deadline": hazard.current_deadline.isoformat()},
        Action.REPORT_PROGRESS: {"comment": "已完成 60%"},
        Action.REQUEST_EXTENSION: {
            "requested_deadline": (hazard.current_deadline + timedelta(days=30)).isoformat(),
            "reason": "设备到货延迟",
            "interim_measures": "停用储罐并专人值守",
        },
        Action.APPROVE_EXTENSION: {"comment": "同意"},
        Action.REFUSE_EXTENSION: {"comment": "理由不充分"},
        Action.SUBMIT_RECTIFICATION: {
            "completed_date": today.isoformat(),
            "completion_note": "已完成",
        },
        Action.RECHECK_PASS: {"recheck_opinion": "整改到位"},
        Action.RECHECK_FAIL: {
            "recheck_opinion": "未整改到位",
            "new_deadline": (today + timedelta(days=15)).isoformat(),
        },
        Action.SIGN_OFF: {},
        Action.LIST_SUPERVISION: {
            "level": SupervisionLevel.COUNTY,
            "doc_no": "鄂前安办督〔2026〕3号",
            "issuing_unit": "鄂托克前旗安委办",
            "signer": "王旗长",
            "deadline": (today + timedelta(days=60)).isoformat(),
        },
        Action.REMOVE_SUPERVISION: {},
        Action.RECORD_DUAL_REPORT: {
            "reported_to_regulator": today.isoformat(),
            "reported_to_workers": today.isoformat(),
        },
        Action.RECORD_URGING: {"urging_kind": "interview", "comment": "约谈企业主要负责人"},
    }[action]


# For each action: the state to bring the hazard to, any set-up step, the role that may take it,
# a role that may not, the state expected afterwards.
CASES = {
    Action.START_RECTIFICATION: (S.REGISTERED, None, "inspector", "leader", S.RECTIFYING),
    Action.REPORT_PROGRESS: (S.RECTIFYING, None, "inspector", "leader", S.RECTIFYING),
    Action.REQUEST_EXTENSION: (S.RECTIFYING, None, "inspector", "reviewer", S.RECTIFYING),
    Action.APPROVE_EXTENSION: (S.RECTIFYING, "extension", "reviewer", "inspector", S.RECTIFYING),
    Action.REFUSE_EXTENSION: (S.RECTIFYING, "extension", "reviewer", "inspector", S.RECTIFYING),
    Action.SUBMIT_RECTIFICATION: (
        S.RECTIFYING,
        "after_photo",
        "inspector",
        "leader",
        S.AWAITING_RECHECK,
    ),
    Action.RECHECK_PASS: (S.AWAITING_RECHECK, None, "inspector", "leader", S.RECHECKED),
    Action.RECHECK_FAIL: (S.AWAITING_RECHECK, None, "inspector", "leader", S.RECTIFYING),
    Action.SIGN_OFF: (S.RECHECKED, None, "reviewer", "inspector", S.CLOSED),
    Action.LIST_SUPERVISION: (S.RECTIFYING, None, "reviewer", "inspector", S.RECTIFYING),
    Action.REMOVE_SUPERVISION: (S.CLOSED, "listed", "reviewer", "inspector", S.CLOSED),
    Action.RECORD_DUAL_REPORT: (S.REGISTERED, None, "inspector", "leader", S.REGISTERED),
    Action.RECORD_URGING: (S.RECTIFYING, None, "reviewer", "inspector", S.RECTIFYING),
}
WRONG_STATE = {
    Action.START_RECTIFICATION: S.RECTIFYING,
    Action.REPORT_PROGRESS: S.REGISTERED,
    Action.REQUEST_EXTENSION: S.AWAITING_RECHECK,
    Action.APPROVE_EXTENSION: S.AWAITING_RECHECK,
    Action.REFUSE_EXTENSION: S.AWAITING_RECHECK,
    Action.SUBMIT_RECTIFICATION: S.REGISTERED,
    Action.RECHECK_PASS: S.RECTIFYING,
    Action.RECHECK_FAIL: S.RECHECKED,
    Action.SIGN_OFF: S.AWAITING_RECHECK,
    Action.LIST_SUPERVISION: S.CLOSED,
    Action.REMOVE_SUPERVISION: S.RECHECKED,
    Action.RECORD_DUAL_REPORT: None,
    Action.RECORD_URGING: S.CLOSED,
}


def prepare(personas, state, setup, days=10):
    hazard = register(personas.inspector, days=days)
    if setup == "listed":
        advance(hazard, S.RECTIFYING, inspector=personas.inspector, reviewer=personas.reviewer)
        workflow.apply(
            hazard=hazard,
            action=Action.LIST_SUPERVISION,
            by=personas.reviewer,
            **payload_for(Action.LIST_SUPERVISION, hazard),
        )
    hazard = advance(hazard, state, inspector=personas.inspector, reviewer=personas.reviewer)
    if setup == "extension":
        workflow.apply(
            hazard=hazard,
            action=Action.REQUEST_EXTENSION,
            by=personas.inspector,
            **payload_for(Action.REQUEST_EXTENSION, hazard),
        )
    if setup == "after_photo":
        from hazards.services import hazard_add_photo
        from tests.hazard_helpers import jpeg_bytes

        hazard_add_photo(hazard=hazard, by=personas.inspector, kind="after", data=jpeg_bytes())
    hazard.refresh_from_db()
    return hazard


@pytest.mark.parametrize("action", list(CASES))
def test_allowed_and_event_written(personas, action):
    state, setup, role, _, expected = CASES[action]
    hazard = prepare(personas, state, setup)
    before = hazard.events.count()
    actor = getattr(personas, role)
    payload = {"comment": "备注", **payload_for(action, hazard)}
    event = workflow.apply(hazard=hazard, action=action, by=actor, **payload)
    hazard.refresh_from_db()
    assert hazard.state == expected
    assert hazard.events.count() == before + 1
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        action,
        state,
        expected,
        actor,
        payload["comment"],
    )


@pytest.mark.parametrize("action", [a for a, s in WRONG_STATE.items() if s])
def test_wrong_state_refused(personas, action):
    _, setup, role, _, _ = CASES[action]
    hazard = prepare(personas, WRONG_STATE[action], None)
    events = hazard.events.count()
    with pytest.raises(ServiceError) as info:
        workflow.apply(
            hazard=hazard, action=action, by=getattr(personas, role), **payload_for(action, hazard)
        )
    assert info.value.kind == "state"
    assert "不能" in info.value.message or "没有" in info.value.message
    assert hazard.events.count() == events


@pytest.mark.parametrize("action", list(CASES))
def test_wrong_role_refused(personas, action):
    state, setup, _, wrong, _ = CASES[action]
    hazard = prepare(personas, state, setup)
    events = hazard.events.count()
    with pytest.raises(ServiceError) as info:
        workflow.apply(
            hazard=hazard, action=action, by=getattr(personas, wrong), **payload_for(action, hazard)
        )
    assert info.value.kind == "role"
    hazard.refresh_from_db()
    assert hazard.state == state and hazard.events.count() == events


@pytest.mark.parametrize("action", list(CASES))
def test_out_of_scope_is_not_found(personas, action):
    state, setup, role, _, _ = CASES[action]
    hazard = prepare(personas, state, setup)
    personas.inspector_b.role = getattr(personas, role).role
    with pytest.raises(Hazard.DoesNotExist):
        workflow.apply(
            hazard=hazard, action=action, by=personas.inspector_b, **payload_for(action, hazard)
        )
    hazard.refresh_from_db()
    assert hazard.state == state


def test_department_user_cannot_touch_other_sector(personas):
    hazard = register(personas.inspector)
    with pytest.raises(Hazard.DoesNotExist):
        workflow.apply(
            hazard=hazard,
            action=Action.START_RECTIFICATION,
            by=personas.housing,
            **payload_for(Action.START_RECTIFICATION, hazard),
        )


def test_major_needs_five_implementations_plan(personas):
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError) as info:
        workflow.apply(
            hazard=hazard,
            action=Action.START_RECTIFICATION,
            by=personas.inspector,
            measures="更换探头",
        )
    # 五落实: each missing part of the plan is named, all in one refusal.
    assert list(info.value.fields) == [
        "responsible_person",
        "funds",
        "plan_deadline",
        "emergency_plan",
    ]
    assert info.value.fields["responsible_person"] == ["请填写整改责任人。"]
    hazard.refresh_from_db()
    assert hazard.state == S.REGISTERED


def test_general_hazard_starts_without_plan(personas):
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    workflow.apply(hazard=hazard, action=Action.START_RECTIFICATION, by=personas.inspector)
    hazard.refresh_from_db()
    assert hazard.state == S.RECTIFYING


def test_major_submission_needs_after_photo(personas):
    hazard = advance(
        register(personas.inspector),
        S.RECTIFYING,
        inspector=personas.inspector,
        reviewer=personas.reviewer,
    )
    with pytest.raises(ServiceError, match="整改后照片"):
        workflow.apply(
            hazard=hazard,
            action=Action.SUBMIT_RECTIFICATION,
            by=personas.inspector,
            **payload_for(Action.SUBMIT_RECTIFICATION, hazard),
        )


def test_recheck_fail_sets_new_deadline_and_returns_to_rectifying(personas):
    hazard = prepare(personas, S.AWAITING_RECHECK, None)
    new = date.today() + timedelta(days=15)
    workflow.apply(
        hazard=hazard,
        action=Action.RECHECK_FAIL,
        by=personas.inspector,
        recheck_opinion="未整改到位",
        new_deadline=new.isoformat(),
    )
    hazard.refresh_from_db()
    assert (hazard.state, hazard.current_deadline, hazard.deadline != new) == (
        S.RECTIFYING,
        new,
        True,
    )
    with pytest.raises(ServiceError, match="新的整改期限"):
        hazard = advance(
            hazard, S.AWAITING_RECHECK, inspector=personas.inspector, reviewer=personas.reviewer
        )
        workflow.apply(
            hazard=hazard,
            action=Action.RECHECK_FAIL,
            by=personas.inspector,
            recheck_opinion="仍未整改",
        )


def test_approved_extension_moves_deadline_and_clears_overdue(personas):
    with freeze_time("2026-06-01"):
        hazard = register(personas.inspector, days=5, found=date(2026, 6, 1))
        advance(hazard, S.RECTIFYING, inspector=personas.inspector, reviewer=personas.reviewer)
        workflow.apply(
            hazard=hazard,
            action=Action.REQUEST_EXTENSION,
            by=personas.inspector,
            requested_deadline="2026-07-15",
            reason="设备到货延迟",
            interim_measures="停用",
        )
        workflow.apply(
            hazard=hazard,
            action=Action.APPROVE_EXTENSION,
            by=personas.reviewer,
            approved_deadline="2026-07-10",
        )
    hazard.refresh_from_db()
    assert hazard.current_deadline == date(2026, 7, 10) and hazard.deadline == date(2026, 6, 6)
    assert hazard.extensions.get().status == ExtensionStatus.APPROVED
    with freeze_time("2026-07-01"):
        assert Hazard.objects.overdue().filter(pk=hazard.pk).count() == 0
    with freeze_time("2026-07-11"):
        assert Hazard.objects.overdue().filter(pk=hazard.pk).count() == 1


def test_extension_window_counts_working_days_with_holidays(personas, settings):
    """2026: 09-25 (中秋) and 10-01..10-07 off; 10-10 (Sat) is a make-up working day."""
    settings.HAZARD_EXTENSION_WINDOW_WORKDAYS = 5
    with freeze_time("2026-09-20"):
        hazard = register(personas.inspector, found=date(2026, 9, 20), deadline=date(2026, 10, 12))
        payload = {
            "requested_deadline": "2026-11-30",
            "reason": "节后到货",
            "interim_measures": "停用",
        }
    # After 09-25: 09-28, 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 = 7 working days: too early.
    with freeze_time("2026-09-25"):
        with pytest.raises(ServiceError, match="前 5 个工作日内"):
            workflow.apply(
                hazard=hazard, action=Action.REQUEST_EXTENSION, by=personas.inspector, **payload
            )
    # After 09-30: 10-08, 10-09, 10-10, 10-12 = 4 (plain weekdays would count 8): inside.
    with freeze_time("2026-09-30"):
        workflow.apply(
            hazard=hazard, action=Action.REQUEST_EXTENSION, by=personas.inspector, **payload
        )
    assert hazard.extensions.count() == 1


def test_extension_refused_after_deadline(personas):
    with freeze_time("2026-06-01"):
        hazard = register(personas.inspector, days=3, found=date(2026, 6, 1))
    with freeze_time("2026-06-05"), pytest.raises(ServiceError, match="期限已过"):
        workflow.apply(
            hazard=hazard,
            action=Action.REQUEST_EXTENSION,
            by=personas.inspector,
            requested_deadline="2026-07-01",
            reason="x",
            interim_measures="y",
        )


def test_second_pending_extension_refused(personas):
    hazard = prepare(personas, S.RECTIFYING, "extension")
    with pytest.raises(ServiceError, match="待审批"):
        workflow.apply(
            hazard=hazard,
            action=Action.REQUEST_EXTENSION,
            by=personas.inspector,
            **payload_for(Action.REQUEST_EXTENSION, hazard),
        )


def test_supervision_only_for_major_and_delisting_needs_same_or_higher_level(personas):
    general = register(personas.inspector, level=HazardLevel.GENERAL)
    with pytest.raises(ServiceError, match="只有重大事故隐患"):
        workflow.apply(
            hazard=general,
            action=Action.LIST_SUPERVISION,
            by=personas.reviewer,
            **payload_for(Action.LIST_SUPERVISION, general),
        )
    hazard = register(personas.inspector)
    city = {
        **payload_for(Action.LIST_SUPERVISION, hazard),
        "level": SupervisionLevel.CITY,
        "doc_no": "鄂安办督〔2026〕1号",
        "issuing_unit": "鄂尔多斯市安委办",
    }
    with pytest.raises(ServiceError, match="高于本级"):
        workflow.apply(hazard=hazard, action=Action.LIST_SUPERVISION, by=personas.reviewer, **city)
    workflow.apply(hazard=hazard, action=Action.LIST_SUPERVISION, by=personas.leader, **city)
    hazard.refresh_from_db()
    assert hazard.supervision_level == SupervisionLevel.CITY
    with pytest.raises(ServiceError, match="已挂牌"):
        workflow.apply(hazard=hazard, action=Action.LIST_SUPERVISION, by=personas.leader, **city)
    hazard = advance(hazard, S.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer)
    with pytest.raises(ServiceError, match="市级挂牌的挂牌单位或更高层级"):
        workflow.apply(hazard=hazard, action=Action.REMOVE_SUPERVISION, by=personas.reviewer)
    workflow.apply(hazard=hazard, action=Action.REMOVE_SUPERVISION, by=personas.leader)
    hazard.refresh_from_db()
    assert (
        hazard.supervision_level == "" and hazard.supervisions.get().removed_by == personas.leader
    )


def test_delisting_before_sign_off_is_refused(personas):
    hazard = prepare(personas, S.RECHECKED, "listed")
    with pytest.raises(ServiceError) as info:
        workflow.apply(hazard=hazard, action=Action.REMOVE_SUPERVISION, by=personas.reviewer)
    assert info.value.kind == "state"


def test_dual_report_recorded(personas):
    hazard = register(personas.inspector)
    workflow.apply(
        hazard=hazard,
        action=Action.RECORD_DUAL_REPORT,
        by=personas.inspector,
        reported_to_regulator="2026-01-05",
    )
    hazard.refresh_from_db()
    assert hazard.reported_to_regulator == date(2026, 1, 5) and hazard.reported_to_workers is None
    with pytest.raises(ServiceError, match="至少填写一个"):
        workflow.apply(hazard=hazard, action=Action.RECORD_DUAL_REPORT, by=personas.inspector)


def test_urging_measures_are_recorded_with_kind_date_and_doc_no(personas):
    hazard = prepare(personas, S.RECTIFYING, None)
    event = workflow.apply(
        hazard=hazard,
        action=Action.RECORD_URGING,
        by=personas.leader,
        urging_kind="letter",
        urging_date=today().isoformat(),
        urging_doc_no="鄂前安办函〔2026〕5号",
        comment="函告企业主要负责人，限 10 日内报送整改进展",
    )
    assert event.data == {
        "urging_kind": "letter",
        "urging_date": today().isoformat(),
        "urging_doc_no": "鄂前安办函〔2026〕5号",
    }
    for payload, message in [
        ({"urging_kind": "fine", "comment": "x"}, "督促方式"),
        ({"urging_kind": "interview"}, "督促内容"),
        (
            {
                "urging_kind": "interview",
                "comment": "x",
                "urging_date": (today() + timedelta(days=1)).isoformat(),
            },
            "不能晚于今天",
        ),
        ({"urging_kind": "bulletin", "comment": "x", "urging_date": "2026-02-30"}, "有效日期"),
    ]:
        with pytest.raises(ServiceError, match=message):
            workflow.apply(
                hazard=hazard, action=Action.RECORD_URGING, by=personas.reviewer, **payload
            )
    assert hazard.events.filter(action=Action.RECORD_URGING).count() == 1


def test_available_lists_only_permitted_steps(personas):
    hazard = prepare(personas, S.RECHECKED, None)
    assert {t.action for t in workflow.available(hazard, personas.reviewer)} == {
        Action.SIGN_OFF,
        Action.LIST_SUPERVISION,
        Action.RECORD_DUAL_REPORT,
        Action.RECORD_URGING,
    }
    assert {t.action for t in workflow.available(hazard, personas.inspector)} == {
        Action.RECORD_DUAL_REPORT
    }
    assert {t.action for t in workflow.available(hazard, personas.leader)} == {
        Action.LIST_SUPERVISION,
        Action.RECORD_URGING,
    }


def test_unknown_action_is_a_clear_error(personas):
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError, match="未知的操作"):
        workflow.apply(hazard=hazard, action="delete-everything", by=personas.admin)


def test_every_step_is_on_the_timeline(personas):
    hazard = prepare(personas, S.RECTIFYING, "extension")
    workflow.apply(hazard=hazard, action=Action.APPROVE_EXTENSION, by=personas.reviewer)
    advance(hazard, S.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer)
    actions = list(HazardEvent.objects.filter(hazard=hazard).values_list("action", flat=True))
    assert actions == [
        "register",
        "start-rectification",
        "request-extension",
        "approve-extension",
        "add-photo",
        "submit-rectification",
        "recheck-pass",
        "sign-off",
    ]

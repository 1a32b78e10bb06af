"""待我处理 and progress reports under 挂牌督办: a listed hazard being rectified whose progress
report is late waits, labelled 进展报告逾期, for the people who handle it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from hazards import workflow
from hazards.choices import Action, HazardState
from hazards.services import hazard_queue, progress_reports_due, queue_reasons
from tests.factories import UserFactory
from tests.hazard_helpers import advance, register

pytestmark = pytest.mark.django_db


def _listed(personas, state=HazardState.RECTIFYING):
    hazard = register(personas.inspector, days=300)
    advance(hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    workflow.apply(
        hazard=hazard,
        action=Action.LIST_SUPERVISION,
        by=personas.reviewer,
        level="county",
        doc_no="鄂前安办督〔2026〕9号",
        issuing_unit="鄂托克前旗安委办",
        deadline=hazard.current_deadline.isoformat(),
    )
    if state == HazardState.AWAITING_RECHECK:
        hazard.refresh_from_db()
        advance(hazard, state, inspector=personas.inspector, reviewer=None)
    hazard.refresh_from_db()
    return hazard


def _request_extension(hazard, by):
    """Ask for 20 more days (the caller sets the day)."""
    workflow.apply(
        hazard=hazard,
        action=Action.REQUEST_EXTENSION,
        by=by,
        requested_deadline=(hazard.current_deadline + timedelta(days=20)).isoformat(),
        reason="设备到货延迟",
        interim_measures="停用储罐并专人值守",
    )


def _report_progress(hazard, by, capture_on_commit):
    """A progress report that commits (and gives the county a new data version), as on a page."""
    with capture_on_commit(execute=True):
        workflow.apply(
            hazard=hazard, action=Action.REPORT_PROGRESS, by=by, comment="设备已到货，正在安装"
        )


def _reasons(hazard, user):
    return queue_reasons([hazard], user)[hazard.pk]


def test_a_late_progress_report_puts_the_listed_hazard_in_the_queue_of_those_who_handle_it(
    personas, django_capture_on_commit_callbacks
):
    hazard = _listed(personas)
    other_reviewer = UserFactory(
        username="reviewer2", role="reviewer", department=personas.reviewer.department
    )
    listed = timezone.localdate()
    with freeze_time(listed + timedelta(days=90)):
        # Due today, not late: the reviewer who listed it has nothing to do yet.
        assert hazard not in hazard_queue(personas.reviewer)
        assert "进展报告逾期" not in _reasons(hazard, personas.inspector)
    with freeze_time(listed + timedelta(days=91)):
        assert progress_reports_due([hazard])[hazard.pk].late_days == 1
        assert hazard in hazard_queue(personas.reviewer)
        assert _reasons(hazard, personas.reviewer) == ["进展报告逾期"]
        assert _reasons(hazard, personas.inspector) == ["进展报告逾期", "整改中，待提交整改结果"]
        # A reviewer who never handled it sees it only in the unit's queue.
        assert hazard not in hazard_queue(other_reviewer)
        assert hazard in hazard_queue(other_reviewer, mine=False)
        # Nobody outside the county sees it.
        assert hazard not in hazard_queue(personas.inspector_b, mine=False)
        _report_progress(hazard, personas.inspector, django_capture_on_commit_callbacks)
        assert hazard not in hazard_queue(personas.reviewer, mine=False)
        assert _reasons(hazard, personas.inspector) == ["整改中，待提交整改结果"]


def _supervision_reads(queries) -> int:
    return sum('FROM "hazards_supervision"' in q["sql"] for q in queries)


def test_a_county_reckons_its_late_progress_reports_once_per_data_version_and_day(
    personas, django_capture_on_commit_callbacks
):
    """The queue (and its badge on every page) asks which listings are late: the answer is kept
    until a step in the county gives it a new data version, or the day changes."""
    hazard = _listed(personas)
    listed = timezone.localdate()
    with freeze_time(listed + timedelta(days=91)):
        with CaptureQueriesContext(connection) as first:
            assert hazard in hazard_queue(personas.reviewer, mine=False)
        with CaptureQueriesContext(connection) as again:
            assert hazard in hazard_queue(personas.reviewer, mine=False)
        assert (_supervision_reads(first), _supervision_reads(again)) == (1, 0)
        # Another user of the same county and role shares the answer.
        colleague = UserFactory(
            username="reviewer2", role="reviewer", department=personas.reviewer.department
        )
        with CaptureQueriesContext(connection) as shared:
            assert hazard in hazard_queue(colleague, mine=False)
        assert _supervision_reads(shared) == 0
        _report_progress(hazard, personas.inspector, django_capture_on_commit_callbacks)
        with CaptureQueriesContext(connection) as after_step:
            assert hazard not in hazard_queue(personas.reviewer, mine=False)
        assert _supervision_reads(after_step) == 1
    with freeze_time(listed + timedelta(days=91 + 91)):
        # The next report is late 91 days later: a new day is reckoned anew.
        assert hazard in hazard_queue(personas.reviewer, mine=False)


def test_a_hazard_whose_rectification_is_submitted_owes_no_progress_report(personas):
    """Progress is reported while the hazard is rectified (整改中); once the enterprise has
    submitted its rectification (待复查) the re-check is what it waits for."""
    hazard = _listed(personas, state=HazardState.AWAITING_RECHECK)
    assert hazard.state == HazardState.AWAITING_RECHECK and hazard.supervision_level
    with freeze_time(timezone.localdate() + timedelta(days=200)):
        assert progress_reports_due([hazard]) == {}
        assert _reasons(hazard, personas.inspector) == ["待复查"]
        assert _reasons(hazard, personas.reviewer) == ["待复查"]


def test_a_listed_hazard_not_yet_under_rectification_owes_no_progress_report(personas):
    hazard = register(personas.inspector, days=300)
    workflow.apply(
        hazard=hazard,
        action=Action.LIST_SUPERVISION,
        by=personas.reviewer,
        level="county",
        doc_no="鄂前安办督〔2026〕10号",
        issuing_unit="鄂托克前旗安委办",
        deadline=hazard.current_deadline.isoformat(),
    )
    hazard.refresh_from_db()
    with freeze_time(timezone.localdate() + timedelta(days=120)):
        assert progress_reports_due([hazard]) == {}
        assert _reasons(hazard, personas.inspector) == ["待录入整改方案"]


def test_a_request_that_can_no_longer_be_decided_does_not_wait_for_approval(personas):
    """延期 is decided while the hazard is 已登记 or 整改中; once the rectification is submitted
    the request cannot be approved, so the hazard waits for its re-check, not for approval."""
    hazard = register(personas.inspector, days=30)
    advance(hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    later = hazard.current_deadline - timedelta(days=3)
    with freeze_time(later):
        _request_extension(hazard, personas.inspector)
        assert _reasons(hazard, personas.reviewer) == ["延期待审批"]
        assert hazard in hazard_queue(personas.reviewer)
        hazard.refresh_from_db()
        advance(hazard, HazardState.AWAITING_RECHECK, inspector=personas.inspector, reviewer=None)
        hazard.refresh_from_db()
        assert _reasons(hazard, personas.reviewer) == ["待复查"]
        assert hazard in hazard_queue(personas.reviewer, mine=False)


def test_the_unit_queue_holds_exactly_the_hazards_with_a_reason_to_wait(personas):
    """Each step's condition is said within the states the whole queue reads: a hazard is in
    the unit's 待我处理 of a role exactly when it has a reason to wait for that role, in every
    state and with every kind of reason (plain step, extension request, basis to confirm)."""
    hazards = []
    for state in (
        HazardState.REGISTERED,
        HazardState.RECTIFYING,
        HazardState.AWAITING_RECHECK,
        HazardState.RECHECKED,
        HazardState.CLOSED,
    ):
        for other_basis in ("", "《安全生产法》第四十一条"):
            if other_basis and state == HazardState.CLOSED:
                continue  # closed only once its basis was confirmed
            fields = {"clause": None, "other_basis": other_basis} if other_basis else {}
            hazard = register(personas.inspector, days=60, **fields)
            advance(hazard, state, inspector=personas.inspector, reviewer=personas.reviewer)
            hazard.refresh_from_db()
            hazards.append(hazard)
    pending = register(personas.inspector, days=30)
    advance(pending, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    with freeze_time(pending.current_deadline - timedelta(days=3)):
        _request_extension(pending, personas.inspector)
    pending.refresh_from_db()
    hazards.append(pending)
    for user in (personas.reviewer, personas.inspector, personas.admin):
        reasons = queue_reasons(hazards, user)
        expected = {h.pk for h in hazards if reasons[h.pk]}
        assert {h.pk for h in hazard_queue(user, mine=False)} == expected, user.role
        assert expected and expected != {h.pk for h in hazards}

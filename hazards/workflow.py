"""The hazard workflow as one table: (from states, action) → to state, with the roles allowed.

`apply()` is the only way a hazard changes state: it locks the row, checks state, role and the
transition's guard, lets the handler validate its input and set fields, saves, and writes a
HazardEvent. Views, API actions, tasks and commands all call it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.choices import Role
from core.errors import Kind, ServiceError

from . import steps
from .choices import (
    OPEN_STATES,
    Action,
    HazardLevel,
    HazardState,
    PhotoKind,
)
from .models import Hazard, HazardEvent
from .versioning import bump_on_commit

S = HazardState
R = Role


Handler = Callable[[Hazard, Any, dict], dict]
Guard = Callable[[Hazard, Any], str | None]


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[str]
    target: str | None  # None: the state stays as it is
    roles: frozenset[str]
    handler: Handler
    major_only: bool = False
    guard: Guard | None = None
    fields: tuple[str, ...] = field(default=())  # inputs, for forms and the API schema


OPEN = frozenset(OPEN_STATES)
FIELD_STAFF = frozenset({R.INSPECTOR, R.REVIEWER, R.ADMIN})
# The enterprise rectifies its own hazards (五落实 plan, progress, extension, 申请销号); it never
# re-checks, signs off, lists or approves: those steps do not name it.
RECTIFIERS = FIELD_STAFF | {R.ENTERPRISE}
REVIEWERS = frozenset({R.REVIEWER, R.ADMIN})
LISTERS = frozenset({R.REVIEWER, R.LEADER, R.ADMIN})

TABLE: dict[Action, Transition] = {
    t.action: t
    for t in [
        Transition(
            Action.START_RECTIFICATION,
            frozenset({S.REGISTERED}),
            S.RECTIFYING,
            RECTIFIERS,
            steps.start_rectification,
            fields=(
                "measures",
                "responsible_person",
                "funds",
                "plan_deadline",
                "emergency_plan",
                "stoppage",
            ),
        ),
        Transition(
            Action.REPORT_PROGRESS,
            frozenset({S.RECTIFYING}),
            None,
            RECTIFIERS,
            steps.report_progress,
            fields=("comment",),
        ),
        Transition(
            Action.REQUEST_EXTENSION,
            frozenset({S.REGISTERED, S.RECTIFYING}),
            None,
            frozenset({R.INSPECTOR, R.ADMIN, R.ENTERPRISE}),
            steps.request_extension,
            guard=steps.extension_guard,
            fields=("requested_deadline", "reason", "interim_measures"),
        ),
        Transition(
            Action.APPROVE_EXTENSION,
            frozenset({S.REGISTERED, S.RECTIFYING}),
            None,
            REVIEWERS,
            steps.approve_extension,
            guard=steps.can_decide_extension,
            fields=("approved_deadline", "comment"),
        ),
        Transition(
            Action.REFUSE_EXTENSION,
            frozenset({S.REGISTERED, S.RECTIFYING}),
            None,
            REVIEWERS,
            steps.refuse_extension,
            guard=steps.can_decide_extension,
            fields=("comment",),
        ),
        Transition(
            Action.SUBMIT_RECTIFICATION,
            frozenset({S.RECTIFYING}),
            S.AWAITING_RECHECK,
            RECTIFIERS,
            steps.submit_rectification,
            fields=("completed_date", "completion_note", "funds_spent", "assessment"),
        ),
        Transition(
            Action.RECHECK_PASS,
            frozenset({S.AWAITING_RECHECK}),
            S.RECHECKED,
            FIELD_STAFF,
            steps.recheck_pass,
            fields=("recheck_opinion", "recheck_date"),
        ),
        Transition(
            Action.RECHECK_FAIL,
            frozenset({S.AWAITING_RECHECK}),
            S.RECTIFYING,
            FIELD_STAFF,
            steps.recheck_fail,
            fields=("recheck_opinion", "recheck_date", "new_deadline"),
        ),
        Transition(
            Action.CONFIRM_BASIS,
            OPEN,
            None,
            REVIEWERS,
            steps.confirm_basis,
            major_only=True,
            guard=steps.basis_awaits_confirmation,
            fields=("comment",),
        ),
        Transition(
            Action.SIGN_OFF,
            frozenset({S.RECHECKED}),
            S.CLOSED,
            REVIEWERS,
            steps.sign_off,
            guard=steps.basis_confirmed,
            fields=("comment",),
        ),
        Transition(
            Action.LIST_SUPERVISION,
            OPEN,
            None,
            LISTERS,
            steps.list_supervision,
            major_only=True,
            guard=steps.not_listed,
            fields=("level", "doc_no", "issuing_unit", "signer", "deadline"),
        ),
        Transition(
            Action.REMOVE_SUPERVISION,
            frozenset({S.CLOSED}),
            None,
            LISTERS,
            steps.remove_supervision,
            major_only=True,
            guard=steps.listed_and_outranked,
            fields=("comment",),
        ),
        Transition(
            Action.RECORD_DUAL_REPORT,
            OPEN | {S.CLOSED},
            None,
            FIELD_STAFF,
            steps.record_dual_report,
            major_only=True,
            fields=("reported_to_regulator", "reported_to_workers"),
        ),
        Transition(
            Action.RECORD_URGING,
            OPEN,
            None,
            LISTERS,
            steps.record_urging,
            fields=("urging_kind", "urging_date", "urging_doc_no", "comment"),
        ),
    ]
}
# Steps that are not state changes but are still allowed per state and role.
EDIT_STATES = frozenset({S.REGISTERED, S.RECTIFYING})
PHOTO_STATES = {
    PhotoKind.BEFORE: frozenset({S.REGISTERED, S.RECTIFYING}),
    PhotoKind.AFTER: frozenset({S.RECTIFYING, S.AWAITING_RECHECK}),
}
# 双报告 to the workers' congress (date and minutes file, hazards.minutes): not a state change.
# The enterprise records its own; field staff may record it for the enterprise. Major hazards only.
WORKERS_REPORT_ROLES = frozenset({R.INSPECTOR, R.REVIEWER, R.ADMIN, R.ENTERPRISE})
WORKERS_REPORT_STATES = OPEN | {S.CLOSED}


def refusal(hazard: Hazard, transition: Transition, by) -> ServiceError | None:
    """Why this user may not take this step now, or None when they may."""
    if hazard.state not in transition.sources:
        return ServiceError(
            f"隐患当前状态为“{hazard.get_state_display()}”，不能{transition.action.label}。",
            kind=Kind.STATE,
        )
    if not by.has_role(*transition.roles):
        return ServiceError(
            f"您的角色（{by.get_role_display()}）不能{transition.action.label}。", kind=Kind.ROLE
        )
    if transition.major_only and hazard.level != HazardLevel.MAJOR:
        return ServiceError(f"只有重大事故隐患才能{transition.action.label}。", kind=Kind.STATE)
    if transition.guard and (reason := transition.guard(hazard, by)):
        return ServiceError(reason, kind=Kind.STATE)
    return None


def available(hazard: Hazard, by) -> list[Transition]:
    return options(hazard, by)[0]


# Steps whose unavailability the hazard page explains, to those who could otherwise take them.
EXPLAINED = (Action.REQUEST_EXTENSION,)


@dataclass(frozen=True)
class Blocked:
    action: Action
    label: str
    reason: str


def blocked(hazard: Hazard, by) -> list[Blocked]:
    """The explained steps this user takes in this state and role but may not take now, each
    with its guard's reason (a wrong state or role is not explained: the step is not theirs)."""
    return options(hazard, by)[1]


def options(hazard: Hazard, by) -> tuple[list[Transition], list[Blocked]]:
    """The steps this user may take now, and the explained ones they may not (`blocked`), with
    each step's guard run once: a guard may read the database."""
    steps, explained = [], []
    for transition in TABLE.values():
        problem = refusal(hazard, transition, by)
        if problem is None:
            steps.append(transition)
        elif (
            transition.action in EXPLAINED
            and hazard.state in transition.sources
            and by.has_role(*transition.roles)
            and not (transition.major_only and hazard.level != HazardLevel.MAJOR)
        ):
            # State, role and level allow it: what refused it is the guard.
            explained.append(Blocked(transition.action, transition.action.label, problem.message))
    return steps, explained


def apply(
    *, hazard: Hazard | int, action: str, by, comment: str = "", **payload: Any
) -> HazardEvent:
    """Take one workflow step on a hazard the user can see, or raise ServiceError.

    Raises Hazard.DoesNotExist when the hazard is outside the user's scope.
    """
    try:
        transition = TABLE[Action(action)]
    except (ValueError, KeyError) as exc:
        raise ServiceError(f"未知的操作：{action}", kind=Kind.STATE) from exc
    pk = hazard.pk if isinstance(hazard, Hazard) else hazard
    with transaction.atomic():
        locked = Hazard.objects.for_user(by).select_for_update(of=("self",)).get(pk=pk)
        if error := refusal(locked, transition, by):
            raise error
        data = transition.handler(locked, by, {**payload, "comment": comment})
        from_state = locked.state
        if transition.target:
            locked.state = transition.target
        locked._history_user = by
        locked.save()
        bump_on_commit([locked.region_id])
        return HazardEvent.objects.create(
            hazard=locked,
            action=transition.action,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            comment=comment.strip(),
            data=data,
        )

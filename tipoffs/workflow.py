"""The handling of a public report as one table: (from states, action) → to state, with the
roles allowed and the inputs each step takes.

`apply()` is the only way a report changes state: it locks the row (scoped to the user), checks
state and role, lets the step validate its input and set fields, saves, and writes a TipoffEvent.
Pages and the API both call it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from core.errors import Kind, ServiceError

from . import steps
from .choices import TipoffAction, TipoffState
from .models import Tipoff, TipoffEvent

S = TipoffState
A = TipoffAction
# County staff who handle reports; the same people may see a reporter's phone number.
HANDLERS = frozenset({Role.INSPECTOR, Role.REVIEWER, Role.ADMIN})
# Who approves a reward (never the person who recorded it: services.reward_approve).
APPROVERS = frozenset({Role.REVIEWER, Role.ADMIN})

Handler = Callable[[Tipoff, Any, dict], str]


@dataclass(frozen=True)
class Transition:
    action: TipoffAction
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    handler: Handler
    fields: tuple[str, ...] = ()


TABLE: dict[TipoffAction, Transition] = {
    t.action: t
    for t in [
        Transition(A.ACCEPT, frozenset({S.NEW}), S.ACCEPTED, HANDLERS, steps.accept, ("comment",)),
        Transition(
            A.REJECT,
            frozenset({S.NEW, S.ACCEPTED}),
            S.REJECTED,
            HANDLERS,
            steps.reject,
            ("reason",),
        ),
        Transition(
            A.TRANSFER,
            frozenset({S.NEW, S.ACCEPTED}),
            S.TRANSFERRED,
            HANDLERS,
            steps.transfer,
            ("sector", "enterprise", "comment"),
        ),
        Transition(
            A.VERIFY,
            frozenset({S.ACCEPTED, S.TRANSFERRED}),
            S.VERIFIED,
            HANDLERS,
            steps.verify,
            (
                "enterprise",
                "level",
                "clause",
                "other_basis",
                "place",
                "description",
                "deadline",
                "finding",
            ),
        ),
        Transition(
            A.NOT_VERIFIED,
            frozenset({S.ACCEPTED, S.TRANSFERRED}),
            S.NOT_VERIFIED,
            HANDLERS,
            steps.not_verified,
            ("finding",),
        ),
    ]
}


def available(tipoff: Tipoff, user) -> list[Transition]:
    """The steps this user may take on this report now (for buttons and the API detail)."""
    return [t for t in TABLE.values() if tipoff.state in t.sources and user.has_role(*t.roles)]


def apply(*, tipoff: Tipoff | int, action: str, by, **data: Any) -> Tipoff:
    """Take one step on a report the user can see, or raise ServiceError saying why not."""
    try:
        transition = TABLE[TipoffAction(action)]
    except (KeyError, ValueError) as exc:
        raise ServiceError("没有这个操作。", kind=Kind.SCOPE) from exc
    pk = tipoff.pk if isinstance(tipoff, Tipoff) else tipoff
    with transaction.atomic():
        row = Tipoff.objects.for_user(by).select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None:
            raise ServiceError("未找到该举报，或不在您的管辖范围内。", kind=Kind.SCOPE)
        if not by.has_role(*transition.roles):
            raise ServiceError(f"您的角色不能{transition.action.label}。", kind=Kind.ROLE)
        if row.state not in transition.sources:
            raise ServiceError(
                f"举报当前状态为“{row.get_state_display()}”，不能{transition.action.label}。",
                kind=Kind.STATE,
            )
        from_state = row.state
        comment = transition.handler(row, by, data)
        row.state = transition.target
        row.state_changed_at = timezone.now()
        row.save()
        TipoffEvent.objects.create(
            tipoff=row,
            action=transition.action,
            from_state=from_state,
            to_state=row.state,
            actor=by,
            comment=comment,
        )
    return row

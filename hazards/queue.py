"""待我处理: what waits for this user, and why each hazard waits.

By default the queue is personal: hazards this user found or has acted on. The unit view
(`mine=False`) shows everything in the user's scope waiting for their role. Approving an
extension, confirming a basis and signing off are the unit's reviewers' shared work: they are
in a reviewer's personal queue whoever found the hazard. A listed hazard whose progress report
is late (进展报告逾期) waits for a progress report from the inspectors and reviewers who
handle it (whoever found it, listed it or acted on it).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.choices import Role
from core.scoping import scope_key

from . import versioning
from .choices import Action, ExtensionStatus
from .models import ExtensionRequest, Hazard, HazardEvent
from .progress import REPORTING_STATES, ProgressDue, progress_reports_due
from .workflow import TABLE

# What each role is expected to act on; admins see everything waiting for anyone.
QUEUE_ACTIONS = {
    Role.INSPECTOR: (
        Action.START_RECTIFICATION,
        Action.REPORT_PROGRESS,
        Action.SUBMIT_RECTIFICATION,
        Action.RECHECK_PASS,
    ),
    Role.REVIEWER: (
        Action.REPORT_PROGRESS,
        Action.RECHECK_PASS,
        Action.SIGN_OFF,
        Action.APPROVE_EXTENSION,
        Action.CONFIRM_BASIS,
    ),
}
# Steps that belong to the unit's reviewers as a whole, not to whoever found the hazard.
UNIT_ACTIONS = frozenset({Action.SIGN_OFF, Action.APPROVE_EXTENSION, Action.CONFIRM_BASIS})
# Why a hazard waits, by the step it waits for.
REASONS = {
    Action.APPROVE_EXTENSION: "延期待审批",
    Action.CONFIRM_BASIS: "判定依据待确认",
    Action.START_RECTIFICATION: "待录入整改方案",
    Action.REPORT_PROGRESS: "进展报告逾期",
    Action.SUBMIT_RECTIFICATION: "整改中，待提交整改结果",
    Action.RECHECK_PASS: "待复查",
    Action.SIGN_OFF: "待销号",
}


def queue_actions(user) -> tuple[Action, ...]:
    if user.is_superuser or user.role == Role.ADMIN:
        return tuple(dict.fromkeys(a for group in QUEUE_ACTIONS.values() for a in group))
    return QUEUE_ACTIONS.get(user.role, ())


# Changes outside the services (the Django admin, raw SQL) bump no version: they show within this.
LATE_CACHE_SECONDS = 300


def late_progress_reports(user) -> set[int]:
    """The listed hazards in this user's scope whose progress report is overdue. Listings are
    few (a county lists tens of hazards, not thousands), so the lateness is reckoned in Python,
    the same way the hazard pages reckon it. Kept per scope, data version and day: a progress
    report, a listing or a removal is a workflow step and gives the scope a new version, and
    lateness otherwise changes only with the date."""
    today = timezone.localdate()
    key = f"queue-late:{scope_key(user)}:{versioning.user_version(user)}:{today.isoformat()}"
    late = cache.get(key)
    if late is None:
        listed = (
            Hazard.objects.for_user(user)
            .filter(state__in=REPORTING_STATES)
            .exclude(supervision_level="")
            .only("pk", "state", "supervision_level")
        )
        due = progress_reports_due(listed, today)
        late = sorted(pk for pk, d in due.items() if d.late_days)
        cache.set(key, late, LATE_CACHE_SECONDS)
    return set(late)


# Any state at all (Django compiles "not in nothing" to no condition; an empty Q() would instead
# be dropped from an OR and match nothing).
ANY_STATE = ~Q(pk__in=[])


def _in_sources(action: Action, within: frozenset[str]) -> Q:
    """The hazard is in a state `action` is taken from, among the states `within` that the whole
    queue is already limited to. Said as "not in the other states", which no index answers:
    PostgreSQL then reads the area's open hazards in deadline order (the open-deadline index)
    instead of combining the state index over the whole province for each step."""
    others = within - TABLE[action].sources
    return ~Q(state__in=sorted(others)) if others else ANY_STATE


def _waits_for(action: Action, user, within: frozenset[str]) -> Q:
    if action == Action.REPORT_PROGRESS:
        return Q(pk__in=late_progress_reports(user))
    if action == Action.APPROVE_EXTENSION:
        pending = ExtensionRequest.objects.filter(
            hazard=OuterRef("pk"), status=ExtensionStatus.PENDING
        )
        return _in_sources(action, within) & Q(Exists(pending))
    if action == Action.CONFIRM_BASIS:
        return _in_sources(action, within) & ~Q(other_basis="") & Q(basis_confirmed_at__isnull=True)
    return _in_sources(action, within)


def hazard_queue(user, *, mine: bool = True) -> QuerySet[Hazard]:
    """Hazards waiting for a step this user's role is expected to take, within their scope;
    with `mine`, only those the user found or acted on (and the unit's shared reviewer steps)."""
    involved = Q(found_by=user) | Q(
        Exists(HazardEvent.objects.filter(hazard=OuterRef("pk"), actor=user))
    )
    actions = queue_actions(user)
    # A hazard waits for a step only in a state the step is taken from: the queue reads only
    # the hazards of the area in one of those states, and each step's condition narrows them.
    states = frozenset().union(*(TABLE[action].sources for action in actions))
    condition = Q(pk__in=[])
    for action in actions:
        waits = _waits_for(action, user, states)
        if mine and action not in UNIT_ACTIONS:
            waits &= involved
        condition |= waits
    return Hazard.objects.for_user(user).filter(state__in=sorted(states)).filter(condition)


def queue_reasons(hazards, user, due: dict[int, ProgressDue] | None = None) -> dict[int, list[str]]:
    """Why each of these hazards waits for this user: one query for the pending extensions, and
    one for the progress reports due unless `due` (progress_reports_due of these hazards) is
    given."""
    actions = queue_actions(user)
    ids = [h.pk for h in hazards]
    pending = set(
        ExtensionRequest.objects.filter(
            hazard_id__in=ids, status=ExtensionStatus.PENDING
        ).values_list("hazard_id", flat=True)
    )
    if due is None:
        due = progress_reports_due(hazards)
    late = {pk for pk, d in due.items() if d.late_days}
    reasons: dict[int, list[str]] = {}
    for hazard in hazards:
        found = []
        for action in actions:
            if action == Action.REPORT_PROGRESS:
                waits = hazard.pk in late
            elif action == Action.APPROVE_EXTENSION:
                waits = hazard.state in TABLE[action].sources and hazard.pk in pending
            elif action == Action.CONFIRM_BASIS:
                waits = (
                    hazard.state in TABLE[action].sources
                    and bool(hazard.other_basis)
                    and hazard.basis_confirmed_at is None
                )
            else:
                waits = hazard.state in TABLE[action].sources
            if waits:
                found.append(REASONS[action])
        reasons[hazard.pk] = found
    return reasons

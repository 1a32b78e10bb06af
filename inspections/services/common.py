"""What the inspection services share: who may do what, and finding the object a step is about."""

from __future__ import annotations

from accounts.choices import Role
from core.errors import Kind, ServiceError

from ..models import Inspection

PLAN_ROLES = frozenset({Role.REVIEWER, Role.LEADER, Role.ADMIN})
DRAW_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})
VISIT_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER, Role.ADMIN})
INSPECTOR_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER})
# Who may declare a conflict of interest (回避) for someone else than themselves.
CONFLICT_MANAGERS = frozenset({Role.REVIEWER, Role.ADMIN})


def require_role(user, roles, what: str) -> None:
    if not user.has_role(*roles):
        raise ServiceError(f"您的角色不能{what}。", kind=Kind.ROLE)


def pk_of(value) -> int:
    return value.pk if hasattr(value, "pk") else int(value)


def inspection_for_user(by, inspection, *, lock: bool = False) -> Inspection:
    """A visit in the user's scope (or Inspection.DoesNotExist), locked when it is changed."""
    qs = Inspection.objects.for_user(by)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.select_related("enterprise", "sector").get(pk=pk_of(inspection))

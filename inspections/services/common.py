"""What the inspection services share: who may do what, where a department may enforce
(三管三必须), finding the object a step is about, and the one log line each step leaves."""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from accounts.choices import Role
from core.choices import DepartmentKind
from core.errors import Kind, ServiceError
from core.models import Department, Region, Sector
from enterprises.models import Enterprise

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
    return qs.select_related("enterprise__region", "sector", "department").get(pk=pk_of(inspection))


# ---------------------------------------------------------------- jurisdiction (三管三必须)


def responsible_department(sector: Sector, region: Region) -> str:
    """The department that supervises `sector` where `region` is: the nearest one of its kind
    from the region up, or the kind's name when none is registered."""
    codes, node = [], region
    while node is not None:
        codes.append(node.code)
        node = node.parent
    found = Department.objects.filter(kind=sector.supervisor_kind, region__in=codes)
    nearest = max(found, key=lambda d: len(d.region_id), default=None)
    return nearest.name if nearest else DepartmentKind(sector.supervisor_kind).label


def _out_of_scope(
    department: Department, enterprise: Enterprise, sector: Sector, what: str, field: str | None
) -> ServiceError:
    responsible = responsible_department(sector, enterprise.region)
    return ServiceError(
        f"“{enterprise.name}”属于{sector.name}行业，由{responsible}监管，"
        f"{department.name}不能对其{what}。",
        kind=Kind.ROLE,
        field=field,
    )


def enforcement_sector(
    department: Department, enterprise: Enterprise, *, what: str, field: str | None = None
) -> Sector:
    """The sector in which `department` may enforce on `enterprise` (三管三必须): its main
    sector when the department supervises it, else the first of its other sectors that it
    does. Refused (403), naming the responsible department, when it supervises none of them.
    Seeing an enterprise is wider: 应急 bureaus see every sector but enforce only on theirs."""
    supervised = set(department.sector_ids())
    if enterprise.sector_id in supervised:
        return enterprise.sector
    for sector in enterprise.other_sectors.order_by("order", "code"):
        if sector.pk in supervised:
            return sector
    raise _out_of_scope(department, enterprise, enterprise.sector, what, field)


def check_enforcement_scope(inspection: Inspection, *, what: str) -> None:
    """A step of a visit (findings, documents) only in a sector the visit's department
    supervises: a visit recorded before the rule, or whose department changed, is refused."""
    if inspection.sector_id not in inspection.department.sector_ids():
        raise _out_of_scope(
            inspection.department, inspection.enterprise, inspection.sector, what, None
        )


# ---------------------------------------------------------------- log lines

# How deep in service steps the current call is: a step that calls another (scheduling a drawn
# target schedules a visit) logs the refusal once, at the step the user asked for.
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("inspection_step_depth", default=0)


def who(user) -> str:
    return f"{user.get_username()} (#{user.pk})" if user is not None else "system"


def ref(value) -> str:
    """An object or id as "#id" for a log line (never fails: the line must not hide an error)."""
    return f"#{getattr(value, 'pk', value)}"


def logged(
    logger: logging.Logger,
    what: str,
    *,
    about: Callable[[dict], str] | None = None,
    done: Callable[[Any], str] | None = None,
    done_level: Callable[[Any], int] | None = None,
    refusal_level: int = logging.INFO,
):
    """Log one line per call of a service step, with who, what and how long: always when the
    step is refused (a ServiceError, or an object not found in the user's scope), and on
    success when `done` describes the result. `about` names the object of the call from its
    arguments (by name), `who` is its `by` argument."""

    def decorate(step):
        signature = inspect.signature(step)

        @functools.wraps(step)
        def run(*args, **kwargs):
            started = time.perf_counter()
            token = _depth.set(_depth.get() + 1)
            try:
                result = step(*args, **kwargs)
            except (ServiceError, ObjectDoesNotExist) as exc:
                if _depth.get() == 1:
                    reason = (
                        f"{exc.message} [{exc.kind}]"
                        if isinstance(exc, ServiceError)
                        else f"{exc} [{Kind.SCOPE}]"
                    )
                    call = _call(signature, args, kwargs)
                    logger.log(
                        refusal_level,
                        "%s refused: %s — by %s, %d ms",
                        _subject(what, about, call),
                        reason,
                        who(call.get("by")),
                        _ms(started),
                    )
                raise
            finally:
                _depth.reset(token)
            if done is not None:
                call = _call(signature, args, kwargs)
                logger.log(
                    done_level(result) if done_level else logging.INFO,
                    "%s: %s — by %s, %d ms",
                    _subject(what, about, call),
                    done(result),
                    who(call.get("by")),
                    _ms(started),
                )
            return result

        return run

    return decorate


def _call(signature: inspect.Signature, args, kwargs) -> dict:
    try:
        return dict(signature.bind(*args, **kwargs).arguments)
    except TypeError:
        return dict(kwargs)


def _subject(what: str, about, call: dict) -> str:
    return f"{what} {about(call)}" if about is not None else what


def _ms(started: float) -> int:
    return round(1000 * (time.perf_counter() - started))

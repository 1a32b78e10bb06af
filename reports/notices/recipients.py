"""Who signs a notice and who is told about it.

A Directory reads the names of a county's units and its active users once: the daily run makes
one for the whole run, so a county with hundreds of due hazards is read once, not per notice.
"""

from __future__ import annotations

import functools

from accounts.choices import Role
from accounts.models import User
from core.choices import DepartmentKind
from core.models import Department, Region
from hazards.models import Hazard

from ..choices import NoticeStep
from ..models import Notice
from .steps import REVIEWER_STEPS, county_of, is_reminder


def _unit_name(region: Region, kind: str, fallback: str) -> str:
    """The name of a region's department of a kind, or the usual name of such a unit."""
    department = Department.objects.filter(region=region, kind=kind).order_by("pk").first()
    return department.name if department else f"{region.name}{fallback}"


def _active_users_in(region: Region) -> list[User]:
    """Active users of a region's subtree."""
    return list(
        User.objects.filter(is_active=True, region__code__startswith=region.prefix)
        .select_related("region", "department")
        .order_by("pk")
    )


class Directory:
    """Unit names and active users per region, each read once for the directory's lifetime."""

    def __init__(self) -> None:
        self.unit = functools.cache(_unit_name)
        self.users_in = functools.cache(_active_users_in)

    def emergency_bureau(self, county: Region) -> str:
        return self.unit(county, DepartmentKind.EMERGENCY, "应急管理局")

    def safety_office(self, region: Region) -> str:
        return self.unit(region, DepartmentKind.SAFETY_OFFICE, "安全生产委员会办公室")


def user_sees(user: User, hazard: Hazard) -> bool:
    if not user.is_active:
        return False
    if user.region is not None and not hazard.region_id.startswith(user.region.prefix):
        return False
    sectors = user.scope_sector_ids
    return sectors is None or hazard.sector_id in sectors


def notice_recipients(
    notice: Notice, hazard: Hazard, directory: Directory | None = None
) -> list[User]:
    """The users told in-app: the finder and supervisor; for escalations the county's
    inspectors, then its reviewers, then the city's leaders. Only users who may see the hazard."""
    directory = directory or Directory()
    county = county_of(hazard.region)
    step = notice.step
    wanted: dict[int, User] = {}
    for user in directory.users_in(county):
        if (
            user.pk == hazard.found_by_id
            or (hazard.supervisor_person and user.name == hazard.supervisor_person)
            or (not is_reminder(step) and user.role == Role.INSPECTOR)
            or (step in REVIEWER_STEPS and user.role in (Role.REVIEWER, Role.ADMIN))
        ):
            wanted[user.pk] = user
    if step == NoticeStep.CITY_ESCALATION and county.parent_id:
        for user in directory.users_in(county.parent):
            if user.region_id == county.parent_id and user.role in (
                Role.LEADER,
                Role.REVIEWER,
                Role.ADMIN,
            ):
                wanted[user.pk] = user
    if hazard.found_by_id and hazard.found_by_id not in wanted:  # a finder from elsewhere
        finder = _user(hazard.found_by_id)
        if finder is not None:
            wanted[finder.pk] = finder
    return [u for pk, u in sorted(wanted.items()) if user_sees(u, hazard)]


def _user(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).select_related("region", "department").first()

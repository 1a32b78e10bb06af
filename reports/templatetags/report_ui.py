"""Template helpers of the reports app: the monthly report menu."""

from __future__ import annotations

from django import template

from accounts.choices import Role
from core import reference_cache

from ..monthly.selectors import cities_of

register = template.Library()

MENU_ROLES = (Role.LEADER, Role.REVIEWER, Role.ADMIN)


@register.simple_tag
def report_menu(user) -> dict | None:
    """Leaders, reviewers and admins get the monthly report menu: the reports, and the filing
    status of each city they may look at."""
    if not user.is_authenticated or not (user.is_superuser or user.role in MENU_ROLES):
        return None
    # Reference data only: kept per process like the list filters (core.reference_cache).
    cities = reference_cache.cache().get_or_set(
        f"report-menu-cities:{user.region_id}", lambda: cities_of(user)
    )
    return {"cities": cities}

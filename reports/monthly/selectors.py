"""Read queries of the monthly report pages and API; every one starts from for_user."""

from __future__ import annotations

from django.db.models import QuerySet

from core.choices import RegionLevel
from core.models import Region

from ..models import MonthlyReport


def report_queryset(user) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.for_user(user).select_related(
        "region", "region__parent", "submitted_by"
    )


def cities_of(user) -> list[Region]:
    """The cities whose filing status this user may look at."""
    region = user.region
    if region is None:
        return list(
            Region.objects.filter(level=RegionLevel.CITY, children__isnull=False).distinct()
        )
    if region.level == RegionLevel.CITY:
        return [region]
    if region.level == RegionLevel.PROVINCE:
        return list(region.children.filter(level=RegionLevel.CITY))
    return []


def filing_city(user, code: str) -> Region | None:
    """A city in the user's scope, by code."""
    return Region.objects.for_user(user).filter(level=RegionLevel.CITY, pk=code).first()

"""Read queries of the notice pages and API; every one starts from for_user."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from hazards.choices import HazardLevel
from hazards.models import Hazard

from ..models import Notice, Notification


def notice_queryset(user) -> QuerySet[Notice]:
    return Notice.objects.for_user(user).select_related(
        "hazard__enterprise", "hazard__region", "hazard__sector"
    )


def notifications_of(user, *, unread: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user)
    return notifications.filter(read_at__isnull=True) if unread else notifications


def filter_notices(queryset, params):
    """The filters shared by the notice page and the API list."""
    if q := (params.get("q") or "").strip():
        queryset = queryset.filter(
            Q(number__icontains=q)
            | Q(hazard__number__icontains=q)
            | Q(hazard__enterprise__name__icontains=q)
        )
    if step := params.get("step"):
        queryset = (
            queryset.filter(step__startswith="remind_")
            if step == "remind"
            else queryset.filter(step=step)
        )
    if (level := params.get("level")) in HazardLevel.values:
        queryset = queryset.filter(hazard__level=level)
    if (hazard := params.get("hazard")) and hazard.isascii() and hazard.isdigit():
        queryset = queryset.filter(hazard_id=int(hazard))
    if after := _date(params.get("after")):
        queryset = queryset.filter(due_date__gte=after)
    if before := _date(params.get("before")):
        queryset = queryset.filter(due_date__lte=before)
    if params.get("open") == "true":
        queryset = queryset.filter(hazard__in=_open_hazards())
    return queryset


def _open_hazards():
    return Hazard.objects.open().values("pk")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None

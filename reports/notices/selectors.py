"""Read queries of the notice pages and API; every one starts from for_user."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Notice, Notification
from .steps import ENTERPRISE_STEPS


def notice_queryset(user) -> QuerySet[Notice]:
    """The notices issued (not the steps a catch-up passed over) that the user may see; an
    enterprise account sees only those addressed to its enterprises."""
    notices = (
        Notice.objects.for_user(user)
        .sent()
        .select_related("hazard__enterprise", "hazard__region", "hazard__sector", "acknowledged_by")
    )
    if getattr(user, "is_enterprise_account", False):
        notices = notices.filter(step__in=ENTERPRISE_STEPS)
    return notices


def notifications_of(user, *, unread: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user)
    return notifications.filter(read_at__isnull=True) if unread else notifications

from django.conf import settings
from django.utils import timezone

from . import workdays


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "calendar_missing_year": _calendar_missing(request),
        "REFERENCE_CACHE_SECONDS": settings.REFERENCE_CACHE_SECONDS,
    }


def _calendar_missing(request) -> int | None:
    """For those who may enter the holiday arrangement: the year still missing, or None."""
    user = getattr(request, "user", None)
    if not (user and user.is_active and user.is_staff):
        return None
    if not user.has_perm("core.add_workcalendarday"):
        return None
    return workdays.missing_arrangement(timezone.localdate())

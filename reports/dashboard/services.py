"""The dashboard's figures for a user and period, cached per (scope, period, day, hazard data
version of the scope's region); a committed hazard change bumps the versions of its county and
ancestors only, so other counties' dashboards stay cached. `invalidate()` makes every cached
dashboard stale."""

from __future__ import annotations

import logging
from datetime import date

from django.core.cache import cache

from core.logs import timed
from core.scoping import scope_key
from hazards import versioning

from .figures import compute
from .periods import Period

log = logging.getLogger(__name__)

# Every committed hazard change in the scope bumps the data version in the key; the TTL only bounds changes
# made outside the services (the Django admin, raw SQL).
CACHE_SECONDS = 300


def invalidate() -> None:
    """Make every cached dashboard stale; call after a hazard is created or changes."""
    versioning.bump()


def dashboard_figures(user, period_start: date, period_end: date, today: date) -> dict:
    """Every dashboard figure of `user`'s scope for the period, cached for a short while."""
    version = versioning.user_version(user)
    key = f"dashboard:{version}:{scope_key(user)}:{period_start}:{period_end}:{today}"
    figures = cache.get(key)
    if figures is None:
        with timed(log, "dashboard figures", by=user, start=period_start, end=period_end):
            figures = compute(user, period_start, period_end, today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def dashboard_data(user, period: Period, today: date) -> dict:
    """What the page shows and the API returns: the figures with the period's name."""
    figures = dashboard_figures(user, period.start, period.end, today)
    return {**figures, "period": {**figures["period"], "key": period.key, "label": period.label}}

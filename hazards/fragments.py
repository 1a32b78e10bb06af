"""Parts of pages drawn from hazard data, kept in the shared cache.

A list page's table (rows, sort headings, pagination) is a function of who asks (their scope),
the query string, the hazard data of that scope and the date (overdue labels). It is kept under
a key of all four: the user and query (core.reference_cache.request_key), the scope's data
version (hazards.versioning, bumped after every committed registration, edit or workflow step in
the scope, and after an enterprise of the scope is renamed), today's date, and the release of
the code drawing it (core.release). Changes made outside the services (the Django admin, raw
SQL) bump no version: they show within SECONDS, as on the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core.reference_cache import request_key
from core.release import release

from . import versioning

SECONDS = 300


def key_of(request, name: str) -> str:
    return ":".join(
        [
            "fragment",
            name,
            release(),
            request_key(request),
            versioning.user_version(request.user),
            timezone.localdate().isoformat(),
        ]
    )


def cached(request, name: str, draw: Callable[[], str]) -> SafeString:
    """The fragment `name` for this request: from the cache, or drawn by `draw` and kept."""
    key = key_of(request, name)
    html = cache.get(key)
    if html is None:
        html = str(draw())
        cache.set(key, html, SECONDS)
    return mark_safe(html)

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


# Where the hazard page's body leaves room for what depends on the user. The markers are HTML
# comments: text of the hazard is escaped and can never produce one.
SLOTS = ("source_report", "workers_report", "photo_form")


def slot_marker(name: str) -> SafeString:
    return mark_safe(f"<!--slot:{name}-->")


def hazard_body(hazard, draw: Callable[[], str], fill: Callable[[str], str]) -> SafeString:
    """The hazard page below its steps, the same for everyone who may see the hazard: kept per
    hazard under its county's data version (any committed step, edit, photo or notice of a
    hazard there gives a new one), the day and the release. `fill` draws a slot for this user."""
    key = ":".join(
        [
            "fragment:hazard-body",
            release(),
            str(hazard.pk),
            versioning.scope_version(hazard.region_id),
            timezone.localdate().isoformat(),
        ]
    )
    html = cache.get(key)
    if html is None:
        html = str(draw())
        cache.set(key, html, SECONDS)
    for name in SLOTS:
        marker = slot_marker(name)
        if marker in html:
            html = html.replace(marker, fill(name), 1)
    return mark_safe(html)

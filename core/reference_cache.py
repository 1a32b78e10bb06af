"""Fragments drawn from reference data and the request alone, kept in each process's memory.

A list page's filter form depends on the user's scope (which regions, sectors and enterprises
the drop-downs offer) and on the query string, never on the hazards themselves; drawing it
costs more than the rest of the page. So do the menu and a region's full name. They are kept
per process (the `local` cache), under a key of everything they depend on, for
REFERENCE_CACHE_SECONDS; saving or deleting a region, sector or department clears this
process's copies at once (connected in core.apps) and the other processes' within that time.
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches

ALIAS = "local"


def cache():
    return caches[ALIAS]


def request_key(request, *extra, ignore: tuple[str, ...] = ()) -> str:
    """What a fragment drawn for this request depends on: the user and their scope (region,
    department, role), the query string in a stable order (less the `ignore`d parameters), and
    anything the caller adds. Also names the rows of a list page for its cached count."""
    user = request.user
    parts = [
        request.resolver_match and request.resolver_match.view_name,
        user.pk,
        getattr(user, "region_id", None),
        getattr(user, "department_id", None),
        getattr(user, "role", None),
        user.is_superuser,
        sorted((k, tuple(v)) for k, v in request.GET.lists() if k not in ignore),
        *extra,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def clear(**kwargs) -> None:
    cache().clear()

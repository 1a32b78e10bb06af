"""Version numbers of the hazard data, per territorial scope, bumped after every committed change.

Cached figures (the dashboard, list counts, the 待我处理 badge) include in their keys the version
of the scope they cover, so a cached figure is never older than the last committed
registration, edit or workflow step in that scope, while a write in one county leaves the
figures of every other county warm. A write in county 150623 bumps the versions of its county
(`hazards:150623`), city (`hazards:1506`), province (`hazards:15`) and of all regions
(`hazards:*`); a figure over city 1506 carries `hazards:1506`, one over a town carries its
county's. Every key also carries the epoch (`hazards`), bumped by `bump()` without regions
(and by a restore), which makes every cached figure stale at once.

The numbers are database rows (core.DataVersion), not cache entries: after the cache was down
or emptied, the next page still uses the current versions. Within one request each is read
once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, connections, router, transaction
from django.db.models import F

from core.models import DataVersion
from core.scoping import effective_scope

NAME = "hazards"  # the epoch, part of every key
ALL = "*"  # the scope of every region
# The lengths of the code prefixes that have a version: province, city, county.
SCOPE_DIGITS = (2, 4, 6)
log = logging.getLogger(__name__)
_request = threading.local()


def _start(**kwargs) -> None:
    _request.active, _request.versions = True, {}


def _finish(**kwargs) -> None:
    _request.active, _request.versions = False, {}


request_started.connect(_start, dispatch_uid="hazards-data-version-start")
request_finished.connect(_finish, dispatch_uid="hazards-data-version-finish")


def scope_name(prefix: str | None) -> str:
    """The version row covering a region prefix: the longest versioned prefix within it (a
    town's figures follow its county's version); None (every region) is `hazards:*`."""
    if not prefix:
        return f"{NAME}:{ALL}"
    digits = max((d for d in SCOPE_DIGITS if d <= len(prefix)), default=None)
    return f"{NAME}:{prefix[:digits]}" if digits else f"{NAME}:{ALL}"


def names_of(region_code: str) -> list[str]:
    """The version rows a write in this region bumps: all regions and each ancestor scope."""
    return [f"{NAME}:{ALL}"] + [f"{NAME}:{region_code[:d]}" for d in SCOPE_DIGITS]


def scope_version(prefix: str | None = None) -> str:
    """`epoch.version` of the scope of a region prefix (None: every region); read from the
    database once per request (each call elsewhere)."""
    name = scope_name(prefix)
    versions = getattr(_request, "versions", None)
    if versions is None:
        versions = _request.versions = {}
    if name in versions:
        return versions[name]
    rows = _read(NAME, name)
    value = f"{rows.get(NAME, 0)}.{rows.get(name, 0)}"
    if getattr(_request, "active", False):
        versions[name] = value
    return value


def _read(*names: str) -> dict[str, int]:
    """The versions of these names, from the database the ORM would read DataVersion from (the
    replica's turn or the primary's): a plain statement, since every page reads it."""
    alias = router.db_for_read(DataVersion)
    quote = connections[alias].ops.quote_name
    sql = (
        f"SELECT {quote('name')}, {quote('value')} FROM {quote(DataVersion._meta.db_table)}"
        f" WHERE {quote('name')} IN ({', '.join(['%s'] * len(names))})"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, list(names))
        return dict(cursor.fetchall())


def user_version(user) -> str:
    """The version of everything `user` may see (an enterprise account's: every region's)."""
    scope = effective_scope(user)
    return scope_version(scope.region_prefix if scope is not None else None)


def data_version() -> str:
    """The version of all hazard data: changes after any committed change anywhere."""
    return scope_version(None)


def bump(region_codes: Iterable[str] | None = None) -> None:
    """Give the scopes of these regions (and all regions) a new version; without regions, make
    every cached figure stale. Call after the change is committed."""
    _request.versions = {}
    if region_codes is None:
        if not DataVersion.objects.filter(name=NAME).update(value=F("value") + 1):
            DataVersion.objects.get_or_create(name=NAME, defaults={"value": 1})
        return
    names = sorted({n for code in region_codes if code for n in names_of(code)})
    if not names:
        return
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    # One statement, rows in a fixed order: concurrent writers never deadlock on them.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, value) VALUES {', '.join(['(%s, 1)'] * len(names))} "
            f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1",
            names,
        )


def _bump_after_commit(region_codes: list[str] | None) -> None:
    # The change is already committed: a failure here must not turn the answer into an error.
    # The next successful bump (or the next day, which is part of every key) corrects counts.
    try:
        bump(region_codes)
    except DatabaseError:
        log.exception("Could not bump the hazard data version after a commit")


def bump_on_commit(region_codes: Iterable[str] | None = None) -> None:
    """Call inside the transaction that changes hazards of these regions (None: anywhere);
    the bump happens once it commits."""
    codes = None if region_codes is None else sorted(set(region_codes))
    transaction.on_commit(lambda: _bump_after_commit(codes))

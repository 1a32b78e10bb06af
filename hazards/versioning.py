"""A version number of the hazard data, bumped after every committed change.

Cached figures (the dashboard, list counts, the 待我处理 badge) include it in their keys, so a
cached figure is never older than the last committed registration, edit or workflow step. The
number is a database row (core.DataVersion), not a cache entry: after the cache was down or
emptied, the next page still uses the current version. Within one request it is read once.
"""

from __future__ import annotations

import logging
import threading

from django.core.signals import request_finished, request_started
from django.db import DatabaseError, transaction
from django.db.models import F

from core.models import DataVersion

NAME = "hazards"
log = logging.getLogger(__name__)
_request = threading.local()


def _start(**kwargs) -> None:
    _request.active, _request.version = True, None


def _finish(**kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_start, dispatch_uid="hazards-data-version-start")
request_finished.connect(_finish, dispatch_uid="hazards-data-version-finish")


def data_version() -> int:
    """The current version; read from the database once per request (each call elsewhere)."""
    cached = getattr(_request, "version", None)
    if cached is not None:
        return cached
    value = DataVersion.objects.filter(name=NAME).values_list("value", flat=True).first() or 0
    if getattr(_request, "active", False):
        _request.version = value
    return value


def bump() -> None:
    """Give the hazard data a new version (call after the change is committed)."""
    _request.version = None
    if not DataVersion.objects.filter(name=NAME).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(name=NAME, defaults={"value": 1})


def _bump_after_commit() -> None:
    # The change is already committed: a failure here must not turn the answer into an error.
    # The next successful bump (or the next day, which is part of every key) corrects counts.
    try:
        bump()
    except DatabaseError:
        log.exception("Could not bump the hazard data version after a commit")


def bump_on_commit() -> None:
    """Call inside the transaction that changes hazards; the bump happens once it commits."""
    transaction.on_commit(_bump_after_commit)

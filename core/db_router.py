"""Reads on a streaming replica, writes on the primary, and no stale read for the writer.

With a `replica` database configured (DATABASE_REPLICA_URL), the web requests of a signed-in
user read from the replica, except when the answer could miss what this user just wrote:

- a request that is not a plain read (POST, PUT, PATCH, DELETE) reads from the primary
  throughout, so its checks see the current rows;
- once a request has written, its later reads use the primary;
- a read inside a transaction on the primary uses the primary;
- for DATABASE_PRIMARY_AFTER_WRITE_SECONDS (default 5) after a request wrote, the browser
  carries a signed cookie and all its reads use the primary (replication lag on a LAN is
  milliseconds; the margin covers a replica that falls behind under load);
- work outside a web request (Celery tasks, management commands) always uses the primary: a
  task queued after a commit must find the rows that commit wrote.

Writes and migrations only ever go to the primary. Without a replica the router answers
nothing and Django uses `default` as before.

Cached figures keyed by the data version (hazards.versioning) stay consistent: the version is
read from the same server as the rows it describes, and the replica applies commits in order.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core import signing
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
COOKIE = "qingling_primary"
SALT = "core.db_router.primary-after-write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read from the primary even on the replica's turn: credentials and lock-out records must
# be current the moment they are written (a token used right after it was issued, a lock-out).
PRIMARY_ONLY = frozenset({"knox", "axes"})

_state = threading.local()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def pin_seconds() -> int:
    return settings.DATABASE_PRIMARY_AFTER_WRITE_SECONDS


class RequestRouting:
    """What the router knows about the request this thread serves."""

    __slots__ = ("pinned", "wrote")

    def __init__(self, *, pinned: bool) -> None:
        self.pinned = pinned
        self.wrote = False


def current() -> RequestRouting | None:
    return getattr(_state, "routing", None)


def read_alias(routing: RequestRouting | None, *, in_transaction: bool, app_label: str) -> str:
    """The rule in one place: which database a read goes to."""
    if routing is None or routing.pinned or routing.wrote or in_transaction:
        return PRIMARY
    if app_label in PRIMARY_ONLY:
        return PRIMARY
    return REPLICA


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        return read_alias(
            current(),
            in_transaction=connections[PRIMARY].in_atomic_block,
            app_label=model._meta.app_label,
        )

    def db_for_write(self, model, **hints):
        routing = current()
        if routing is not None:
            routing.wrote = True
        return PRIMARY if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        # Both servers hold the same rows: an object read from the replica may point at one
        # read from the primary.
        dbs = {obj1._state.db, obj2._state.db}
        if dbs <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False
        return None


def pinned_by_cookie(value: str | None, now: float) -> bool:
    """True while the signed "wrote until" time in the cookie lies in the future."""
    if not value:
        return False
    try:
        until = float(signing.loads(value, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return False
    return now < until <= now + pin_seconds() + 1


class PrimaryAfterWriteMiddleware:
    """Decides, before anything reads the database, whether this request may read from the
    replica; after a request that wrote, gives the browser the cookie that keeps its reads on
    the primary for the next few seconds. Place it before the session middleware: the session
    itself is read through the router."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        now = time.time()
        pinned = request.method not in SAFE_METHODS or pinned_by_cookie(
            request.COOKIES.get(COOKIE), now
        )
        routing = RequestRouting(pinned=pinned)
        _state.routing = routing
        try:
            response = self.get_response(request)
        finally:
            _state.routing = None
        if routing.wrote:
            seconds = pin_seconds()
            response.set_cookie(
                COOKIE,
                signing.dumps(time.time() + seconds, salt=SALT),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

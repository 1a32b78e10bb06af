"""The database router: reads on the replica, writes on the primary, and a user's own reads on
the primary for a few seconds after they wrote. These tests check the routing decisions; the
stale-read rule against a real streaming replica is tests/faults/test_replica_drill.py."""

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from core import db_router
from core.db_router import (
    COOKIE,
    PRIMARY,
    REPLICA,
    PrimaryAfterWriteMiddleware,
    PrimaryReplicaRouter,
    read_alias,
)
from hazards.models import Hazard

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch, settings):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    settings.DATABASE_PRIMARY_AFTER_WRITE_SECONDS = 5


def serve(request, *, write=False, reads_after=1):
    """Run a request through the middleware; the view records where its reads go."""
    seen = []

    def view(req):
        seen.append(router.db_for_read(Hazard))
        if write:
            router.db_for_write(Hazard)
        for _ in range(reads_after):
            seen.append(router.db_for_read(Hazard))
        return HttpResponse("ok")

    response = PrimaryAfterWriteMiddleware(view)(request)
    return seen, response


def test_a_page_view_without_a_recent_write_reads_from_the_replica(with_replica):
    seen, response = serve(RequestFactory().get("/hazards/"))
    assert seen == [REPLICA, REPLICA]
    assert COOKIE not in response.cookies


def test_a_form_submission_reads_from_the_primary_throughout(with_replica):
    for method in ("post", "put", "patch", "delete"):
        seen, _ = serve(getattr(RequestFactory(), method)("/hazards/1/"))
        assert seen == [PRIMARY, PRIMARY], method


def test_after_a_write_the_rest_of_the_request_reads_from_the_primary(with_replica):
    seen, response = serve(RequestFactory().get("/hazards/"), write=True)
    assert seen == [REPLICA, PRIMARY]
    assert COOKIE in response.cookies


def test_a_read_inside_a_transaction_on_the_primary_uses_the_primary():
    routing = db_router.RequestRouting(pinned=False)
    assert read_alias(routing, in_transaction=False, app_label="hazards") == REPLICA
    assert read_alias(routing, in_transaction=True, app_label="hazards") == PRIMARY


@pytest.mark.django_db
def test_the_router_sees_an_open_transaction(with_replica, django_db_blocker):
    db_router._state.routing = db_router.RequestRouting(pinned=False)
    try:
        # pytest-django wraps the test in a transaction: the primary is in an atomic block.
        assert router.db_for_read(Hazard) == PRIMARY
    finally:
        db_router._state.routing = None


def test_the_writer_reads_from_the_primary_for_the_configured_seconds(with_replica, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(db_router.time, "time", lambda: clock[0])
    _, wrote = serve(RequestFactory().post("/hazards/new/"), write=True)
    cookie = wrote.cookies[COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]

    def next_read():
        request = RequestFactory().get("/hazards/")
        request.COOKIES[COOKIE] = cookie.value
        return serve(request)[0]

    clock[0] += 4.9
    assert next_read() == [PRIMARY, PRIMARY]
    clock[0] += 0.2  # 5.1 s after the write
    assert next_read() == [REPLICA, REPLICA]


def test_another_users_read_right_after_a_write_goes_to_the_replica(with_replica):
    serve(RequestFactory().post("/hazards/new/"), write=True)  # someone else wrote
    seen, _ = serve(RequestFactory().get("/hazards/"))  # no cookie of theirs
    assert seen == [REPLICA, REPLICA]


def test_a_forged_or_far_future_cookie_does_not_keep_reads_on_the_primary(with_replica):
    import time

    for value in (
        "nonsense",
        signing.dumps(time.time() + 5, salt="another-purpose"),
        signing.dumps(time.time() + 3600, salt=db_router.SALT),
    ):
        request = RequestFactory().get("/hazards/")
        request.COOKIES[COOKIE] = value
        assert serve(request)[0] == [REPLICA, REPLICA], value


def test_tasks_and_commands_outside_a_request_read_from_the_primary(with_replica):
    assert db_router.current() is None
    assert router.db_for_read(Hazard) == PRIMARY


def test_api_tokens_and_lockout_records_are_read_from_the_primary():
    routing = db_router.RequestRouting(pinned=False)
    for app_label in ("knox", "axes"):
        assert read_alias(routing, in_transaction=False, app_label=app_label) == PRIMARY


def test_writes_go_to_the_primary_and_migrations_never_to_the_replica(with_replica):
    assert router.db_for_write(Hazard) == PRIMARY
    assert router.allow_migrate(REPLICA, "hazards") is False
    assert router.allow_migrate(PRIMARY, "hazards") is None  # Django's default: yes


def test_objects_from_both_servers_may_be_related(with_replica):
    a, b = Group(name="a"), Group(name="b")
    a._state.db, b._state.db = REPLICA, PRIMARY
    assert router.allow_relation(a, b) is True


def test_without_a_replica_the_router_leaves_everything_to_django():
    seen, response = serve(RequestFactory().get("/hazards/"), write=True)
    assert seen == [None, None]
    assert COOKIE not in response.cookies
    assert router.db_for_write(Hazard) is None

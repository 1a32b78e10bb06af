"""Cached counts and dashboards are invalidated by scope: a committed write in a county makes the
figures of that county, its city, its province and of all regions fresh, and leaves every other
county's cached figures warm (not recomputed) and still correct."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from core.models import DataVersion, Region
from hazards import versioning
from hazards.choices import HazardState
from reports.dashboard import figures, services
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import advance, listed_count, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """This run's keys only (its own key prefix): other runs share the Redis database."""
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


@pytest.fixture
def counted(monkeypatch):
    """How many times the dashboard figures were computed, per user."""
    calls: list[str] = []
    real = figures.compute

    def spy(user, *args, **kwargs):
        calls.append(user.username)
        return real(user, *args, **kwargs)

    monkeypatch.setattr(services, "compute", spy)
    return calls


@pytest.fixture
def world(personas, django_capture_on_commit_callbacks):
    """One 重大 hazard in county A (鄂托克前旗, 150623) and one in county B (鄂托克旗, 150624),
    committed; a leader of each county."""
    enterprise_b = EnterpriseFactory(region=Region.objects.get(code="150624"))
    with django_capture_on_commit_callbacks(execute=True):
        register(personas.inspector)
        register(personas.inspector_b, enterprise=enterprise_b)
    leader_a = UserFactory(username="leader_a", role=Role.LEADER)
    leader_b = UserFactory(username="leader_b", role=Role.LEADER, region_id="150624")
    return personas, leader_a, leader_b


def _dashboard(user) -> dict:
    today = timezone.localdate()
    return services.dashboard_figures(user, today - timedelta(days=30), today, today)


def _found(user) -> int:
    return _dashboard(user)["cards"]["major_found"]["value"]


def _list_counts(client, user) -> tuple[int, bool]:
    """The list page's total, and whether this request counted the rows (no cached count)."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("hazards:hazard_list"))
    assert response.status_code == 200
    counted = any(
        "COUNT(" in q["sql"].upper() and '"hazards_hazard"' in q["sql"]
        for q in queries.captured_queries
    )
    return listed_count(response), counted


def test_a_write_in_county_a_leaves_county_b_dashboard_warm_and_refreshes_a_and_the_city(
    world, counted, django_capture_on_commit_callbacks
):
    p, leader_a, leader_b = world
    assert (_found(leader_a), _found(leader_b), _found(p.leader)) == (1, 1, 2)
    assert sorted(counted) == ["leader", "leader_a", "leader_b"]
    counted.clear()

    with django_capture_on_commit_callbacks(execute=True):
        register(p.inspector)

    assert _found(leader_b) == 1
    assert counted == []  # county B: served from the cache, no recompute
    assert _found(leader_a) == 2
    assert _found(p.leader) == 3
    assert counted == ["leader_a", "leader"]
    # The warm figures of county B equal a recount.
    today = timezone.localdate()
    fresh = figures.compute(leader_b, today - timedelta(days=30), today, today)
    assert _dashboard(leader_b)["cards"] == fresh["cards"]


def test_a_workflow_step_in_county_a_refreshes_only_its_scopes(
    world, counted, django_capture_on_commit_callbacks
):
    p, leader_a, leader_b = world
    hazard = register(p.inspector)  # not committed: no bump, yet counted below
    for user in (leader_a, leader_b, p.leader):
        _dashboard(user)
    counted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advance(hazard, HazardState.RECTIFYING, inspector=p.inspector, reviewer=p.reviewer)
    _dashboard(leader_b)
    assert counted == []
    _dashboard(leader_a)
    _dashboard(p.leader)
    assert counted == ["leader_a", "leader"]


def test_list_counts_of_county_b_stay_cached_after_a_write_in_county_a(
    world, client, django_capture_on_commit_callbacks
):
    p, _, _ = world
    assert _list_counts(client, p.inspector_b) == (1, True)
    assert _list_counts(client, p.inspector) == (1, True)
    assert _list_counts(client, p.leader) == (2, True)
    assert _list_counts(client, p.inspector_b) == (1, False)  # cached

    with django_capture_on_commit_callbacks(execute=True):
        register(p.inspector)

    assert _list_counts(client, p.inspector_b) == (1, False)  # still warm, still right
    assert _list_counts(client, p.inspector) == (2, True)
    assert _list_counts(client, p.leader) == (3, True)


def test_a_write_bumps_its_county_city_province_and_all_regions_only(
    world, django_capture_on_commit_callbacks
):
    p, _, _ = world

    def versions() -> dict[str, int]:
        return dict(DataVersion.objects.values_list("name", "value"))

    before = versions()
    with django_capture_on_commit_callbacks(execute=True):
        register(p.inspector)  # an enterprise in town 150623101 of county 150623
    after = versions()
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"hazards:*", "hazards:15", "hazards:1506", "hazards:150623"}


def test_a_town_user_follows_the_county_version_and_no_region_the_all_regions_version():
    assert versioning.scope_name("150623101") == "hazards:150623"
    assert versioning.scope_name("1506") == "hazards:1506"
    assert versioning.scope_name(None) == "hazards:*"


def test_bump_without_regions_makes_every_cached_figure_stale(world, counted):
    p, leader_a, leader_b = world
    _dashboard(leader_b)
    counted.clear()
    versioning.bump()
    _dashboard(leader_b)
    assert counted == ["leader_b"]

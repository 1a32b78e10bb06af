"""Shared fixtures: reference data and the personas of the design (built once per session)."""

import os

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load regions and sectors once; every test runs inside a transaction on top of them."""
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def reference_data(request):
    """Browser tests flush the database when they end; put the reference data back if needed."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    from core.models import Region

    if not Region.objects.exists():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def empty_reference_cache():
    """Each test starts with no fragment drawn by an earlier one (core.reference_cache keeps
    them per process, and user and region keys repeat between tests)."""
    from core import reference_cache

    reference_cache.clear()


@pytest.fixture(autouse=True)
def fresh_hazard_data_version(request):
    """Tests roll back instead of committing, so the data version returns to where it was: give
    each database test a version of its own so no cached count or figure leaks between tests
    (a parallel run on the same Redis uses its own key prefix)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    import time

    from core.models import DataVersion
    from hazards import versioning

    DataVersion.objects.update_or_create(
        name=versioning.NAME, defaults={"value": time.time_ns() // 1000}
    )


@pytest.fixture
def personas(db):
    """inspector/reviewer of 鄂托克前旗, a city leader, an inspector of 鄂托克旗, an admin,
    and a 住建 department inspector of 鄂托克前旗."""
    from accounts.choices import Role
    from core.choices import DepartmentKind
    from tests.factories import DepartmentFactory, UserFactory

    emergency_a = DepartmentFactory(name="鄂托克前旗应急管理局", kind=DepartmentKind.EMERGENCY)
    housing_a = DepartmentFactory(name="鄂托克前旗住房和城乡建设局", kind=DepartmentKind.HOUSING)
    emergency_b = DepartmentFactory(
        name="鄂托克旗应急管理局", kind=DepartmentKind.EMERGENCY, region_id="150624"
    )
    city = DepartmentFactory(
        name="鄂尔多斯市应急管理局", kind=DepartmentKind.EMERGENCY, region_id="150600"
    )

    class P:
        inspector = UserFactory(username="inspector", role=Role.INSPECTOR, department=emergency_a)
        reviewer = UserFactory(username="reviewer", role=Role.REVIEWER, department=emergency_a)
        leader = UserFactory(
            username="leader", role=Role.LEADER, region_id="150600", department=city
        )
        inspector_b = UserFactory(
            username="inspector_b", role=Role.INSPECTOR, region_id="150624", department=emergency_b
        )
        housing = UserFactory(username="zhujian", role=Role.INSPECTOR, department=housing_a)
        admin = UserFactory(
            username="admin", role=Role.ADMIN, region=None, is_superuser=True, is_staff=True
        )

    return P

"""A signed-in user is read once per request with the region and department that scope it."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from core.scoping import effective_scope

pytestmark = pytest.mark.django_db


def _request_of(client):
    request = RequestFactory().get("/")
    request.session = client.session
    return request


def test_the_user_region_and_department_come_in_one_query(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.housing)
    request = _request_of(client)
    effective_scope(personas.housing)  # the sectors of its department kind are reference data
    with django_assert_num_queries(1):
        user = get_user(request)
        scope = effective_scope(user)
        assert (user.region.name, user.department.name) == (
            "鄂托克前旗",
            "鄂托克前旗住房和城乡建设局",
        )
    assert scope.region_prefix == "150623"


def test_a_deactivated_user_is_signed_out(client, personas):
    client.force_login(personas.inspector)
    personas.inspector.is_active = False
    personas.inspector.save()
    assert not get_user(_request_of(client)).is_authenticated

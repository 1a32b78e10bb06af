"""An enterprise account sees its own enterprises' hazards, photos and documents and nothing
else; it reaches only the pages and API views on the allow-list."""

import pytest

from accounts.enterprise_access import ENTERPRISE_VIEW_NAMES
from accounts.models import User
from enterprises.models import Enterprise
from hazards.choices import HazardLevel
from hazards.models import ExtensionRequest, Hazard, HazardEvent, HazardPhoto
from hazards.services import hazard_add_photo
from tests.hazard_helpers import jpeg_bytes, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazards(personas, firms, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = register(personas.inspector, enterprise=firms.a, level=HazardLevel.GENERAL)
    other = register(personas.inspector, enterprise=firms.b, level=HazardLevel.GENERAL)
    own_photo = hazard_add_photo(
        hazard=own, by=personas.inspector, kind="before", data=jpeg_bytes()
    )
    other_photo = hazard_add_photo(
        hazard=other, by=personas.inspector, kind="before", data=jpeg_bytes()
    )
    return own, other, own_photo, other_photo


def test_querysets_of_an_enterprise_account_hold_only_its_enterprises(firms, hazards):
    own, other, own_photo, other_photo = hazards
    user = firms.account_a
    assert list(Enterprise.objects.for_user(user)) == [firms.a]
    assert list(Hazard.objects.for_user(user)) == [own]
    assert set(HazardEvent.objects.for_user(user).values_list("hazard", flat=True)) == {own.pk}
    assert list(HazardPhoto.objects.for_user(user)) == [own_photo]
    assert not ExtensionRequest.objects.for_user(user).exclude(hazard=own).exists()


def test_a_group_account_holding_two_enterprises_sees_both(firms, hazards):
    firms.account_a.enterprises.add(firms.b)
    user = User.objects.get(pk=firms.account_a.pk)
    assert Hazard.objects.for_user(user).count() == 2


def test_an_account_holding_no_enterprise_sees_nothing(firms, hazards):
    firms.account_a.enterprises.clear()
    user = User.objects.get(pk=firms.account_a.pk)
    assert not Hazard.objects.for_user(user).exists()
    assert not Enterprise.objects.for_user(user).exists()


def test_another_enterprises_hazard_and_photo_answer_404_in_pages_and_api(client, firms, hazards):
    own, other, own_photo, other_photo = hazards
    client.force_login(firms.account_a)
    assert client.get(f"/qiye/hazards/{own.pk}/").status_code == 200
    assert client.get(f"/qiye/hazards/{other.pk}/").status_code == 404
    assert client.get(f"/hazards/photos/{own_photo.pk}/").status_code == 200
    assert client.get(f"/hazards/photos/{other_photo.pk}/").status_code == 404
    assert client.get(f"/api/v1/hazards/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/hazards/{other.pk}/").status_code == 404
    listed = client.get("/api/v1/hazards/").json()
    assert [row["number"] for row in listed["results"]] == [own.number]
    assert client.get(f"/qiye/selfcheck/{firms.b.pk}/").status_code == 404


def test_regulators_pages_answer_404_even_for_its_own_hazard(client, firms, hazards):
    own = hazards[0]
    client.force_login(firms.account_a)
    for url in (
        f"/hazards/{own.pk}/",
        "/hazards/",
        "/hazards/queue/",
        f"/enterprises/{firms.a.pk}/",
        "/dashboard/",
        "/inspections/",
        "/reports/notices/",
        "/accounts/users/",
        "/api/v1/hazards/ledger.xlsx",
        "/api/v1/inspections/",
        "/api/v1/dashboard/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_api_allow_list_applies_to_token_requests_too(client, firms, hazards):
    response = client.post(
        "/api/v1/auth/token/", {"username": "enterprise_a", "password": "pass-12345"}
    )
    token = response.json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get("/api/v1/hazards/", **auth).status_code == 200
    assert client.get("/api/v1/inspections/", **auth).status_code == 404
    assert client.get("/api/v1/notices/", **auth).status_code == 404


def test_the_enterprise_side_is_the_enterprise_accounts_alone(client, personas, hazards):
    client.force_login(personas.inspector)
    assert client.get("/qiye/").status_code == 404
    assert client.get(f"/qiye/hazards/{hazards[0].pk}/").status_code == 404


def test_every_allowed_name_is_a_real_url_name():
    from django.urls import NoReverseMatch, get_resolver

    names = set()
    resolver = get_resolver()

    def walk(patterns, namespace):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, ":".join(x for x in (namespace, p.namespace) if x))
            elif p.name:
                names.add(":".join(x for x in (namespace, p.name) if x))

    walk(resolver.url_patterns, "")
    assert ENTERPRISE_VIEW_NAMES - names == set(), NoReverseMatch

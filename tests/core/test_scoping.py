"""Territory and sector scoping, in the UI and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Region, Sector
from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(personas):
    class D:
        a_chem = EnterpriseFactory(name="前旗化工", region=Region.objects.get(code="150623101"))
        a_gas = EnterpriseFactory(
            name="前旗燃气",
            region=Region.objects.get(code="150623100"),
            sector=Sector.objects.get(code="gas"),
        )
        b_chem = EnterpriseFactory(name="鄂旗焦化", region=Region.objects.get(code="150624"))
        other_city = EnterpriseFactory(name="呼市企业", region=Region.objects.get(code="150102"))

    return D


def names(user):
    return set(Enterprise.objects.for_user(user).values_list("name", flat=True))


def test_county_inspector_sees_own_county_only(personas, data):
    assert names(personas.inspector) == {"前旗化工", "前旗燃气"}


def test_other_county_sees_nothing_of_county_a(personas, data):
    assert names(personas.inspector_b) == {"鄂旗焦化"}


def test_city_leader_sees_all_counties_of_the_city(personas, data):
    assert names(personas.leader) == {"前旗化工", "前旗燃气", "鄂旗焦化"}


def test_superuser_sees_everything(personas, data):
    assert names(personas.admin) == {"前旗化工", "前旗燃气", "鄂旗焦化", "呼市企业"}


def test_department_user_sees_only_its_sectors(personas, data):
    assert names(personas.housing) == {"前旗燃气"}


def test_department_user_sees_enterprise_through_secondary_sector(personas, data):
    data.a_chem.other_sectors.add(Sector.objects.get(code="construction"))
    assert names(personas.housing) == {"前旗燃气", "前旗化工"}


def test_user_without_region_sees_nothing(personas, data):
    personas.inspector.region = None
    assert names(personas.inspector) == set()


def test_ui_list_and_detail_are_scoped(client, personas, data):
    client.force_login(personas.inspector_b)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "鄂旗焦化" in page and "前旗化工" not in page
    assert client.get(data.a_chem.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("enterprises:enterprise_edit", args=[data.a_chem.pk])).status_code == 404
    )
    response = client.post(
        reverse("enterprises:enterprise_edit", args=[data.a_chem.pk]), {"name": "改名"}
    )
    assert response.status_code == 404
    data.a_chem.refresh_from_db()
    assert data.a_chem.name == "前旗化工"


def test_api_list_detail_and_update_are_scoped(personas, data):
    api = APIClient()
    api.force_authenticate(personas.inspector_b)
    listed = api.get("/api/v1/enterprises/").json()
    assert [row["name"] for row in listed["results"]] == ["鄂旗焦化"]
    assert api.get(f"/api/v1/enterprises/{data.a_chem.pk}/").status_code == 404
    response = api.patch(f"/api/v1/enterprises/{data.a_chem.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该对象，或不在您的管辖范围内。"
    data.a_chem.refresh_from_db()
    assert data.a_chem.name == "前旗化工"


def test_api_refuses_creating_outside_territory(personas, data):
    api = APIClient()
    api.force_authenticate(personas.inspector_b)
    from tests.factories import make_credit_code

    response = api.post(
        "/api/v1/enterprises/",
        {
            "credit_code": make_credit_code("150623"),
            "name": "越界企业",
            "region": "150623101",
            "sector": Sector.objects.get(code="hazchem").pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "管辖范围" in str(response.json()["fields"])
    assert not Enterprise.objects.filter(name="越界企业").exists()


def test_api_regions_are_scoped(personas):
    api = APIClient()
    api.force_authenticate(personas.inspector)
    codes = {row["code"] for row in api.get("/api/v1/regions/?page_size=500").json()["results"]}
    assert "150623101" in codes and "150624" not in codes and "150600" not in codes


def test_department_user_cannot_register_other_sector(personas, data):
    from core.errors import ServiceError
    from enterprises.services import enterprise_create
    from tests.factories import make_credit_code

    with pytest.raises(ServiceError) as info:
        enterprise_create(
            by=personas.housing,
            credit_code=make_credit_code(),
            name="化工厂",
            region=Region.objects.get(code="150623101"),
            sector=Sector.objects.get(code="hazchem"),
        )
    assert "监管范围" in str(info.value)


def test_each_hazard_filter_form_has_fields_of_its_own(personas, data):
    """The form of one user's hazard filters shares no field, widget or choice list with
    another's: one user's enterprises are never valid choices of another's form."""
    from hazards.filtersets import HazardFilterSet

    class Housing:
        user = personas.housing

    class Inspector:
        user = personas.inspector

    own = HazardFilterSet({"level": "major"}, request=Inspector)
    other = HazardFilterSet({"level": "major"}, request=Housing)
    assert own.is_valid() and other.is_valid()
    for name, field in own.form.fields.items():
        assert field is not other.form.fields[name]
        assert field.widget is not other.form.fields[name].widget
    own.form.fields["level"].widget.attrs["data-own"] = "1"
    assert "data-own" not in other.form.fields["level"].widget.attrs
    assert "data-own" not in HazardFilterSet(request=Inspector).form.fields["level"].widget.attrs
    mine = Enterprise.objects.for_user(personas.inspector).order_by("pk").first()
    assert HazardFilterSet({"enterprise": mine.pk}, request=Inspector).is_valid()
    assert not HazardFilterSet({"enterprise": data.b_chem.pk}, request=Housing).is_valid()
    assert not HazardFilterSet({"enterprise": data.b_chem.pk}, request=Inspector).is_valid()


def test_list_filters_offer_only_what_the_user_may_see(personas, data):
    """A department user's sector choices are its department's sectors; a region or enterprise
    outside the user's jurisdiction is not a valid filter value (the list says so)."""
    from enterprises.filtersets import EnterpriseFilterSet
    from hazards.filtersets import HazardFilterSet

    class Request:
        user = personas.housing

    for filterset_class in (HazardFilterSet, EnterpriseFilterSet):
        offered = set(filterset_class(request=Request).filters["sector"].get_queryset(Request))
        assert offered == set(Sector.objects.filter(pk__in=personas.housing.scope_sector_ids))
        chem = filterset_class({"sector": Sector.objects.get(code="hazchem").pk}, request=Request)
        assert not chem.is_valid() and "sector" in chem.errors
    outside = HazardFilterSet({"enterprise": data.b_chem.pk}, request=Request)
    assert not outside.is_valid() and "enterprise" in outside.errors
    region = EnterpriseFilterSet({"region": "150624"}, request=Request)
    assert not region.is_valid() and "region" in region.errors

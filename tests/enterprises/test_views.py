import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Region, Sector
from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db


def test_list_filters_sort_and_paginate(client, personas):
    for i in range(25):
        EnterpriseFactory(
            name=f"企业{i:02d}", key_supervision=i % 2 == 0, risk_grade="red" if i < 3 else "blue"
        )
    EnterpriseFactory(
        name="燃气公司",
        sector=Sector.objects.get(code="gas"),
        region=Region.objects.get(code="150623102"),
    )
    client.force_login(personas.inspector)
    url = reverse("enterprises:enterprise_list")
    page = client.get(url).content.decode()
    assert "共 26 条" in page
    assert "燃气公司" in client.get(url, {"q": "燃气"}).content.decode()
    assert "企业00" not in client.get(url, {"q": "燃气"}).content.decode()
    filtered = client.get(url, {"risk_grade": "red"}).context["page"]
    assert filtered.paginator.count == 3
    assert client.get(url, {"region": "150623102"}).context["page"].paginator.count == 1
    assert client.get(url, {"region": "150623"}).context["page"].paginator.count == 26
    assert client.get(url, {"key_supervision": "true"}).context["page"].paginator.count == 13
    ordered = client.get(url, {"ordering": "-name"}).context["page"]
    assert ordered[0].name == "燃气公司"
    second = client.get(url, {"page": 2}).context["page"]
    assert len(second) == 6
    code = Enterprise.objects.get(name="企业05").credit_code
    assert client.get(url, {"q": code.lower()}).context["page"].paginator.count == 1


def test_list_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    for i in range(40):
        EnterpriseFactory(name=f"企业{i}")
    client.force_login(personas.inspector)
    # 13: the page's queries, with the hazard data version read once for the nav's badge.
    with django_assert_max_num_queries(13):
        client.get(reverse("enterprises:enterprise_list"), {"page_size": 50})


def test_edit_phone_records_history(client, personas):
    e = EnterpriseFactory(principal_phone="13900000000")
    client.force_login(personas.inspector)
    form = client.get(reverse("enterprises:enterprise_edit", args=[e.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "other_sectors"}
    data["principal_phone"] = "13811112222"
    response = client.post(reverse("enterprises:enterprise_edit", args=[e.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    e.refresh_from_db()
    assert e.principal_phone == "13811112222"
    page = client.get(e.get_absolute_url()).content.decode()
    assert "主要负责人电话" in page and "13811112222" in page and "13900000000" in page
    assert e.history.first().history_user == personas.inspector


def test_leader_cannot_create_or_edit(client, personas):
    e = EnterpriseFactory()
    client.force_login(personas.leader)
    assert client.get(reverse("enterprises:enterprise_create")).status_code == 403
    assert client.get(reverse("enterprises:enterprise_edit", args=[e.pk])).status_code == 403
    api = APIClient()
    api.force_authenticate(personas.leader)
    response = api.patch(f"/api/v1/enterprises/{e.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert "只有管理员和执法检查员" in response.json()["detail"]


def test_create_through_ui_with_duplicate_code_shows_error(client, personas):
    existing = EnterpriseFactory()
    client.force_login(personas.inspector)
    data = {
        "credit_code": existing.credit_code,
        "name": "重复企业",
        "region": "150623101",
        "sector": Sector.objects.get(code="hazchem").pk,
        "scale": "below",
        "risk_grade": "blue",
        "standardization_level": "none",
        "status": "operating",
    }
    response = client.post(reverse("enterprises:enterprise_create"), data)
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    data["credit_code"] = make_credit_code()
    response = client.post(reverse("enterprises:enterprise_create"), data)
    assert response.status_code == 302
    assert Enterprise.objects.filter(name="重复企业").count() == 1


def test_status_replaces_deletion(personas):
    api = APIClient()
    api.force_authenticate(personas.inspector)
    e = EnterpriseFactory()
    assert api.delete(f"/api/v1/enterprises/{e.pk}/").status_code == 405
    response = api.patch(f"/api/v1/enterprises/{e.pk}/", {"status": "closed"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_api_create_validates_credit_code(personas):
    api = APIClient()
    api.force_authenticate(personas.inspector)
    payload = {
        "credit_code": "91350100M000100Y44",
        "name": "新企业",
        "region": "150623101",
        "sector": Sector.objects.get(code="hazchem").pk,
    }
    response = api.post("/api/v1/enterprises/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["credit_code"] == ["统一社会信用代码校验位错误"]
    payload["credit_code"] = make_credit_code()
    response = api.post("/api/v1/enterprises/", payload, format="json")
    assert response.status_code == 201
    assert Enterprise.objects.get(name="新企业").history.first().history_user == personas.inspector


def test_api_filters_match_ui(personas):
    EnterpriseFactory(name="甲", risk_grade="red")
    EnterpriseFactory(name="乙", risk_grade="blue")
    api = APIClient()
    api.force_authenticate(personas.inspector)
    names = [r["name"] for r in api.get("/api/v1/enterprises/?risk_grade=red").json()["results"]]
    assert names == ["甲"]


def test_openapi_schema_and_docs(client, personas):
    client.force_login(personas.inspector)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/enterprises/" in schema.content
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower()


def test_a_bad_filter_value_is_shown_and_lists_nothing(client, personas):
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(name="筛选测试化工有限公司")
    client.force_login(personas.inspector)
    page = client.get("/enterprises/?region=150624").content.decode()
    assert "筛选条件有误" in page and "所属地区" in page
    assert enterprise.name not in page
    assert enterprise.name in client.get("/enterprises/").content.decode()

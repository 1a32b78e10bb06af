"""Enterprise contact numbers are a mainland mobile or a landline with its area code, on the
form, the API and the import."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from enterprises.phones import normalize_phone, phone_error, sms_problem
from enterprises.services import enterprise_import_preview
from tests.enterprises.test_import import good_row, xlsx
from tests.factories import EnterpriseFactory

GOOD = [
    "13900000000",
    "19912345678",
    "139 0000 0000",
    "+8613900000000",
    "０４７７－８１２３４５６",
    "0477-8123456",
    "04778123456",
    "010-68123456",
    "(0477)8123456",
    "0477-8123456-801",
    "0477-8123456转801",
    "",
]
BAD = ["12345", "12900000000", "1390000000", "139000000001", "477-8123456", "0477-0123456", "电话"]


@pytest.mark.parametrize("number", GOOD)
def test_good_numbers(number):
    assert phone_error(number) is None


@pytest.mark.parametrize("number", BAD)
def test_bad_numbers(number):
    assert "格式不正确" in phone_error(number)


def test_only_mobiles_take_sms():
    assert sms_problem("+86 139-0000-0000".replace("-", "")) is None
    assert normalize_phone("+86 139 0000 0000") == "13900000000"
    assert "座机" in sms_problem("0477-8123456")
    assert "格式不正确" in sms_problem("12345")


@pytest.mark.django_db
def test_form_refuses_a_bad_number(client, personas):
    enterprise = EnterpriseFactory()
    client.force_login(personas.inspector)
    url = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    page = client.get(url)
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "other_sectors"}
    data.update(region=enterprise.region_id, sector=enterprise.sector_id, principal_phone="12345")
    response = client.post(url, data)
    assert "电话号码“12345”格式不正确" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.principal_phone == "13900000000"


@pytest.mark.django_db
def test_api_refuses_a_bad_number(client, personas):
    enterprise = EnterpriseFactory()
    client.force_login(personas.inspector)
    response = client.patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"safety_manager_phone": "0477-0123456"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "格式不正确" in str(response.json())
    response = client.patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"safety_manager_phone": "0477-8123456"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Enterprise.objects.get(pk=enterprise.pk).safety_manager_phone == "0477-8123456"


@pytest.mark.django_db
def test_import_flags_a_bad_number_on_its_row(personas):
    bad = good_row(2)
    bad[7] = "12345"
    batch = enterprise_import_preview(
        by=personas.inspector, data=xlsx([good_row(1), bad]), file_name="p.xlsx"
    )
    assert [e["row"] for e in batch.errors] == [3]
    assert "主要负责人电话：电话号码“12345”格式不正确" in batch.errors[0]["messages"][0]

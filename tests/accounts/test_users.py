"""用户管理 in the app: administrators create, change, reset and deactivate the accounts of
their territory; a department and its users are of one region."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from core.choices import DepartmentKind
from core.models import Department, Region
from core.services import county_departments_create
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(personas):
    return UserFactory(username="qq_admin", role=Role.ADMIN, region_id="150623")


def _signs_in(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302


def _create(client, **overrides):
    data = {
        "username": "zhangwei",
        "name": "张伟",
        "role": Role.INSPECTOR,
        "region": "150623",
        "department": Department.objects.get(name="鄂托克前旗应急管理局").pk,
        "phone": "13912345678",
        "certificate_no": "15062320260099",
        "password": "Qingling-2026!",
    }
    data.update(overrides)
    return client.post(reverse("accounts:user_create"), data)


def test_a_county_admin_creates_an_inspector_who_can_sign_in(client, county_admin):
    client.force_login(county_admin)
    response = _create(client)
    assert response.status_code == 302
    user = User.objects.get(username="zhangwei")
    assert user.department.name == "鄂托克前旗应急管理局" and user.check_password("Qingling-2026!")
    assert _signs_in(client, "zhangwei", "Qingling-2026!")


def test_a_hangjin_inspector_cannot_join_the_etuoke_bureau(client, county_admin, personas):
    """The pair is validated, in the app and in the Django admin alike (User.clean)."""
    client.force_login(personas.admin)
    response = _create(
        client,
        region="150625",
        department=Department.objects.get(name="鄂托克旗应急管理局").pk,
    )
    assert response.status_code == 200
    assert "鄂托克旗应急管理局属于鄂托克旗，不能分配给杭锦旗的用户。" in response.content.decode()
    assert not User.objects.filter(username="zhangwei").exists()


def test_a_county_admin_sees_and_manages_only_its_county(client, county_admin, personas):
    client.force_login(county_admin)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "inspector_b" not in page and ">inspector<" in page
    other = personas.inspector_b
    assert client.get(reverse("accounts:user_edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("accounts:user_active", args=[other.pk]), {"active": "0"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active
    # Nor may it hand out a department of another county.
    response = _create(client, department=Department.objects.get(name="鄂托克旗应急管理局").pk)
    assert response.status_code == 200 and not User.objects.filter(username="zhangwei").exists()
    # Inspectors and leaders do not manage users at all.
    client.force_login(personas.inspector)
    assert client.get(reverse("accounts:user_list")).status_code == 404


def test_reset_password_and_deactivate(client, county_admin, personas):
    client.force_login(county_admin)
    target = personas.inspector
    url = reverse("accounts:user_password", args=[target.pk])
    weak = client.post(url, {"password": "12345678"})
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    client.post(url, {"password": "Another-pass-77"})
    target.refresh_from_db()
    assert target.check_password("Another-pass-77")
    client.post(reverse("accounts:user_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    assert not _signs_in(client, "inspector", "Another-pass-77")
    client.force_login(county_admin)
    refused = client.post(
        reverse("accounts:user_active", args=[county_admin.pk]), {"active": "0"}, follow=True
    )
    assert "不能停用自己的账号" in refused.content.decode()


def test_a_new_county_gets_its_standard_departments():
    region = Region.objects.create(code="150699", name="示例旗", level="county", parent_id="150600")
    assert county_departments_create(region) == 13
    names = set(Department.objects.filter(region=region).values_list("name", flat=True))
    assert {"示例旗应急管理局", "示例旗安委办", "示例旗住房和城乡建设局"} <= names
    assert county_departments_create(region) == 0  # twice changes nothing
    DepartmentFactory(name="示例旗应急管理局二", kind=DepartmentKind.OTHER, region=region)
    assert Department.objects.filter(region=region).count() == 14

"""The audit log knows the county of each row: a county's administrator reads that county's rows
only, a superuser all of them. Exports are recorded with the client's address, read through the
trusted proxy (the documents' rows: tests/inspections/test_audit_address.py)."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.choices import Role
from core.audit import AuditEntry, AuditKind, audit_record
from tests.factories import UserFactory
from tests.hazard_helpers import register

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
CLIENT = "203.0.113.9"
BEHIND_PROXY = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.1, {CLIENT}"}


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def county_admins(personas):
    a = UserFactory(username="admin_a", role=Role.ADMIN, region_id="150623", department=None)
    b = UserFactory(username="admin_b", role=Role.ADMIN, region_id="150624", department=None)
    return a, b


def test_a_row_takes_the_region_of_its_object_or_else_of_its_actor(personas):
    by_actor = audit_record(AuditKind.EXPORT, "导出隐患台账（1 条）", user=personas.inspector)
    by_object = audit_record(
        AuditKind.DOCUMENT_ISSUE, "出具文书", user=personas.leader, region="150624"
    )
    nobody = audit_record(AuditKind.LOGIN_FAILED, "登录失败", username="nobody")
    assert by_actor.region_id == "150623"
    assert by_object.region_id == "150624"
    assert nobody.region_id is None


def test_a_county_administrator_reads_only_its_county_a_superuser_everything(
    client, personas, county_admins
):
    admin_a, admin_b = county_admins
    audit_record(AuditKind.EXPORT, "前旗导出", user=personas.inspector)
    audit_record(AuditKind.EXPORT, "鄂旗导出", user=personas.inspector_b)
    audit_record(AuditKind.LOGIN_FAILED, "无名登录失败", username="nobody")
    client.force_login(admin_a)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "前旗导出" in page and "鄂旗导出" not in page and "无名登录失败" not in page
    assert "鄂托克前旗" in page  # the region column
    client.force_login(admin_b)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "鄂旗导出" in page and "前旗导出" not in page
    client.force_login(personas.admin)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "前旗导出" in page and "鄂旗导出" in page and "无名登录失败" in page
    # Neither the search nor an entry's id reaches another county's rows.
    other = AuditEntry.objects.get(summary="鄂旗导出")
    client.force_login(admin_a)
    page = client.get(reverse("core:audit_list"), {"q": str(other.pk)}).content.decode()
    assert "鄂旗导出" not in page and "没有符合条件的记录" in page


def test_people_who_are_not_administrators_are_refused(client, personas):
    for user in (personas.inspector, personas.reviewer, personas.leader):
        client.force_login(user)
        assert client.get(reverse("core:audit_list")).status_code == 403


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_an_export_records_the_client_behind_the_proxy(client, personas):
    register(personas.inspector)
    api = api_for(personas.inspector)
    assert api.get("/api/v1/hazards/ledger.xlsx", **BEHIND_PROXY).status_code == 200
    client.force_login(personas.inspector)
    forged = {"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    assert client.get("/ledger/export.xlsx", **forged).status_code == 200
    through_proxy, direct = AuditEntry.objects.filter(kind=AuditKind.EXPORT).order_by("pk")
    assert (through_proxy.address, through_proxy.region_id) == (CLIENT, "150623")
    # A forged header from a client that is no proxy is not believed.
    assert direct.address == "192.0.2.7"


def test_the_admin_list_of_the_log_is_scoped_the_same_way(client, personas, county_admins):
    admin_a, _ = county_admins
    admin_a.is_staff = True
    admin_a.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Permission

    admin_a.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    audit_record(AuditKind.EXPORT, "前旗导出", user=personas.inspector)
    audit_record(AuditKind.EXPORT, "鄂旗导出", user=personas.inspector_b)
    client.force_login(admin_a)
    page = client.get("/admin/core/auditentry/")
    assert page.status_code == 200
    assert "前旗导出" in page.content.decode() and "鄂旗导出" not in page.content.decode()

"""The audit log: what is recorded (sign-ins and failures with name, address and reason;
exports; imports; refusals; admin changes), that it only grows, that evidence is read-only in
the admin, and that administrators search it in a Chinese page."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from core.audit import AuditEntry, AuditKind
from core.models import Sector
from enterprises.services import enterprise_import_commit, enterprise_import_preview
from tests.enterprises.test_import import good_row, xlsx
from tests.factories import make_credit_code
from tests.hazard_helpers import register

pytestmark = pytest.mark.django_db


def entries(kind):
    return list(AuditEntry.objects.filter(kind=kind).order_by("pk"))


def test_sign_ins_and_failures_are_recorded_with_name_address_and_reason(client, personas):
    client.post(
        reverse("accounts:login"),
        {"username": "inspector", "password": "bad"},
        REMOTE_ADDR="198.51.100.4",
    )
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "bad"})
    client.post(reverse("accounts:login"), {"username": "inspector", "password": "pass-12345"})
    wrong, unknown = entries(AuditKind.LOGIN_FAILED)
    assert (wrong.username, wrong.address) == ("inspector", "198.51.100.4")
    assert wrong.details["reason"] == "密码错误或已被锁定"
    assert unknown.username == "nobody" and unknown.details["reason"] == "用户不存在"
    (login,) = entries(AuditKind.LOGIN)
    assert login.user == personas.inspector and login.summary == "登录成功"
    # The API's token endpoint authenticates the same way.
    client.post("/api/v1/auth/token/", {"username": "reviewer", "password": "x"})
    assert entries(AuditKind.LOGIN_FAILED)[-1].username == "reviewer"


def test_exports_imports_and_refusals_are_recorded(client, personas):
    register(personas.inspector)
    client.force_login(personas.inspector)
    assert client.get("/ledger/export.xlsx").status_code == 200
    (export,) = entries(AuditKind.EXPORT)
    assert export.username == "inspector" and "1 条" in export.summary
    batch = enterprise_import_preview(
        by=personas.inspector, data=xlsx([good_row(1)]), file_name="名录.xlsx"
    )
    enterprise_import_commit(batch=batch, by=personas.inspector)
    (imported,) = entries(AuditKind.IMPORT)
    assert "名录.xlsx" in imported.target and "1 家" in imported.summary
    client.force_login(personas.leader)
    response = client.post(
        "/api/v1/enterprises/",
        {
            "credit_code": make_credit_code("150623"),
            "name": "新企业",
            "region": "150623101",
            "sector": Sector.objects.get(code="hazchem").pk,
        },
    )
    assert response.status_code == 403
    client.get(reverse("core:audit_list"))  # the HTML 403 page
    first, second = entries(AuditKind.REFUSAL)
    assert first.username == "leader" and first.target == "POST /api/v1/enterprises/"
    assert second.target == "GET /audit/" and second.summary == "只有系统管理员可以查看审计日志。"


def test_admin_changes_are_recorded(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:core_sector_change", args=[1]),
        {"code": "coal", "name": "煤矿（改）", "supervisor_kind": "energy", "order": 0},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        (change,) = entries(AuditKind.ADMIN_CHANGE)
        assert change.username == "admin" and change.summary == "后台修改行业领域"


def test_the_log_only_grows(personas):
    entry = AuditEntry.objects.create(kind=AuditKind.EXPORT, summary="x")
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(summary="y"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "x"


def test_evidence_is_read_only_in_the_admin(client, personas):
    client.force_login(personas.admin)
    AuditEntry.objects.create(kind=AuditKind.EXPORT, summary="x")
    for model in (
        "core/auditentry",
        "core/documentsequence",
        "reports/notice",
        "inspections/enforcementdocument",
        "hazards/hazardevent",
    ):
        assert client.get(f"/admin/{model}/add/").status_code == 403, model
        page = client.get(f"/admin/{model}/").content.decode()
        assert "delete_selected" not in page, model
    form = client.get("/admin/reports/monthlyreport/add/")
    assert form.status_code == 200 and 'name="state"' not in form.content.decode()


def test_administrators_search_the_log_in_chinese(client, personas):
    AuditEntry.objects.create(kind=AuditKind.LOGIN, username="inspector", summary="登录成功")
    AuditEntry.objects.create(kind=AuditKind.EXPORT, username="reviewer", summary="导出隐患台账")
    client.force_login(personas.inspector)
    assert client.get(reverse("core:audit_list")).status_code == 403
    client.force_login(personas.admin)
    page = client.get(reverse("core:audit_list"), {"q": "reviewer"}).content.decode()
    assert "审计日志" in page and "导出隐患台账" in page and "登录成功" not in page
    page = client.get(reverse("core:audit_list"), {"kind": "login"}).content.decode()
    assert "登录成功" in page and "导出隐患台账" not in page
    page = client.get(reverse("core:audit_list"), {"since": "2000-13-01"}).content.decode()
    assert "导出隐患台账" in page

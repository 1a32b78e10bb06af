"""Public reports (群众举报): the rules, each as a test that reads like it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import AuditEntry, AuditKind
from core.errors import Kind, ServiceError
from core.models import Department, Sector
from hazards.choices import HazardLevel, HazardSource
from hazards.models import Hazard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import jpeg_bytes, register
from tests.hazards.test_photos import assert_no_exif, jpeg_with_exif
from tipoffs import services
from tipoffs.choices import TipoffState
from tipoffs.models import Tipoff

pytestmark = pytest.mark.django_db

TOWN = "150623101"  # a town of 鄂托克前旗, the personas' county


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clear_limits():
    from django.core.cache import cache

    cache.delete_pattern("*rl:*")
    yield
    cache.delete_pattern("*rl:*")


def submit(**overrides) -> Tipoff:
    fields = {"region": TOWN, "what": "仓库里堆放大量油漆，没有灭火器", "where": "某某化工厂"}
    fields.update(overrides)
    return services.tipoff_submit(**fields)


def post_report(client, **overrides):
    """POST the public form; upper-case keywords are request headers (REMOTE_ADDR …)."""
    data = {"region": TOWN, "where": "某某加油站", "what": "夜间违规卸油"}
    data.update({k: v for k, v in overrides.items() if not k.isupper()})
    extra = {k: v for k, v in overrides.items() if k.isupper()}
    return client.post(reverse("tipoffs:tipoff_create"), data, **extra)


# ---------------------------------------------------------------- filing


def test_an_anonymous_report_needs_no_phone(client, clear_limits):
    response = post_report(client)
    assert response.status_code == 200
    tipoff = Tipoff.objects.get()
    assert tipoff.anonymous and tipoff.phone == ""
    assert tipoff.code in response.content.decode()


def test_a_phone_number_must_be_a_mainland_mobile_or_landline(client, clear_limits):
    response = post_report(client, phone="12345")
    assert "电话号码“12345”格式不正确" in response.content.decode()
    assert not Tipoff.objects.exists()
    assert submit(phone="0477-8123456").phone == "0477-8123456"
    assert submit(phone="+86 139 0000 0000").phone == "13900000000"


def test_the_town_must_be_one_of_this_installations_regions():
    with pytest.raises(ServiceError, match="请选择所在旗县"):
        submit(region="110101001")


def test_photos_are_checked_and_stored_without_exif(client, clear_limits):
    photo = SimpleUploadedFile("a.jpg", jpeg_with_exif(), content_type="image/jpeg")
    post_report(client, photos=[photo])
    stored = Tipoff.objects.get().photos.get()
    assert_no_exif(stored.image.read())
    bad = SimpleUploadedFile("b.jpg", b"not an image", content_type="image/jpeg")
    response = post_report(client, photos=[bad])
    assert "不是有效的图片文件" in response.content.decode()
    assert Tipoff.objects.count() == 1


def test_reports_are_rate_limited_per_client_address_with_a_chinese_429(
    client, settings, clear_limits
):
    settings.TIPOFF_RATE = "2/h"
    assert post_report(client).status_code == 200
    assert post_report(client).status_code == 200
    refused = post_report(client)
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert Tipoff.objects.count() == 2
    # Another address is counted apart.
    assert post_report(client, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_rate_limit_believes_forwarded_for_only_from_a_trusted_proxy(
    client, settings, clear_limits
):
    settings.TIPOFF_RATE = "1/h"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert post_report(client, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert post_report(client, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 200
    assert post_report(client, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_the_public_page_keeps_csrf_on(clear_limits):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_report(strict).status_code == 403
    assert not Tipoff.objects.exists()


def test_tracking_codes_are_twelve_unguessable_characters():
    codes = {submit().code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 12 and set(c) <= set(services.CODE_ALPHABET) for c in codes)


# ---------------------------------------------------------------- the tracking code


def test_the_tracking_code_reveals_only_the_state_and_its_date(client, personas, clear_limits):
    tipoff = submit(phone="13900000001", what="秘密内容甲", where="某某企业乙")
    services.apply(tipoff=tipoff, action="reject", by=personas.reviewer, reason="不属于安全生产")
    response = client.post(reverse("tipoffs:tipoff_status"), {"code": tipoff.code.lower()})
    body = response.content.decode()
    assert "不予受理" in body and timezone.localdate().strftime("%Y-%m-%d") in body
    for secret in ("13900000001", "秘密内容甲", "某某企业乙", "不属于安全生产"):
        assert secret not in body
    unknown = client.post(reverse("tipoffs:tipoff_status"), {"code": "ZZZZZZZZZZZZ"})
    assert "没有找到这个查询码" in unknown.content.decode()


# ---------------------------------------------------------------- triage


def test_accepting_moves_a_new_report_to_accepted_with_an_event(personas):
    tipoff = services.apply(tipoff=submit(), action="accept", by=personas.inspector)
    assert tipoff.state == TipoffState.ACCEPTED
    assert tipoff.events.last().actor == personas.inspector


def test_a_rejection_needs_a_reason(personas):
    tipoff = submit()
    with pytest.raises(ServiceError, match="请写明不予受理的理由"):
        services.apply(tipoff=tipoff, action="reject", by=personas.reviewer, reason=" ")
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.NEW
    services.apply(tipoff=tipoff, action="reject", by=personas.reviewer, reason="重复举报")
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.REJECTED and tipoff.reject_reason == "重复举报"


def test_a_step_in_the_wrong_state_is_refused(personas):
    tipoff = submit()
    with pytest.raises(ServiceError) as refused:
        services.apply(tipoff=tipoff, action="not-verified", by=personas.reviewer, finding="无此事")
    assert refused.value.kind == Kind.STATE


def test_a_leader_cannot_triage(personas):
    with pytest.raises(ServiceError) as refused:
        services.apply(tipoff=submit(), action="accept", by=personas.leader)
    assert refused.value.kind == Kind.ROLE


def test_a_transfer_goes_to_the_department_supervising_the_sector(personas):
    tipoff = submit()
    construction = Sector.objects.get(code="construction")
    services.apply(tipoff=tipoff, action="transfer", by=personas.reviewer, sector=construction)
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.TRANSFERRED
    assert tipoff.department == Department.objects.get(name="鄂托克前旗住房和城乡建设局")
    # The 住建 department now sees it; before the transfer it did not.
    assert Tipoff.objects.for_user(personas.housing).filter(pk=tipoff.pk).exists()
    assert not Tipoff.objects.for_user(personas.housing).filter(pk=submit().pk).exists()


def test_a_transfer_by_enterprise_uses_the_enterprises_sector(personas):
    enterprise = EnterpriseFactory()
    tipoff = submit()
    services.apply(tipoff=tipoff, action="transfer", by=personas.reviewer, enterprise=enterprise.pk)
    tipoff.refresh_from_db()
    assert tipoff.sector == enterprise.sector
    assert tipoff.department.kind == enterprise.sector.supervisor_kind
    assert tipoff.department.region_id == "150623"


def test_a_transfer_without_a_department_of_that_kind_says_so(personas):
    tipoff = submit()
    water = Sector.objects.filter(supervisor_kind="water").first()
    with pytest.raises(ServiceError, match="本县没有监管"):
        services.apply(tipoff=tipoff, action="transfer", by=personas.reviewer, sector=water)


def verify(tipoff, by, enterprise, **extra):
    return services.apply(
        tipoff=tipoff,
        action="verify",
        by=by,
        enterprise=enterprise.pk,
        level=HazardLevel.GENERAL,
        deadline=timezone.localdate() + timedelta(days=30),
        **extra,
    )


def test_verification_creates_one_hazard_with_the_source_and_the_link(personas):
    enterprise = EnterpriseFactory()
    tipoff = submit(photos=[("a.jpg", jpeg_bytes())])
    services.apply(tipoff=tipoff, action="accept", by=personas.inspector)
    verify(tipoff, personas.inspector, enterprise, finding="现场属实")
    tipoff.refresh_from_db()
    hazard = Hazard.objects.get()
    assert tipoff.state == TipoffState.VERIFIED and tipoff.hazard == hazard
    assert (
        hazard.source == HazardSource.PUBLIC_REPORT
        and hazard.get_source_display() == "群众举报查实"
    )
    assert hazard.enterprise == enterprise and hazard.description == tipoff.what
    assert hazard.photos.count() == 1
    with pytest.raises(ServiceError):
        verify(tipoff, personas.inspector, enterprise)
    assert Hazard.objects.count() == 1


def test_the_hazard_page_links_back_to_its_report_only_for_who_may_see_the_report(client, personas):
    # A building-sector enterprise: the 住建 department sees its hazard, but the report was
    # never transferred to it, so it does not see the report nor the link.
    enterprise = EnterpriseFactory(sector=Sector.objects.get(code="construction"))
    tipoff = submit(where="前旗某工地")
    services.apply(tipoff=tipoff, action="accept", by=personas.inspector)
    verify(tipoff, personas.inspector, enterprise)
    hazard = Hazard.objects.get()
    client.force_login(personas.inspector)
    body = client.get(hazard.get_absolute_url()).content.decode()
    assert "来源举报" in body and tipoff.get_absolute_url() in body
    client.force_login(personas.housing)
    response = client.get(hazard.get_absolute_url())
    assert response.status_code == 200
    assert "来源举报" not in response.content.decode()
    assert tipoff.get_absolute_url() not in response.content.decode()
    assert client.get(tipoff.get_absolute_url()).status_code == 404
    # A hazard not from a report has no such line.
    client.force_login(personas.inspector)
    other = register(personas.inspector, enterprise=enterprise)
    assert "来源举报" not in client.get(other.get_absolute_url()).content.decode()


def test_a_refused_hazard_leaves_the_report_unverified(personas):
    enterprise = EnterpriseFactory()
    tipoff = services.apply(tipoff=submit(), action="accept", by=personas.inspector)
    with pytest.raises(ServiceError, match="重大事故隐患必须选择判定依据"):
        services.apply(
            tipoff=tipoff,
            action="verify",
            by=personas.inspector,
            enterprise=enterprise.pk,
            level=HazardLevel.MAJOR,
            deadline=timezone.localdate() + timedelta(days=30),
        )
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.ACCEPTED and tipoff.hazard is None
    assert not Hazard.objects.exists()


def test_not_verified_closes_the_report_with_a_finding(personas):
    tipoff = services.apply(tipoff=submit(), action="accept", by=personas.inspector)
    services.apply(
        tipoff=tipoff, action="not-verified", by=personas.inspector, finding="现场无此问题"
    )
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.NOT_VERIFIED and not tipoff.is_open
    assert services.tipoff_status(tipoff.code).label == "未查实"


# ---------------------------------------------------------------- rewards


def test_a_reward_approver_differs_from_its_recorder(personas):
    tipoff = submit()
    services.apply(tipoff=tipoff, action="accept", by=personas.inspector)
    verify(tipoff, personas.inspector, EnterpriseFactory())
    services.reward_record(tipoff=tipoff, by=personas.reviewer, amount="500")
    with pytest.raises(ServiceError, match="审批人不能是奖励的登记人"):
        services.reward_approve(tipoff=tipoff, by=personas.reviewer)
    tipoff = services.reward_approve(tipoff=tipoff, by=personas.admin)
    assert tipoff.reward_amount == Decimal("500.00") and tipoff.reward_approved_by == personas.admin
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Tipoff.objects.filter(pk=tipoff.pk).update(reward_approved_by=personas.reviewer)


def test_only_a_verified_report_gets_a_reward(personas):
    with pytest.raises(ServiceError, match="只有已查实的举报"):
        services.reward_record(tipoff=submit(), by=personas.reviewer, amount="100")


# ---------------------------------------------------------------- identity and scope


def test_the_phone_is_shown_only_to_handling_staff_in_scope_and_each_view_is_audited(
    client, personas
):
    tipoff = submit(phone="13900000009")
    url = reverse("tipoffs:tipoff_identity", args=[tipoff.pk])
    client.force_login(personas.reviewer)
    detail = client.get(tipoff.get_absolute_url()).content.decode()
    assert "13900000009" not in detail
    for _ in range(2):
        assert "13900000009" in client.post(url).content.decode()
    entries = AuditEntry.objects.filter(kind=AuditKind.TIPOFF_IDENTITY)
    assert entries.count() == 2 and {e.username for e in entries} == {"reviewer"}
    client.force_login(personas.leader)  # sees the report, does not handle it
    assert "13900000009" not in client.post(url, follow=True).content.decode()
    client.force_login(personas.inspector_b)
    assert client.post(url).status_code == 404
    assert entries.count() == 2


def test_a_report_out_of_scope_is_404(client, personas):
    tipoff = submit()
    for user in (personas.inspector_b, personas.housing):
        client.force_login(user)
        assert client.get(tipoff.get_absolute_url()).status_code == 404
        assert client.get(reverse("api:tipoff-detail", args=[tipoff.pk])).status_code == 404
        step = reverse("tipoffs:tipoff_step", args=[tipoff.pk, "accept"])
        assert client.post(step).status_code == 404
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.NEW


def test_the_staff_list_shows_only_reports_in_scope(client, personas):
    mine = submit(where="前旗某企业")
    other = submit(region="150624", where="鄂托克旗某企业")
    client.force_login(personas.inspector)
    body = client.get(reverse("tipoffs:tipoff_list")).content.decode()
    assert mine.where in body and other.where not in body
    filtered = client.get(reverse("tipoffs:tipoff_list"), {"state": "rejected"}).content.decode()
    assert mine.where not in filtered


# ---------------------------------------------------------------- API


def test_the_api_takes_the_same_steps_and_audits_the_identity(client, personas):
    enterprise = EnterpriseFactory()
    tipoff = submit(phone="13900000007")
    client.force_login(personas.inspector)
    listing = client.get(reverse("api:tipoff-list")).json()
    assert [row["id"] for row in listing["results"]] == [tipoff.pk]
    assert "phone" not in listing["results"][0]
    base = f"/api/v1/tipoffs/{tipoff.pk}"
    refused = client.post(f"{base}/reject/", {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400
    assert client.post(f"{base}/accept/", {}, content_type="application/json").status_code == 200
    payload = {
        "enterprise": enterprise.pk,
        "level": "general",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    verified = client.post(f"{base}/verify/", payload, content_type="application/json")
    assert verified.status_code == 200 and verified.json()["state"] == "verified"
    assert verified.json()["hazard"] == Hazard.objects.get().pk
    identity = client.get(f"{base}/identity/").json()
    assert identity == {"anonymous": False, "phone": "13900000007"}
    assert AuditEntry.objects.filter(kind=AuditKind.TIPOFF_IDENTITY).count() == 1
    client.force_login(personas.leader)
    assert client.get(f"{base}/identity/").status_code == 403


def test_the_pages_take_the_steps_and_show_a_missing_reason_in_chinese(client, personas):
    tipoff = submit()
    client.force_login(personas.reviewer)
    reject = reverse("tipoffs:tipoff_step", args=[tipoff.pk, "reject"])
    refused = client.post(reject, {"reject-reason": ""})
    body = refused.content.decode()
    assert refused.status_code == 400, body
    assert "该字段是必填项" in body
    accept = reverse("tipoffs:tipoff_step", args=[tipoff.pk, "accept"])
    assert client.post(accept, {}, follow=True).content.decode().count("已受理。") == 1
    tipoff.refresh_from_db()
    assert tipoff.state == TipoffState.ACCEPTED
    unknown = reverse("tipoffs:tipoff_step", args=[tipoff.pk, "sign-off"])
    assert client.post(unknown).status_code == 404

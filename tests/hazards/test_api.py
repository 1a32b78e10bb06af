"""The hazards REST API: scoping, filters, registration, every workflow step, errors, photos."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import User
from core.models import Sector
from hazards.choices import Action, HazardLevel, HazardState
from hazards.models import Hazard
from hazards.workflow import TABLE
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import PLAN, a_clause, advance, jpeg_bytes, png_bytes, register, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(hazard, action=None) -> str:
    base = f"/api/v1/hazards/{hazard.pk}/"
    return f"{base}{action}/" if action else base


def step(user, hazard, action, **body):
    return client_for(user).post(url(hazard, action), body, format="json")


def upload(user, hazard, name, data, kind="after", content_type="image/jpeg"):
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return client_for(user).post(
        url(hazard, "photos"), {"file": file, "kind": kind}, format="multipart"
    )


# ---------------------------------------------------------------- scoping


def test_another_county_sees_nothing_and_gets_404(personas):
    hazard = register(personas.inspector)
    upload(personas.inspector, hazard, "before.jpg", jpeg_bytes(), kind="before")
    photo = hazard.photos.get()
    own = client_for(personas.inspector).get("/api/v1/hazards/").json()
    assert [row["id"] for row in own["results"]] == [hazard.pk]

    api = client_for(personas.inspector_b)
    assert api.get("/api/v1/hazards/").json()["count"] == 0
    response = api.get(url(hazard))
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该对象，或不在您的管辖范围内。"
    response = api.post(url(hazard, "start-rectification"), PLAN, format="json")
    assert response.status_code == 404
    assert api.patch(url(hazard), {"place": "别处"}, format="json").status_code == 404
    assert api.get(f"{url(hazard)}photos/{photo.pk}/").status_code == 404
    assert upload(personas.inspector_b, hazard, "x.jpg", jpeg_bytes()).status_code == 404
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REGISTERED and hazard.place == "储罐区"


# ---------------------------------------------------------------- list and filters


def test_filters_by_state_level_and_overdue(personas):
    enterprise = EnterpriseFactory()
    general = register(personas.inspector, enterprise=enterprise, level=HazardLevel.GENERAL)
    late = register(
        personas.inspector, enterprise=enterprise, found=today() - timedelta(days=40), days=10
    )
    rectifying = advance(
        register(personas.inspector, enterprise=enterprise),
        HazardState.RECTIFYING,
        inspector=personas.inspector,
        reviewer=personas.reviewer,
    )
    api = client_for(personas.inspector)

    def ids(query):
        response = api.get(f"/api/v1/hazards/?{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {general.pk, late.pk, rectifying.pk}
    assert ids("state=rectifying") == {rectifying.pk}
    assert ids("state=registered&state=rectifying") == {general.pk, late.pk, rectifying.pk}
    assert ids("level=general") == {general.pk}
    assert ids("level=major") == {late.pk, rectifying.pk}
    assert ids("overdue=true") == {late.pk}
    assert ids("overdue=false") == {general.pk, rectifying.pk}
    rows = api.get("/api/v1/hazards/?ordering=deadline").json()["results"]
    assert rows[0]["id"] == late.pk and rows[0]["is_overdue"] is True
    assert rows[0]["overdue_days"] == 30

    response = api.get("/api/v1/hazards/?state=bogus")
    assert response.status_code == 400 and "bogus" in str(response.json()["fields"]["state"])


def test_list_query_count_does_not_grow_with_page_size(personas, django_assert_max_num_queries):
    enterprises = [EnterpriseFactory() for _ in range(4)]
    for i in range(40):
        register(
            personas.inspector,
            enterprise=enterprises[i % 4],
            level=HazardLevel.MAJOR if i % 2 else HazardLevel.GENERAL,
        )

    def fetch(page_size):
        # A fresh user each time, as on a real request: its region and department load too.
        api = client_for(User.objects.get(pk=personas.inspector.pk))
        response = api.get(f"/api/v1/hazards/?page_size={page_size}")
        return response.json()["results"]

    with django_assert_max_num_queries(5) as small:
        assert len(fetch(5)) == 5
    with django_assert_max_num_queries(5) as large:
        rows = fetch(100)
    assert len(rows) == 40 and {row["enterprise_name"] for row in rows} == {
        e.name for e in enterprises
    }
    assert len(large.captured_queries) == len(small.captured_queries)


# ---------------------------------------------------------------- registration and edits


def registration(enterprise, **overrides):
    return {
        "enterprise": enterprise.pk,
        "level": HazardLevel.GENERAL,
        "place": "配电室",
        "description": "配电柜前未铺设绝缘胶垫",
        "deadline": (today() + timedelta(days=15)).isoformat(),
        **overrides,
    }


def test_create_registers_through_the_service(personas):
    enterprise = EnterpriseFactory()
    api = client_for(personas.inspector)
    response = api.post("/api/v1/hazards/", registration(enterprise), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("150623-") and body["state"] == HazardState.REGISTERED
    assert body["found_date"] == today().isoformat()
    assert [e["action"] for e in body["events"]] == [Action.REGISTER]
    assert "start-rectification" in [a["action"] for a in body["available_actions"]]

    clause = a_clause(enterprise)
    response = api.post(
        "/api/v1/hazards/",
        registration(enterprise, level=HazardLevel.MAJOR, clause=clause.pk),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["clause_label"] == str(clause)


def test_create_major_without_clause_is_refused_in_chinese(personas):
    ammonia = EnterpriseFactory(sector=Sector.objects.get(code="ammonia"))
    response = client_for(personas.inspector).post(
        "/api/v1/hazards/", registration(ammonia, level="major"), format="json"
    )
    assert response.status_code == 400
    message = "重大事故隐患必须选择判定依据（判定标准条款）。"
    assert response.json()["detail"] == message
    assert response.json()["fields"] == {"clause": [message]}
    assert not Hazard.objects.exists()


def test_create_refuses_an_enterprise_out_of_scope_and_a_leader(personas):
    enterprise = EnterpriseFactory()
    response = client_for(personas.inspector_b).post(
        "/api/v1/hazards/", registration(enterprise), format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["enterprise"] == ["企业不存在，或不在您的管辖范围内。"]
    assert response.json()["detail"] == "生产经营单位：企业不存在，或不在您的管辖范围内。"
    response = client_for(personas.leader).post(
        "/api/v1/hazards/", registration(enterprise), format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色不能登记隐患。"


def test_patch_edits_via_the_service_and_no_delete(personas):
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    api = client_for(personas.inspector)
    response = api.patch(url(hazard), {"place": "二号车间", "remarks": "复核"}, format="json")
    assert response.status_code == 200
    assert response.json()["place"] == "二号车间"
    assert response.json()["events"][-1]["action"] == Action.EDIT
    response = api.patch(url(hazard), {"level": "major"}, format="json")
    assert response.status_code == 400 and "clause" in response.json()["fields"]
    assert api.delete(url(hazard)).status_code == 405
    assert api.put(url(hazard), {}, format="json").status_code == 405


# ---------------------------------------------------------------- workflow steps


def test_every_workflow_action_is_reachable_and_returns_the_new_state(personas):
    inspector, reviewer = personas.inspector, personas.reviewer
    # 其他依据: the 2017 化工 standard was replaced by AQ 3067—2026, which is not loaded.
    hazard = register(inspector, days=10, clause=None, other_basis="AQ 3067—2026 第4.1条")
    used = set()

    def ok(user, action, state, **body):
        response = step(user, hazard, action, **body)
        assert response.status_code == 200, (action, response.json())
        assert response.json()["state"] == state
        used.add(action)
        return response.json()

    plan = {**PLAN, "plan_deadline": hazard.current_deadline.isoformat(), "stoppage": "partial"}
    body = ok(inspector, "start-rectification", HazardState.RECTIFYING, **plan)
    assert body["stoppage"] == "partial" and body["funds"] == "3.50"
    ok(inspector, "report-progress", HazardState.RECTIFYING, comment="探头已到货")
    later = (hazard.current_deadline + timedelta(days=7)).isoformat()
    extension = {"requested_deadline": later, "reason": "设备到货延迟", "interim_measures": "停用"}
    # One approved extension per hazard by default: refuse a first request, approve a second.
    ok(inspector, "request-extension", HazardState.RECTIFYING, **extension)
    body = ok(reviewer, "refuse-extension", HazardState.RECTIFYING, comment="理由不充分")
    assert body["current_deadline"] == hazard.current_deadline.isoformat()
    ok(inspector, "request-extension", HazardState.RECTIFYING, **extension)
    body = ok(reviewer, "approve-extension", HazardState.RECTIFYING, comment="同意")
    assert body["current_deadline"] == later
    assert body["extensions"][0]["status"] == "approved"
    supervision = {
        "level": "county",
        "doc_no": "鄂前安督〔2026〕1号",
        "issuing_unit": "鄂托克前旗安委办",
        "deadline": later,
    }
    body = ok(reviewer, "list-supervision", HazardState.RECTIFYING, **supervision)
    assert body["supervision_level"] == "county" and len(body["supervisions"]) == 1
    body = ok(
        inspector,
        "record-dual-report",
        HazardState.RECTIFYING,
        reported_to_regulator=today().isoformat(),
    )
    assert body["reported_to_regulator"] == today().isoformat()
    ok(
        reviewer,
        "record-urging",
        HazardState.RECTIFYING,
        urging_kind="interview",
        comment="约谈企业主要负责人，要求一周内完成整改",
    )
    refused = step(inspector, hazard, "record-urging", urging_kind="interview", comment="x")
    assert refused.status_code == 403
    assert upload(inspector, hazard, "after.jpg", jpeg_bytes()).status_code == 201
    done = {"completed_date": today().isoformat(), "completion_note": "已更换并调试合格"}
    ok(inspector, "submit-rectification", HazardState.AWAITING_RECHECK, **done)
    new_deadline = (today() + timedelta(days=5)).isoformat()
    body = ok(
        inspector,
        "recheck-fail",
        HazardState.RECTIFYING,
        recheck_opinion="仍有一处探头未联网",
        new_deadline=new_deadline,
    )
    assert body["current_deadline"] == new_deadline
    ok(inspector, "submit-rectification", HazardState.AWAITING_RECHECK, **done)
    ok(inspector, "recheck-pass", HazardState.RECHECKED, recheck_opinion="已整改到位")
    assert step(reviewer, hazard, "sign-off").status_code == 409
    body = ok(reviewer, "confirm-basis", HazardState.RECHECKED, comment="依据属实")
    assert body["basis_confirmed_by"]["id"] == reviewer.pk and body["basis_confirmed_at"]
    body = ok(reviewer, "sign-off", HazardState.CLOSED, comment="同意销号")
    assert body["closed_date"] == today().isoformat()
    body = ok(reviewer, "remove-supervision", HazardState.CLOSED)
    assert body["supervision_level"] == "" and body["supervisions"][0]["removed_at"]

    assert used == {action.value for action in TABLE}
    assert body["events"][-1]["action"] == "remove-supervision"
    assert body["events"][-2]["comment"] == "同意销号"


def test_bad_input_is_400_with_the_field_and_a_chinese_message(personas):
    hazard = register(personas.inspector)
    response = step(personas.inspector, hazard, "start-rectification", responsible_person="张三")
    assert response.status_code == 400
    # Every missing input of a 重大 hazard's plan at once, not one per request.
    assert response.json()["detail"] == (
        "请修改以下 4 处：请填写整改措施。请填写整改资金。请填写整改时限。请填写安全措施和应急预案。"
    )
    assert response.json()["fields"] == {
        "measures": ["请填写整改措施。"],
        "funds": ["请填写整改资金。"],
        "plan_deadline": ["请填写整改时限。"],
        "emergency_plan": ["请填写安全措施和应急预案。"],
    }
    response = step(personas.inspector, hazard, "start-rectification", funds="很多")
    assert response.status_code == 400 and "funds" in response.json()["fields"]
    assert response.json()["detail"].startswith("整改资金（万元）：")


def test_wrong_role_is_403_with_a_chinese_message(personas):
    hazard = register(personas.inspector)
    response = step(personas.leader, hazard, "start-rectification", **PLAN)
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色（领导）不能开始整改。"


def test_wrong_state_is_409_with_a_chinese_message(personas):
    hazard = register(personas.inspector)
    response = step(personas.reviewer, hazard, "sign-off")
    assert response.status_code == 409
    assert response.json() == {"detail": "隐患当前状态为“已登记”，不能销号。", "code": "conflict"}


def test_recheck_dispatches_on_passed(personas):
    def awaiting():
        return advance(
            register(personas.inspector),
            HazardState.AWAITING_RECHECK,
            inspector=personas.inspector,
            reviewer=personas.reviewer,
        )

    hazard = awaiting()
    response = step(personas.inspector, hazard, "recheck", passed=True, recheck_opinion="合格")
    assert response.status_code == 200 and response.json()["state"] == HazardState.RECHECKED
    assert response.json()["events"][-1]["action"] == "recheck-pass"

    hazard = awaiting()
    response = step(personas.inspector, hazard, "recheck", passed=False, recheck_opinion="不合格")
    assert response.status_code == 400
    assert response.json()["fields"] == {"new_deadline": ["请填写新的整改期限。"]}
    new_deadline = (today() + timedelta(days=3)).isoformat()
    response = step(
        personas.inspector,
        hazard,
        "recheck",
        passed=False,
        recheck_opinion="不合格",
        new_deadline=new_deadline,
    )
    assert response.status_code == 200 and response.json()["state"] == HazardState.RECTIFYING
    assert response.json()["current_deadline"] == new_deadline
    assert response.json()["events"][-1]["action"] == "recheck-fail"

    response = step(personas.inspector, hazard, "recheck", recheck_opinion="合格")
    assert response.status_code == 400 and "passed" in response.json()["fields"]


# ---------------------------------------------------------------- photos


def test_photo_upload_accepts_jpeg_and_png_and_serves_them_in_scope(personas):
    hazard = register(personas.inspector)
    response = upload(personas.inspector, hazard, "before.jpg", jpeg_bytes(), kind="before")
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "before" and response.json()["extension"] == "jpg"
    response = upload(
        personas.inspector, hazard, "plan.png", png_bytes(), kind="before", content_type="image/png"
    )
    assert response.status_code == 201 and response.json()["extension"] == "png"

    detail = client_for(personas.reviewer).get(url(hazard)).json()
    assert [p["kind"] for p in detail["photos"]] == ["before", "before"]
    photo = detail["photos"][0]
    download = client_for(personas.reviewer).get(photo["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(download.streaming_content))) as served:
        # The stored copy is re-encoded without EXIF: same picture, not the same bytes.
        assert served.format == "JPEG" and served.size == Image.open(io.BytesIO(jpeg_bytes())).size
    thumb = client_for(personas.reviewer).get(photo["thumbnail_url"], HTTP_ACCEPT="image/*")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client_for(personas.inspector_b).get(photo["thumbnail_url"]).status_code == 404


def test_photo_upload_refuses_a_pdf_renamed_jpg_and_wrong_state(personas):
    hazard = register(personas.inspector)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF\n"
    response = upload(personas.inspector, hazard, "scan.jpg", pdf, kind="before")
    assert response.status_code == 400
    assert response.json()["detail"] == "“scan.jpg”不是有效的图片文件，或文件已损坏。"
    assert "file" in response.json()["fields"]
    response = upload(personas.inspector, hazard, "after.jpg", jpeg_bytes(), kind="after")
    assert response.status_code == 409
    assert "不能上传整改后照片" in response.json()["detail"]
    assert not hazard.photos.exists()


# ---------------------------------------------------------------- auth, standards, clauses


def test_token_auth_reaches_the_hazard_api(personas):
    register(personas.inspector)
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "inspector", "password": "pass-12345"})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/hazards/").json()["count"] == 1
    anonymous = APIClient().get("/api/v1/hazards/")
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"] == "请先登录或提供有效的 Token。"


def test_standards_and_clause_search(personas):
    api = client_for(personas.housing)
    enterprise = EnterpriseFactory()
    sector = enterprise.sector
    standards = api.get(f"/api/v1/standards/?sector={sector.pk}&page_size=500").json()
    assert standards["count"] >= 1
    standard = standards["results"][0]
    assert standard["clause_count"] > 0
    detail = api.get(f"/api/v1/standards/{standard['id']}/").json()
    assert len(detail["clauses"]) == standard["clause_count"]
    assert api.get("/api/v1/standards/?q=不存在的标准名称").json()["count"] == 0

    clause = a_clause(enterprise)
    found = api.get(f"/api/v1/clauses/?sector={sector.pk}&page_size=500").json()
    assert clause.pk in {row["id"] for row in found["results"]}
    word = clause.text[:4]
    found = api.get("/api/v1/clauses/", {"sector": sector.pk, "q": word}).json()
    assert found["count"] >= 1 and all(word in row["text"] for row in found["results"])
    assert api.get(f"/api/v1/clauses/{clause.pk}/").json()["citation"] == clause.citation
    response = api.get("/api/v1/clauses/?sector=999999")
    assert response.status_code == 400 and "sector" in response.json()["fields"]
    assert response.json()["detail"] == "行业领域：行业领域“999999”不存在。"


def test_an_absurd_overdue_day_count_is_bad_input_not_a_server_error(personas):
    api = APIClient()
    api.force_authenticate(personas.reviewer)
    for name in ("overdue_days_min", "overdue_days_max"):
        response = api.get(f"/api/v1/hazards/?{name}=3.4774364708304524e16")
        assert response.status_code == 400 and name in response.json()["fields"]
    assert api.get("/api/v1/hazards/?overdue_days_min=36500").status_code == 200

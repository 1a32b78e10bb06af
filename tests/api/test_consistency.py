"""The API answers every error the same way: JSON {"detail": 中文, "code", ...}; lists are paginated
with a cap; /api/v1/me/; token logins are throttled more strictly than the rest."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.api.views import LOGIN_RATE, LoginRateThrottle
from core.api.base import exception_handler
from core.models import Region
from hazards.choices import Action
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import register, today

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert has_chinese(body["detail"]), body
    assert body["code"]
    return body


# ---------------------------------------------------------------- one test per error class


def test_400_field_errors_name_the_first_problem(personas):
    body = error(
        client_for(personas.inspector).post("/api/v1/enterprises/", {}, format="json"), 400
    )
    assert body["code"] == "invalid"
    assert set(body["fields"]) >= {"credit_code", "name", "region", "sector"}
    assert body["detail"].startswith("提交的数据有误")


def test_400_bad_query_parameter(personas):
    body = error(client_for(personas.inspector).get("/api/v1/reports/?year=²"), 400)
    assert body["detail"] == "年度：请填写合法的整数值。"
    assert body["fields"] == {"year": ["请填写合法的整数值。"]}


def test_400_parse_error(personas):
    response = client_for(personas.inspector).post(
        "/api/v1/enterprises/", data="{not json", content_type="application/json"
    )
    assert error(response, 400)["code"] == "parse_error"


def test_400_nul_character_instead_of_a_database_error(personas):
    api = client_for(personas.inspector)
    body = error(api.get("/api/v1/notices/?q=a%00b"), 400)
    assert "空字符" in body["detail"]
    response = api.post("/api/v1/enterprises/", {"region": "15\x0062"}, format="json")
    assert "空字符" in error(response, 400)["fields"]["region"][0]


def test_401_without_and_with_a_bad_token():
    assert error(APIClient().get("/api/v1/me/"), 401)["code"] == "not_authenticated"
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Token nonsense")
    assert error(response, 401)["code"] == "authentication_failed"


def test_403_wrong_role_keeps_the_service_message(personas):
    enterprise = EnterpriseFactory()
    hazard = {
        "enterprise": enterprise.pk,
        "level": "general",
        "place": "配电室",
        "description": "配电柜前未铺设绝缘垫",
        "deadline": (today() + timedelta(days=10)).isoformat(),
    }
    body = error(client_for(personas.leader).post("/api/v1/hazards/", hazard, format="json"), 403)
    assert body["code"] == "permission_denied"


def test_404_object_out_of_scope_and_unknown_path(personas):
    hazard = register(personas.inspector_b, enterprise=EnterpriseFactory(region_id="150624"))
    api = client_for(personas.inspector)
    assert error(api.get(f"/api/v1/hazards/{hazard.pk}/"), 404)["code"] == "not_found"
    assert error(api.get("/api/v1/no-such-thing/"), 404)["code"] == "not_found"
    # Without its trailing slash a real path is still redirected, as Django does elsewhere.
    response = api.get("/api/v1/regions")
    assert response.status_code == 301 and response["Location"].endswith("/api/v1/regions/")


def test_405_method_not_allowed(personas):
    body = error(client_for(personas.inspector).delete("/api/v1/regions/"), 405)
    assert body["code"] == "method_not_allowed"


def test_409_wrong_state(personas):
    hazard = register(personas.inspector)
    url = f"/api/v1/hazards/{hazard.pk}/{Action.SIGN_OFF.value}/"
    assert error(client_for(personas.reviewer).post(url, {}, format="json"), 409)["code"]


def test_415_unsupported_media_type(personas):
    response = client_for(personas.inspector).post(
        "/api/v1/enterprises/", data="name=x", content_type="text/plain"
    )
    assert error(response, 415)["code"] == "unsupported_media_type"


def test_django_errors_raised_in_a_view_become_the_same_json():
    response = exception_handler(Http404("未找到该任务。"), {})
    assert response.status_code == 404 and has_chinese(response.data["detail"])

    response = exception_handler(PermissionDenied("只有审核人员可以销号。"), {})
    assert response.status_code == 403
    assert response.data["detail"] == "只有审核人员可以销号。"

    response = exception_handler(PermissionDenied(), {})
    assert response.status_code == 403 and has_chinese(response.data["detail"])

    response = exception_handler(DjangoValidationError({"name": ["名称不能为空。"]}), {})
    assert response.status_code == 400
    assert response.data["fields"] == {"name": ["名称不能为空。"]}
    assert "名称不能为空。" in response.data["detail"]

    response = exception_handler(DjangoValidationError("期限不能早于发现日期。"), {})
    assert response.status_code == 400
    assert response.data["detail"] == "期限不能早于发现日期。"


# ---------------------------------------------------------------- 429: the login throttle


def _throttling(login_rate: str):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_CLASSES"] = [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ]
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "1000/min", "user": "1000/min", "login": login_rate}
    return override_settings(REST_FRAMEWORK=rest)


@pytest.fixture
def clean_throttle_cache():
    keys = ["throttle_login_127.0.0.1", "throttle_anon_127.0.0.1"]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_429_token_login_is_throttled_more_strictly(personas, clean_throttle_cache):
    api = APIClient()
    with _throttling("3/min"):
        answers = [
            api.post("/api/v1/auth/token/", {"username": "inspector", "password": "pass-12345"})
            for _ in range(4)
        ]
        # Other endpoints keep the API's own (looser) rate.
        assert APIClient().get("/api/v1/me/").status_code == 401
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    body = error(answers[-1], 429)
    assert body["code"] == "throttled" and "秒后再试" in body["detail"]
    assert int(answers[-1]["Retry-After"]) > 0


def test_login_throttle_defaults_to_ten_a_minute_and_is_off_with_throttling(personas):
    with _throttling(""):
        assert LoginRateThrottle().get_rate() == LOGIN_RATE == "10/min"
    # Test settings turn the API's throttling off: so is the login throttle.
    for _ in range(12):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "inspector", "password": "pass-12345"}
        )
        assert response.status_code == 200


# ---------------------------------------------------------------- pagination and /me/


def test_page_size_is_capped_at_500(personas):
    Region.objects.bulk_create(
        Region(code=f"15062310{n:04d}", name=f"测试村{n}", level="village", parent_id="150623101")
        for n in range(520)
    )
    api = client_for(personas.admin)
    body = api.get("/api/v1/regions/?page_size=1000").json()
    assert body["count"] > 520
    assert len(body["results"]) == 500 and body["next"]
    assert len(api.get("/api/v1/regions/?page_size=20").json()["results"]) == 20
    assert len(api.get("/api/v1/regions/").json()["results"]) == 50


def test_me_tells_name_role_region_and_department(personas):
    body = client_for(personas.inspector).get("/api/v1/me/").json()
    inspector = personas.inspector
    assert body["username"] == "inspector"
    assert body["name"] == inspector.name and body["display_name"] == inspector.name
    assert body["role"] == "inspector" and body["role_display"] == "执法检查员"
    assert body["region"] == "150623" and body["region_name"] == "鄂托克前旗"
    assert body["department"] == inspector.department_id
    assert body["department_name"] == "鄂托克前旗应急管理局"


def test_me_with_a_token(personas):
    from accounts.tokens import token_issue

    _, token = token_issue(user=personas.admin)
    body = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert body["role"] == "admin" and body["region"] is None and body["region_name"] is None


def test_docs_page_loads_swagger_from_this_server(client, personas):
    client.force_login(personas.inspector)
    html = client.get("/api/v1/docs/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any(src.endswith("swagger-ui-bundle.js") for src in scripts)
    for src in scripts:
        if src.startswith("/api/v1/docs/?script="):
            # Swagger's start-up script, served as a file for the Content-Security-Policy.
            assert client.get(src)["Content-Type"].startswith("application/javascript")
            continue
        # Served by this server from the installed sidecar package, never from a CDN.
        assert src.startswith(settings.STATIC_URL), src
        assert finders.find(src.removeprefix(settings.STATIC_URL)), src
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200


def test_fields_that_can_be_null_are_declared_nullable(client, personas):
    """An administrator without a region, a report not yet submitted: null, as the schema says."""
    client.force_login(personas.admin)
    schema = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    me = schema["Me"]["properties"]
    assert me["region_name"].get("nullable") and me["department_name"].get("nullable")
    assert schema["MonthlyReport"]["properties"]["submitted_by"].get("nullable")

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "用户名" in page and "密码" in page and "登录" in page


def test_login_and_logout(client, personas):
    response = client.post(
        reverse("accounts:login"), {"username": "inspector", "password": "pass-12345"}
    )
    assert response.status_code == 302
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 302


def test_wrong_password_shows_chinese_error(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "inspector", "password": "bad"})
    assert "用户名或密码错误" in response.content.decode()


def test_lockout_after_repeated_failures(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "inspector", "password": "bad"})
    response = client.post(
        reverse("accounts:login"), {"username": "inspector", "password": "pass-12345"}
    )
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    # Another user from the same address is not locked out.
    other = client.post(
        reverse("accounts:login"), {"username": "reviewer", "password": "pass-12345"}
    )
    assert other.status_code == 302


def test_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_password_change(client, personas):
    client.force_login(personas.inspector)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pass-12345",
            "new_password1": "Qz-8d7f6e5",
            "new_password2": "Qz-8d7f6e5",
        },
    )
    assert response.status_code == 302
    personas.inspector.refresh_from_db()
    assert personas.inspector.check_password("Qz-8d7f6e5")


def test_api_token_login(personas):
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "inspector", "password": "pass-12345"})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/enterprises/").status_code == 200


def test_api_token_bad_password_is_chinese_json(personas):
    response = APIClient().post("/api/v1/auth/token/", {"username": "inspector", "password": "x"})
    assert response.status_code == 400
    assert response.json()["detail"] == "无法使用提供的认证信息登录。"


def test_api_requires_authentication():
    response = APIClient().get("/api/v1/enterprises/")
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录或提供有效的 Token。"


def test_profile_token_create_and_revoke(client, personas):
    from knox.models import AuthToken

    client.force_login(personas.inspector)
    client.post(reverse("accounts:token_create"))
    assert AuthToken.objects.filter(user=personas.inspector).count() == 1
    client.post(reverse("accounts:token_revoke"))
    assert not AuthToken.objects.filter(user=personas.inspector).exists()


def test_a_session_ends_after_the_idle_limit_and_moves_on_at_most_once_per_interval(
    client, personas, settings
):
    """Using the app moves the idle limit on, but a page view within the refresh interval
    writes nothing to the session table."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from freezegun import freeze_time

    settings.SESSION_REFRESH_SECONDS = 300
    with freeze_time("2026-05-20 08:00:00"):
        client.post(reverse("accounts:login"), {"username": "inspector", "password": "pass-12345"})
        key = client.session.session_key
        first = Session.objects.get(pk=key).expire_date
    with freeze_time("2026-05-20 08:02:00"), CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("hazards:hazard_list")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(pk=key).expire_date == first
    with freeze_time("2026-05-20 08:06:00"):
        assert client.get(reverse("hazards:hazard_list")).status_code == 200
    moved = Session.objects.get(pk=key).expire_date
    assert (moved - first).total_seconds() == 6 * 60
    # The cached copy of the session (sessions are cached_db) lives no longer than the idle
    # limit from the last refresh: the cache drops it then, in real time, which frozen time
    # cannot show, so the test drops it as the cache would.
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import cache

    assert 0 < cache.ttl(KEY_PREFIX + key) <= settings.SESSION_COOKIE_AGE
    cache.delete(KEY_PREFIX + key)
    # Idle for longer than SESSION_COOKIE_AGE: the session is over.
    with freeze_time(moved + timedelta(seconds=60)):
        response = client.get(reverse("hazards:hazard_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]

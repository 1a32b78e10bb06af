"""API tokens are stored hashed, expire, are listed and revocable in the profile, and die with
the password and the account; the client address is believed from a proxy only."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse
from freezegun import freeze_time
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.clientip import client_address

pytestmark = pytest.mark.django_db


def login(username="inspector", password="pass-12345", **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, **extra
    )


def me(token):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_is_stored_only_as_a_digest(personas):
    token = login().json()["token"]
    stored = AuthToken.objects.get(user=personas.inspector)
    assert token not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    assert me(token).json()["username"] == "inspector"


def test_a_token_expires_after_the_configured_days(personas):
    body = login().json()
    assert me(body["token"]).status_code == 200
    stored = AuthToken.objects.get(user=personas.inspector)
    assert timedelta(days=29, hours=23) < stored.expiry - stored.created <= timedelta(days=30)
    with freeze_time(stored.expiry + timedelta(seconds=1)):
        assert me(body["token"]).status_code == 401


@override_settings(REST_KNOX={"TOKEN_TTL": timedelta(days=2)})
def test_the_lifetime_is_a_setting(personas):
    login()
    stored = AuthToken.objects.get(user=personas.inspector)
    assert stored.expiry - stored.created <= timedelta(days=2)


def test_a_password_change_revokes_every_token(personas, client):
    tokens = [login().json()["token"] for _ in range(2)]
    client.force_login(personas.inspector)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pass-12345",
            "new_password1": "Qz-8d7f6e5",
            "new_password2": "Qz-8d7f6e5",
        },
    )
    for token in tokens:
        assert me(token).status_code == 401
    # Any other way of setting a password does the same (the admin, changepassword).
    token = login(password="Qz-8d7f6e5").json()["token"]
    personas.inspector.set_password("another-Pw-1")
    personas.inspector.save()
    assert me(token).status_code == 401


def test_deactivating_an_account_in_the_admin_revokes_its_tokens(personas, client):
    token = login().json()["token"]
    client.force_login(personas.admin)
    page = client.get(reverse("admin:accounts_user_change", args=[personas.inspector.pk]))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(is_active="", date_joined_0="2026-01-01", date_joined_1="08:00:00")
    data.pop("groups", None), data.pop("user_permissions", None), data.pop("last_login", None)
    data.pop("is_active")
    response = client.post(
        reverse("admin:accounts_user_change", args=[personas.inspector.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not AuthToken.objects.filter(user=personas.inspector).exists()
    assert me(token).status_code == 401


def test_the_profile_lists_tokens_and_revokes_one(personas, client):
    first, second = (login().json()["token"] for _ in range(2))
    client.force_login(personas.inspector)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert page.count('name="digest"') == 2 and first not in page and second not in page
    assert first[:8] in page and second[:8] in page
    digest = AuthToken.objects.get(token_key=first[:15]).digest
    client.post(reverse("accounts:token_revoke"), {"digest": digest})
    assert me(first).status_code == 401 and me(second).status_code == 200
    # Another user's digest revokes nothing.
    client.force_login(personas.reviewer)
    client.post(reverse("accounts:token_revoke"), {"digest": AuthToken.objects.get().digest})
    assert me(second).status_code == 200


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_forwarded_for_is_believed_only_from_a_configured_proxy():
    with override_settings(TRUSTED_PROXIES=[]):
        assert client_address(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        assert client_address(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"
        assert client_address(request_from("10.0.0.2", "1.2.3.4")) == "1.2.3.4"
        # A client's own forged entry sits left of what the proxy saw.
        assert client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")) == ("198.51.100.7")
        assert client_address(request_from("10.0.0.2", "junk")) == "10.0.0.2"


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": ["core.api.throttles.AnonThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1000/min", "login": "3/min"},
    },
    TRUSTED_PROXIES=[],
)
def test_a_forged_forwarded_for_does_not_escape_the_login_throttle(personas):
    key = "throttle_login_127.0.0.1"  # only this key: the cache is shared
    cache.delete(key)
    codes = [
        login(password="wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(5)
    ]
    cache.delete(key)
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]

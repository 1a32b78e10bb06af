"""PostgreSQL down: a real gunicorn site whose database connection goes through a relay that
the test closes (the database is gone for the site) and opens again (it is back)."""

import pytest
import requests
from django.db import connection

from tests.factories import EnterpriseFactory
from tests.faults.test_redis_down import _login
from tests.hazard_helpers import register
from tests.processes import Relay, django_env, site

pytestmark = pytest.mark.django_db(transaction=True)


def test_database_outage_gives_static_chinese_pages_json_503_and_recovers(personas, tmp_path):
    hazard = register(personas.inspector, enterprise=EnterpriseFactory(), level="general")
    relay = Relay(connection.settings_dict["PORT"] or 5432)
    relay.start()
    env = django_env(connection.settings_dict["NAME"], db_port=relay.port)
    env["QINGLING_VAR_DIR"] = str(tmp_path / "var")
    try:
        with site(env, tmp_path / "site.log") as base:
            web = _login(base)
            token = requests.post(
                base + "/api/v1/auth/token/",
                data={"username": "inspector", "password": "pass-12345"},
                timeout=30,
            ).json()["token"]
            api = {"Authorization": f"Token {token}"}
            assert web.get(f"{base}/hazards/{hazard.pk}/", timeout=30).status_code == 200

            relay.stop()
            for url in ("/hazards/", f"/hazards/{hazard.pk}/", "/dashboard/", "/"):
                page = web.get(base + url, timeout=30, allow_redirects=False)
                assert page.status_code == 503, (url, page.status_code)
                assert "系统暂时无法访问数据库" in page.text and "{%" not in page.text
                assert page.headers["Retry-After"] == "30"
            form = web.post(
                base + "/hazards/new/",
                data={"place": "储罐区"},
                headers={"X-CSRFToken": web.cookies["csrftoken"], "Referer": base + "/"},
                timeout=30,
            )
            assert form.status_code == 503
            for url in ("/api/v1/hazards/", "/api/v1/me/"):
                answer = requests.get(base + url, headers=api, timeout=30)
                assert answer.status_code == 503
                assert answer.json() == {
                    "detail": "数据库暂时不可用，请稍后重试。",
                    "code": "unavailable",
                }
            for cookies in (None, web.cookies):
                health = requests.get(base + "/healthz", cookies=cookies, timeout=30)
                assert health.status_code == 503 and health.json()["down"] == ["database"]

            # The database returns: the same site serves the same session without a restart.
            relay.start()
            assert web.get(f"{base}/hazards/{hazard.pk}/", timeout=30).status_code == 200
            assert requests.get(base + "/api/v1/me/", headers=api, timeout=30).status_code == 200
            assert requests.get(base + "/healthz", timeout=30).json()["down"] == []
    finally:
        relay.stop()

"""Redis is a cache, not a dependency of correctness: a real gunicorn site on a private Redis
that the test stops (saving its data, as a restart does) and starts again."""

import re
import time
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone

from core.models import Job, JobState
from hazards.models import Hazard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import register
from tests.processes import PrivateRedis, django_env, site, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/hazards/",
    "/hazards/queue/",
    "/hazards/{pk}/",
    "/enterprises/",
    "/inspections/",
    "/reports/notices/",
    "/dashboard/",
    "/api/v1/hazards/",
    "/api/v1/dashboard/",
    "/api/v1/me/",
]


def _login(base: str) -> requests.Session:
    web = requests.Session()
    page = web.get(base + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = web.post(
        base + "/accounts/login/",
        data={"username": "inspector", "password": "pass-12345", "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
        timeout=30,
    )
    assert answer.status_code == 200 and "退出" in answer.text, answer.text[:500]
    return web


def _statuses(web: requests.Session, base: str, pk: int) -> dict[str, int]:
    return {url: web.get(base + url.format(pk=pk), timeout=30).status_code for url in PAGES}


def _figures(web: requests.Session, base: str) -> tuple[int, int, int]:
    """(共 N 条 on the list page, the 待我处理 badge, the API list count)."""
    page = web.get(base + "/hazards/", timeout=30).text
    listed = int(re.search(r"共 (\d+) 条", page).group(1))
    badge = int(re.search(r'id="queue-count">(\d+)<', page).group(1))
    api = web.get(base + "/api/v1/hazards/", timeout=30).json()["count"]
    return listed, badge, api


def _register_by_api(base: str, token: str, enterprise) -> requests.Response:
    return requests.post(
        base + "/api/v1/hazards/",
        json={
            "enterprise": enterprise.pk,
            "level": "general",
            "place": "配电室",
            "description": "配电柜前未铺设绝缘胶垫",
            "deadline": (timezone.localdate() + timedelta(days=15)).isoformat(),
        },
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )


def test_pages_api_and_login_work_without_redis_and_counts_are_right_when_it_returns(
    personas, tmp_path
):
    enterprise = EnterpriseFactory()
    first = [
        register(personas.inspector, enterprise=enterprise, level="general") for _ in range(22)
    ]
    started = time.monotonic()
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = django_env(
        connection.settings_dict["NAME"],
        REDIS_URL=redis.url,
        CELERY_TASK_ALWAYS_EAGER="false",
        LEDGER_SYNC_MAX_ROWS="5",
    )
    env["QINGLING_VAR_DIR"] = str(tmp_path / "var")
    try:
        with site(env, tmp_path / "site.log") as base:
            web = _login(base)
            assert set(_statuses(web, base, first[0].pk).values()) == {200}
            assert _figures(web, base) == (22, 22, 22)  # now cached in Redis
            token = requests.post(
                base + "/api/v1/auth/token/",
                data={"username": "inspector", "password": "pass-12345"},
                timeout=30,
            ).json()["token"]

            redis.shutdown_saving()
            health = requests.get(base + "/healthz", cookies=web.cookies, timeout=30)
            assert health.status_code == 503
            assert health.json()["down"] == ["redis"]
            assert health.json()["checks"]["database"] == "ok"
            # Pages, the API, a fresh login and the token endpoint work without Redis.
            assert set(_statuses(web, base, first[0].pk).values()) == {200}
            again = _login(base)
            assert again.get(base + "/hazards/", timeout=30).status_code == 200
            outage_token = requests.post(
                base + "/api/v1/auth/token/",
                data={"username": "inspector", "password": "pass-12345"},
                timeout=30,
            )
            # A new token is issued (each is stored hashed with its own expiry) and works.
            assert outage_token.status_code == 200 and outage_token.json()["token"] != token
            me = requests.get(
                base + "/api/v1/me/",
                headers={"Authorization": f"Token {outage_token.json()['token']}"},
                timeout=30,
            )
            assert me.status_code == 200 and me.json()["username"] == "inspector"
            # Password guessing is still stopped: the lock-out is kept in the database.
            for _ in range(5):
                wrong = requests.post(
                    base + "/api/v1/auth/token/",
                    data={"username": "reviewer", "password": "wrong-password"},
                    timeout=30,
                )
                assert wrong.status_code in (400, 403)
            locked = requests.post(
                base + "/api/v1/auth/token/",
                data={"username": "reviewer", "password": "pass-12345"},
                timeout=30,
            )
            assert locked.status_code in (400, 403) and "token" not in locked.json()
            # A registration during the outage is saved and answered as saved, once.
            created = _register_by_api(base, token, enterprise)
            assert created.status_code == 201, created.text
            assert Hazard.objects.count() == 23
            assert _figures(web, base) == (23, 23, 23)
            # A large export is queued as a job: the broker is down too, yet the job is saved
            # and answered at once (the sweep hands it to a worker when Redis is back).
            started_export = time.monotonic()
            export = web.get(base + "/api/v1/hazards/ledger.xlsx", timeout=60)
            assert export.status_code == 202, export.text[:300]
            assert time.monotonic() - started_export < 15
            assert Job.objects.get(pk=export.json()["id"]).state == JobState.QUEUED

            # Redis comes back with the figures it had cached before the outage.
            redis.start()
            wait_until(lambda: requests.get(base + "/healthz", timeout=30).status_code == 200)
            assert _figures(web, base) == (23, 23, 23)
            assert _register_by_api(base, token, enterprise).status_code == 201
            assert _figures(web, base) == (24, 24, 24)
    finally:
        redis.kill()
    # Cache failures were logged at most once a minute, not once per call (hundreds).
    minutes = (time.monotonic() - started) / 60
    assert 1 <= (tmp_path / "site.log").read_text().count("Exception ignored") <= 1 + minutes

"""No duplicates from double submits: pairs of identical POSTs sent at the same moment to a real
gunicorn site (four threads) create one record each, and both get the first one's answer."""

import re
import threading
import uuid
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone

from hazards.choices import HazardState
from hazards.models import ExtensionRequest, Hazard, HazardEvent
from tests.factories import EnterpriseFactory
from tests.faults.test_redis_down import _login
from tests.hazard_helpers import advance, register
from tests.processes import django_env, site

pytestmark = pytest.mark.django_db(transaction=True)
TRIES = 10


def _together(*calls):
    """Run the calls at the same moment (a barrier), return their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        barrier.wait(30)
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def test_double_submits_create_one_record_and_repeat_the_first_answer(personas, tmp_path):
    enterprise = EnterpriseFactory()
    env = django_env(connection.settings_dict["NAME"], QINGLING_VAR_DIR=str(tmp_path / "var"))
    with site(env, tmp_path / "site.log") as base:
        web = _login(base)
        page = web.get(base + "/hazards/new/", timeout=30).text
        assert "js/forms.js" in page  # adds the key to every form, disables its buttons
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        today = timezone.localdate()
        form = {
            "csrfmiddlewaretoken": csrf,
            "enterprise": enterprise.pk,
            "level": "general",
            "source": "inspection",
            "place": "罐区",
            "description": "报警器失效",
            "found_date": today.isoformat(),
            "deadline": (today + timedelta(days=10)).isoformat(),
        }
        headers = {"Referer": base + "/hazards/new/"}

        def html_post(key):
            data = {**form, "idempotency_key": key}
            return lambda: web.post(
                base + "/hazards/new/", data=data, headers=headers, allow_redirects=False
            )

        for _ in range(TRIES):  # a double click on 登记
            key = uuid.uuid4().hex
            first, second = _together(html_post(key), html_post(key))
            assert first.status_code == second.status_code == 302
            assert first.headers["Location"] == second.headers["Location"]
        assert Hazard.objects.count() == TRIES

        token = requests.post(
            base + "/api/v1/auth/token/",
            data={"username": "inspector", "password": "pass-12345"},
            timeout=30,
        ).json()["token"]

        def api_post(path, body, key):
            auth = {"Authorization": f"Token {token}", "Idempotency-Key": key}
            return lambda: requests.post(base + path, json=body, headers=auth, timeout=60)

        registration = {k: form[k] for k in ("enterprise", "level", "place", "description")}
        registration["deadline"] = form["deadline"]
        for _ in range(TRIES):
            key = uuid.uuid4().hex
            first, second = _together(*[api_post("/api/v1/hazards/", registration, key)] * 2)
            assert first.status_code == second.status_code == 201
            assert first.json()["number"] == second.json()["number"]
            assert [
                first.headers.get("Idempotent-Replayed"),
                second.headers.get("Idempotent-Replayed"),
            ].count("true") == 1
        assert Hazard.objects.count() == 2 * TRIES

        # A progress report and an extension request sent twice at once count once.
        hazard = advance(
            register(personas.inspector, enterprise=enterprise, days=20),
            HazardState.RECTIFYING,
            inspector=personas.inspector,
            reviewer=personas.reviewer,
        )
        steps = f"/api/v1/hazards/{hazard.pk}/"
        before = HazardEvent.objects.filter(hazard=hazard).count()
        key = uuid.uuid4().hex
        answers = _together(*[api_post(steps + "report-progress/", {"comment": "已到货"}, key)] * 2)
        assert [a.status_code for a in answers] == [200, 200]
        assert HazardEvent.objects.filter(hazard=hazard).count() == before + 1
        extension = {
            "requested_deadline": (hazard.current_deadline + timedelta(days=7)).isoformat(),
            "reason": "设备到货延迟",
            "interim_measures": "停用",
        }
        key = uuid.uuid4().hex
        answers = _together(*[api_post(steps + "request-extension/", extension, key)] * 2)
        assert [a.status_code for a in answers] == [200, 200]
        assert ExtensionRequest.objects.filter(hazard=hazard).count() == 1

        # A key belongs to one request: sent with another, it is refused.
        reused = api_post(steps + "report-progress/", {"comment": "再报"}, key)()
        assert reused.status_code == 409 and "Idempotency-Key" in reused.json()["detail"]
        # Without a key nothing is remembered: two sends are two reports (as the API says).
        plain = {"Authorization": f"Token {token}"}
        for _ in range(2):
            assert (
                requests.post(
                    base + steps + "report-progress/",
                    json={"comment": "第二次"},
                    headers=plain,
                    timeout=60,
                ).status_code
                == 200
            )
        assert HazardEvent.objects.filter(hazard=hazard).count() == before + 4  # +1 extension

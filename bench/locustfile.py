"""The load step's users (bench/load.py starts locust with this file, headless, on 127.0.0.1).

Readers are logged-in users of different counties, cities and roles browsing the hazard list,
hazard details, the dashboard and 待我处理; writers are inspectors of different counties
registering hazards through the API and advancing them (开始整改, 提交整改). Who they are, their
session cookies, tokens and hazards come from the file bench/load.py writes (LOAD_USERS_FILE).

The users are FastHttpUser (geventhttpclient): the load client shares the machine with the
server, and it spends several times less CPU per request than the requests-based HttpUser.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from locust import FastHttpUser, between, task

PLAN = {
    "measures": "更换报警探头并联网",
    "responsible_person": "张三",
    "funds": "3.5",
    "emergency_plan": "停用储罐，设置警戒区",
}
with open(os.environ["LOAD_USERS_FILE"], encoding="utf-8") as handle:
    CONFIG = json.load(handle)


def today():
    """The server's date (Beijing time), which registration and steps are checked against."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


_readers = itertools.cycle(CONFIG["readers"])
_writers = itertools.cycle(CONFIG["writers"])


class Reader(FastHttpUser):
    """One logged-in person browsing the pages their role uses."""

    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.me = next(_readers)
        self.headers = {"Cookie": f"{CONFIG['cookie_name']}={self.me['session']}"}
        self.pages = self.me["pages"]

    def _get(self, url: str, name: str) -> None:
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task(4)
    def hazard_list(self) -> None:
        query = random.choice(CONFIG["list_queries"])
        self._get(CONFIG["urls"]["list"] + query, "隐患列表")

    @task(3)
    def hazard_detail(self) -> None:
        if self.me["hazards"]:
            pk = random.choice(self.me["hazards"])
            self._get(CONFIG["urls"]["detail"].format(pk=pk), "隐患详情")

    @task(1)
    def dashboard(self) -> None:
        if "dashboard" in self.pages:
            self._get(CONFIG["urls"]["dashboard"], "驾驶舱")

    @task(2)
    def queue(self) -> None:
        if "queue" in self.pages:
            self._get(CONFIG["urls"]["queue"], "待我处理")


class Writer(FastHttpUser):
    """An inspector registering hazards and taking them through the first workflow steps."""

    wait_time = between(0.5, 1.5)
    fixed_count = int(os.environ.get("LOAD_WRITERS", "0"))

    def on_start(self) -> None:
        self.me = next(_writers)
        self.authorization = f"Token {self.me['token']}"
        self.open: list[tuple[int, str]] = []  # (pk, next step)

    def _post(self, url: str, data: dict, name: str, expect: int) -> dict | None:
        headers = {"Idempotency-Key": str(uuid.uuid4()), "Authorization": self.authorization}
        with self.client.post(url, json=data, headers=headers, name=name, catch_response=True) as r:
            if r.status_code != expect:
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
                return None
            return r.json()

    @task(2)
    def register(self) -> None:
        body = self._post(
            CONFIG["urls"]["api_hazards"],
            {
                "enterprise": random.choice(self.me["enterprises"]),
                "level": "general",
                "place": "配电室",
                "description": "配电箱未接地（压力测试）",
                "deadline": (today() + timedelta(days=30)).isoformat(),
            },
            "写：登记隐患",
            201,
        )
        if body:
            self.open.append((body["id"], "start-rectification"))

    @task(3)
    def advance(self) -> None:
        if not self.open:
            return self.register()
        pk, step = self.open.pop(0)
        url = CONFIG["urls"]["api_hazards"] + f"{pk}/{step}/"
        if step == "start-rectification":
            deadline = (today() + timedelta(days=30)).isoformat()
            if self._post(url, {**PLAN, "plan_deadline": deadline}, "写：开始整改", 200):
                self.open.append((pk, "submit-rectification"))
        else:
            data = {"completed_date": today().isoformat(), "completion_note": "已整改"}
            self._post(url, data, "写：提交整改", 200)

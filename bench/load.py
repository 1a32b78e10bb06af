"""The load step of the benchmark: the production settings under gunicorn (4 workers, as
docker-compose.yml runs it) over the bench database, browsed by 50 logged-in users of different
counties and roles, then the same with 5 writers registering and advancing hazards in different
counties (locust, headless, 127.0.0.1). Reports req/s, p50/p95/p99 per page, errors and the CPU the server used.

The server's cache is Redis database 10 (LOAD_REDIS_URL), not the in-process pages' 9 nor the
tests' 15. Writers add hazards to the bench database (general hazards, a few hundred a run).
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import OUT, ROOT, bench_environ, setup_django

READERS = 50
WRITERS = 5
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))  # gunicorn processes, as docker-compose.yml runs
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/10")
# Budgets on the 2-core machine.
MAX_ERRORS = 0
P95_MS = 300
MIN_RPS = 100
WRITERS_P95_RATIO = 1.5
LIST_QUERIES = ["", "", "?level=major", "?overdue=true", "?page=2", "?ordering=-found_date"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readers(info: dict) -> list:
    """Fifty people: the province leader, the city leaders, county reviewers and inspectors of
    different counties."""
    from accounts.models import User

    users = [User.objects.get(username="bench_province")]
    users += list(User.objects.filter(pk__in=info["cities"].values()).order_by("username"))
    counties = sorted(info["counties"])
    i = 0
    while len(users) < READERS:
        prefix = "bench_r" if i % 2 == 0 else "bench_i"
        users.append(User.objects.get(username=prefix + counties[i * 7 % len(counties)]))
        i += 1  # every 7th county: spread over the province
    return users[:READERS]


def _session(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _pages(user, urls: dict) -> list[str]:
    """The pages of the mix this user may open (the dashboard is for some roles only)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return [p for p in ("dashboard", "queue") if client.get(urls[p]).status_code == 200]


def prepare(info: dict) -> Path:
    """Sessions and tokens of the readers and writers, written for the locustfile."""
    setup_django()
    from django.conf import settings
    from django.urls import reverse

    from accounts.models import User
    from accounts.tokens import token_issue
    from enterprises.models import Enterprise
    from hazards.models import Hazard

    urls = {
        "list": reverse("hazards:hazard_list"),
        "detail": reverse("hazards:hazard_detail", args=[987654321]).replace("987654321", "{pk}"),
        "dashboard": reverse("dashboard:dashboard"),
        "queue": reverse("hazards:queue"),
        "api_hazards": "/api/v1/hazards/",
    }
    readers = []
    for user in _readers(info):
        hazards = Hazard.objects.for_user(user).order_by("-pk").values_list("pk", flat=True)
        readers.append(
            {
                "username": user.username,
                "role": user.role,
                "session": _session(user),
                "pages": _pages(user, urls),
                "hazards": list(hazards[:200:10]),
            }
        )
    reader_counties = {u.region_id for u in _readers(info)}
    writer_counties = [c for c in sorted(info["counties"]) if c not in reader_counties][:WRITERS]
    writers = []
    for code in writer_counties:
        user = User.objects.get(pk=info["counties"][code])
        _, token = token_issue(user=user)
        enterprises = Enterprise.objects.for_user(user).order_by("pk").values_list("pk", flat=True)
        writers.append(
            {"username": user.username, "token": token, "enterprises": list(enterprises[:50])}
        )
    config = {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "urls": urls,
        "list_queries": LIST_QUERIES,
        "readers": readers,
        "writers": writers,
    }
    path = OUT / "load-users.json"
    path.write_text(json.dumps(config, ensure_ascii=False))
    return path


def _server_env() -> dict[str, str]:
    env = bench_environ()
    env["REDIS_URL"] = REDIS_URL
    env["LOG_LEVEL"] = "WARNING"
    return env


def start_server(port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=_server_env(), cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _cpu_seconds(server: subprocess.Popen) -> float:
    import psutil

    parent = psutil.Process(server.pid)
    total = 0.0
    for process in [parent, *parent.children(recursive=True)]:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _warm(config: dict, port: int) -> None:
    """One pass over every reader's pages: templates, connections and per-scope caches, as
    in a server that has been running."""
    base = f"http://127.0.0.1:{port}"
    for reader in config["readers"]:
        cookie = f"{config['cookie_name']}={reader['session']}"
        urls = [config["urls"]["list"]] + [config["urls"][p] for p in reader["pages"]]
        for url in urls:
            request = urllib.request.Request(base + url, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=60) as r:
                r.read()


def run_phase(name: str, users_file: Path, port: int, server, *, writers: int) -> dict:
    prefix = OUT / f"load-{name}"
    classes = ["Reader"] + (["Writer"] if writers else [])
    env = {**os.environ, "LOAD_USERS_FILE": str(users_file), "LOAD_WRITERS": str(writers)}
    users = READERS + writers
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{SECONDS}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    cpu_before, load_before = _cpu_seconds(server), os.getloadavg()[0]
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    cpu = _cpu_seconds(server) - cpu_before
    return {
        "phase": name,
        "users": users,
        "writers": writers,
        "pages": _stats(prefix),
        "server_cpu_cores": round(cpu / wall, 2),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def _stats(prefix: Path) -> list[dict]:
    rows = []
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": "全部" if row["Name"] == "Aggregated" else row["Name"],
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 1),
                    "p50_ms": _ms(row["50%"]),
                    "p95_ms": _ms(row["95%"]),
                    "p99_ms": _ms(row["99%"]),
                }
            )
    return rows


def _ms(value: str) -> int | None:
    return None if value in ("", "N/A") else round(float(value))


def measure_load(info: dict) -> list[dict]:
    """Both phases against one server; one result row per page and phase, and the budgets."""
    users_file = prepare(info)
    config = json.loads(users_file.read_text())
    port = _free_port()
    server = start_server(port)
    try:
        _warm(config, port)
        readers = run_phase("readers", users_file, port, server, writers=0)
        mixed = run_phase("writers", users_file, port, server, writers=WRITERS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows_of(readers, mixed)


def rows_of(readers: dict, mixed: dict) -> list[dict]:
    rows = []
    for phase, label in ((readers, "50人浏览"), (mixed, "50人浏览+5人登记")):
        total = next(p for p in phase["pages"] if p["name"] == "全部")
        for page in phase["pages"]:
            row = {
                **page,
                "name": f"负载 {label} {page['name']}",
                "group": "load",
                "cpu_cores": phase["server_cpu_cores"],
                "load_average": phase["load_average"],
            }
            if page is total:
                row.update(budget_errors=MAX_ERRORS, budget_load_p95_ms=P95_MS, budget_rps=MIN_RPS)
                if phase is mixed:
                    base = next(p for p in readers["pages"] if p["name"] == "全部")["p95_ms"]
                    row["p95_ratio"] = round(total["p95_ms"] / max(base or 1, 1), 2)
                    row["budget_p95_ratio"] = WRITERS_P95_RATIO
            rows.append(row)
    return rows


def verdicts(row: dict) -> list[str]:
    out = []
    if "budget_errors" in row:
        out.append("PASS" if row["errors"] <= row["budget_errors"] else "FAIL")
        out.append("PASS" if (row["p95_ms"] or 0) <= row["budget_load_p95_ms"] else "FAIL")
        out.append("PASS" if row["rps"] >= row["budget_rps"] else "FAIL")
    if "budget_p95_ratio" in row:
        out.append("PASS" if row["p95_ratio"] <= row["budget_p95_ratio"] else "FAIL")
    return out


def table(rows: list[dict]) -> str:
    lines = [
        f"| 负载（gunicorn {WORKERS} 进程，locust 60 秒） | 请求数 | 错误 | req/s | p50 | p95 | p99 |"
        " 服务器 CPU（核） | 每请求 CPU | 主机负载 | 预算 | 结果 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        v = verdicts(r)
        budget = []
        if "budget_errors" in r:
            budget.append(f"0 错误；p95 ≤ {r['budget_load_p95_ms']} ms；≥ {r['budget_rps']} req/s")
        if "budget_p95_ratio" in r:
            budget.append(f"p95 是无写入时的 {r['p95_ratio']} 倍（≤ {r['budget_p95_ratio']}）")
        result = "FAIL" if "FAIL" in v else ("PASS" if v else "—")
        # The server's CPU time per request of the phase (its whole mix), on the total row.
        per_request = (
            f"{r['cpu_cores'] * 1000 / r['rps']:.1f} ms"
            if "budget_errors" in r and r["rps"]
            else "—"
        )
        lines.append(
            f"| {r['name']} | {r['requests']} | {r['errors']} | {r['rps']} | {r['p50_ms']} ms |"
            f" {r['p95_ms']} ms | {r['p99_ms']} ms | {r['cpu_cores']} | {per_request} |"
            f" {r['load_average'][0]}→{r['load_average'][1]} | {'；'.join(budget) or '—'} |"
            f" {result} |"
        )
    return "\n".join(lines)

"""Past one machine, as a drill: two web processes behind a proxy, two Celery workers and a
PostgreSQL streaming replica serving reads, under load, compared with one web process.

    make drill                                   (20 000 hazards, 30 s of load per layout)
    uv run python bench/drill.py [--hazards N] [--seconds S] [--users U] [--writers W]
    uv run python bench/run.py --only drill      (the same, as a step of the benchmark)

Everything is private and removed at the end, also on failure or Ctrl-C: a PostgreSQL primary
made with initdb on a free port, loaded by bench/generate.py, and its replica made with
pg_basebackup -R on another port (bench/replica.py); a Redis; gunicorn processes (production
settings); the round-robin proxy (bench/tcp_proxy.py); the workers. The shared servers are not
touched.

The load: signed-in users of different counties and roles (province, city leaders, county
reviewers and inspectors) browse the hazard list, hazard pages, the dashboard and the queue as
fast as answers come; a few inspectors register hazards through the API and at once read the
new hazard back (its page and the list filtered to it) with the same client: a miss is a stale
read. The same load runs twice, against one web process on the primary alone ("one node"),
then against the proxy in front of two web processes reading from the replica ("two nodes").
SELECT statements counted by pg_stat_statements on each server give the replica's share of
the reads. `--load-cmd` runs another load client instead (the target URL is in DRILL_TARGET).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_ENV, OUT, ROOT  # noqa: E402
from replica import PrimaryReplica, free_port  # noqa: E402

DATABASE = "qingling_drill"
PASSWORD = "drill-password-2026"
WEB_WORKERS = 2
WEB_THREADS = 2
MIN_REPLICA_SHARE = 0.5  # budget: at least half the reads of the two-node layout on the replica


# ---------------------------------------------------------------- processes


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def started(command: list[str], env: dict, log: Path, ready, what: str, timeout: float = 120):
    """A child in its own process group; yields once ready() holds, kills the group after."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if ready():
                    break
            except Exception:  # noqa: BLE001 - not up yet
                pass
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited: {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} not ready after {timeout}s: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield process
    finally:
        _kill_group(process)


def _http_ready(url: str):
    return lambda: requests.get(url, timeout=5).status_code == 200


def gunicorn(env: dict, log: Path, port: int):
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WEB_WORKERS)]
    command += ["--threads", str(WEB_THREADS), "--timeout", "120", "--graceful-timeout", "5"]
    command += ["--no-control-socket"]
    base = f"http://127.0.0.1:{port}"
    return started(command, env, log, _http_ready(base + "/healthz"), f"gunicorn :{port}")


def proxy(log: Path, port: int, backends: list[int]):
    command = [sys.executable, str(ROOT / "bench" / "tcp_proxy.py"), "--listen", str(port)]
    for b in backends:
        command += ["--backend", f"127.0.0.1:{b}"]
    url = f"http://127.0.0.1:{port}/healthz"
    return started(command, dict(os.environ), log, _http_ready(url), "proxy")


def celery_worker(env: dict, log: Path, name: str):
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO"]
    command += ["--concurrency=1", "--pool=prefork", f"--hostname={name}@%h"]
    command += ["--without-gossip", "--without-mingle"]
    return started(command, env, log, lambda: "ready." in log.read_text(), f"worker {name}")


def redis_server(folder: Path, port: int):
    import shutil

    command = [shutil.which("redis-server") or "redis-server", "--port", str(port)]
    command += ["--bind", "127.0.0.1", "--dir", str(folder), "--save", "", "--appendonly", "no"]

    def ready() -> bool:
        import redis

        return redis.Redis(port=port).ping()

    return started(command, dict(os.environ), folder / "redis.log", ready, "redis")


def cpu_seconds(root_pids: list[int]) -> float:
    """CPU time (user + system) of these processes and all their descendants, including the
    children they have already reaped, from /proc: what the servers cost, whatever else the
    machine is doing."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    usage: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        usage[pid] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    wanted = set(root_pids)
    total = 0
    for pid in usage:
        p = pid
        while p and p not in wanted:
            p = parent.get(p, 0)
        if p:
            total += usage[pid]
    return total / tick


def postmaster_pid(server) -> int:
    return int((server.data / "postmaster.pid").read_text().split()[0])


# ---------------------------------------------------------------- data


def seed(env: dict, hazards: int) -> dict:
    """Generate the data set into the private primary; give the drill's users a password."""
    gen_env = {
        **env,
        "BENCH_DATABASE_URL": env["DATABASE_URL"],
        "BENCH_REDIS_URL": env["REDIS_URL"],
        "BENCH_VAR_DIR": env["QINGLING_VAR_DIR"],
    }
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--hazards", str(hazards)],
        cwd=ROOT,
        env=gen_env,
        check=True,
    )
    script = (
        "import json\n"
        "from django.contrib.auth.hashers import make_password\n"
        "from accounts.models import User\n"
        "users = User.objects.filter(username__startswith='bench_')\n"
        f"users.update(password=make_password({PASSWORD!r}))\n"
        "print(json.dumps(list(users.values_list('username', 'role'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    users = json.loads(result.stdout.strip().splitlines()[-1])
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return dict(users)


def select_calls(server) -> int:
    """SELECT statements the server has run in the drill database (pg_stat_statements)."""
    return server.query(
        "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements s"
        " JOIN pg_database d ON d.oid = s.dbid"
        " WHERE d.datname = %s AND s.query ILIKE 'select%%'"
        " AND s.query NOT ILIKE '%%pg_stat_statements%%'",
        DATABASE,
        params=[DATABASE],
    )[0][0]


# ---------------------------------------------------------------- load client


class Browser:
    """One user's HTTP client. Cookies are kept the way a browser keeps them (including the
    Secure ones of the production settings, over the drill's plain HTTP), with their max-age."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.cookies: dict[str, tuple[str, float]] = {}
        self.headers: dict[str, str] = {}

    def copy_to(self, base: str) -> Browser:
        other = Browser(base)
        other.cookies, other.headers = dict(self.cookies), dict(self.headers)
        return other

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        now = time.time()
        headers = {**self.headers, **kwargs.pop("headers", {})}
        live = {k: v for k, (v, until) in self.cookies.items() if until > now}
        if live:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in live.items())
        self.http.cookies.clear()
        response = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                age = morsel["max-age"]
                if morsel.value == "" or age == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = (morsel.value, now + int(age) if age else float("inf"))
        return response

    def login(self, username: str) -> None:
        page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.request(
            "POST",
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if answer.status_code != 302:
            raise RuntimeError(f"login of {username} failed: {answer.status_code}")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.stale = 0
        self.writes = 0
        self.unpinned_misses = 0

    def record(self, page: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times.setdefault(page, []).append(seconds * 1000)
            if not ok:
                self.errors[page] = self.errors.get(page, 0) + 1


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round((len(ordered) - 1) * p)))]


PAGES_BY_ROLE = {
    "leader": ("list", "detail", "dashboard"),
    "reviewer": ("list", "detail", "queue"),
    "inspector": ("list", "detail", "queue"),
}
WEIGHTS = {"list": 4, "detail": 3, "dashboard": 2, "queue": 2}


def reader(browser: Browser, role: str, ids: list[int], stats: Stats, until: float, seed: int):
    rng = random.Random(seed)
    pages = PAGES_BY_ROLE[role]
    weights = [WEIGHTS[p] for p in pages]
    while time.monotonic() < until:
        page = rng.choices(pages, weights)[0]
        if page == "detail" and not ids:
            page = "list"
        path = {
            "list": "/hazards/" + rng.choice(["", "?page=2", "?level=major", "?state=rectifying"]),
            "detail": f"/hazards/{rng.choice(ids) if ids else 0}/",
            "dashboard": "/dashboard/",
            "queue": "/hazards/queue/",
        }[page]
        started_at = time.perf_counter()
        try:
            ok = browser.request("GET", path).status_code == 200
        except requests.RequestException:
            ok = False
        stats.record(page, time.perf_counter() - started_at, ok)


def writer(browser: Browser, enterprise: int, stats: Stats, until: float, tag: str):
    """Register, then read back at once with the same client; a miss is a stale read. The same
    read without the client's cookies (as another browser would) shows what the rule prevents."""
    n = 0
    deadline = (date.today() + timedelta(days=30)).isoformat()
    while time.monotonic() < until:
        n += 1
        marker = f"演练{tag}第{n}条"
        body = {
            "enterprise": enterprise,
            "level": "general",
            "place": f"配电室{marker}",
            "description": f"配电柜前未铺设绝缘垫（{marker}）",
            "deadline": deadline,
        }
        started_at = time.perf_counter()
        try:
            created = browser.request("POST", "/api/v1/hazards/", json=body)
        except requests.RequestException:
            stats.record("register", time.perf_counter() - started_at, False)
            continue
        stats.record("register", time.perf_counter() - started_at, created.status_code == 201)
        if created.status_code != 201:
            continue
        pk = created.json()["id"]
        started_at = time.perf_counter()
        detail = browser.request("GET", f"/api/v1/hazards/{pk}/")
        listed = browser.request("GET", "/api/v1/hazards/", params={"q": marker})
        stats.record("read-back", time.perf_counter() - started_at, True)
        seen = detail.status_code == 200 and any(
            row["id"] == pk for row in listed.json().get("results", [])
        )
        stranger = Browser(browser.base)
        stranger.headers = dict(browser.headers)
        missed = stranger.request("GET", f"/api/v1/hazards/{pk}/").status_code != 200
        with stats.lock:
            stats.writes += 1
            stats.stale += not seen
            stats.unpinned_misses += missed
        time.sleep(0.5)


def run_load(base: str, sessions: dict, seconds: float, tag: str) -> dict:
    """Readers and writers against `base` for `seconds`; the summary of what they saw."""
    stats = Stats()
    until = time.monotonic() + seconds
    threads = []
    for i, (browser, role, ids) in enumerate(sessions["readers"]):
        args = (browser.copy_to(base), role, ids, stats, until, i)
        threads.append(threading.Thread(target=reader, args=args, daemon=True))
    for i, (browser, enterprise) in enumerate(sessions["writers"]):
        args = (browser.copy_to(base), enterprise, stats, until, f"{tag}{i}")
        threads.append(threading.Thread(target=writer, args=args, daemon=True))
    started_at = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    wall = time.perf_counter() - started_at
    everything = [t for times in stats.times.values() for t in times]
    pages = {
        page: {
            "count": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(_pct(times, 0.95), 1),
            "errors": stats.errors.get(page, 0),
        }
        for page, times in sorted(stats.times.items())
    }
    return {
        "requests": len(everything),
        "req_per_s": round(len(everything) / wall, 1),
        "p50_ms": round(statistics.median(everything), 1) if everything else None,
        "p95_ms": round(_pct(everything, 0.95), 1) if everything else None,
        "errors": sum(stats.errors.values()),
        "writes": stats.writes,
        "stale_reads": stats.stale,
        "unpinned_misses": stats.unpinned_misses,
        "pages": pages,
    }


def prepare_sessions(base: str, users: dict, readers: int, writers: int) -> dict:
    """Sign the users in once (their sessions live in the shared database, valid on every
    node) and pick what they will read and where the writers register."""
    names = sorted(users)
    leaders = [n for n in names if users[n] == "leader"]
    reviewers = [n for n in names if users[n] == "reviewer"]
    inspectors = [n for n in names if users[n] == "inspector"]
    rng = random.Random(17)
    picked = (
        leaders[: max(1, readers // 4)]
        + rng.sample(reviewers, min(len(reviewers), readers // 3))
        + rng.sample(inspectors, len(inspectors))
    )[:readers]
    sessions: dict = {"readers": [], "writers": []}
    for name in picked:
        browser = Browser(base)
        browser.login(name)
        html = browser.request("GET", "/hazards/").text
        ids = sorted({int(x) for x in re.findall(r'href="/hazards/(\d+)/"', html)})
        sessions["readers"].append((browser, users[name], ids))
    for name in [n for n in inspectors if n not in picked][:writers]:
        browser = Browser(base)
        answer = browser.request(
            "POST", "/api/v1/auth/token/", json={"username": name, "password": PASSWORD}
        )
        answer.raise_for_status()
        browser.headers["Authorization"] = f"Token {answer.json()['token']}"
        found = browser.request("GET", "/api/v1/enterprises/", params={"page_size": 1}).json()
        sessions["writers"].append((browser, found["results"][0]["id"]))
    return sessions


# ---------------------------------------------------------------- the drill


def drill(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="qingling-drill-", dir="/tmp"))
    result: dict = {"hazards": args.hazards, "readers": args.users, "writers": args.writers}
    with ExitStack() as stack:
        stack.callback(lambda: __import__("shutil").rmtree(work, ignore_errors=True))
        pair = stack.enter_context(PrimaryReplica())
        t0 = time.perf_counter()
        print("私有主库：initdb …", flush=True)
        pair.start_primary()
        redis_port = free_port()
        stack.enter_context(redis_server(work, redis_port))
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(BENCH_ENV)
        env.update(
            DATABASE_URL=pair.primary.url(DATABASE),
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            QINGLING_VAR_DIR=str(work / "var"),
            STATIC_COMPRESS="false",
            PYTHONUNBUFFERED="1",
        )
        env.pop("DATABASE_REPLICA_URL", None)
        print(f"生成数据（{args.hazards} 条隐患）…", flush=True)
        users = seed(env, args.hazards)
        pair.primary.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", DATABASE)
        result["seed_seconds"] = round(time.perf_counter() - t0, 1)
        print("从库：pg_basebackup -R …", flush=True)
        t1 = time.perf_counter()
        pair.start_replica()
        result["replica_seconds"] = round(time.perf_counter() - t1, 1)
        result["replica_is_standby"] = pair.is_streaming_standby()
        two_env = {**env, "DATABASE_REPLICA_URL": pair.replica.url(DATABASE)}
        one_port, a_port, b_port, proxy_port = (free_port() for _ in range(4))
        print("网站进程、代理和 worker …", flush=True)
        web_one = stack.enter_context(gunicorn(env, work / "one.log", one_port))
        web_a = stack.enter_context(gunicorn(two_env, work / "a.log", a_port))
        web_b = stack.enter_context(gunicorn(two_env, work / "b.log", b_port))
        relay = stack.enter_context(proxy(work / "proxy.log", proxy_port, [a_port, b_port]))
        for name in ("w1", "w2"):
            stack.enter_context(celery_worker(env, work / f"{name}.log", name))
        result["workers_ready"] = 2
        one = f"http://127.0.0.1:{one_port}"
        two = f"http://127.0.0.1:{proxy_port}"
        if args.load_cmd:
            for label, target in (("one_node", one), ("two_nodes", two)):
                code = subprocess.run(
                    args.load_cmd, shell=True, cwd=ROOT, env={**env, "DRILL_TARGET": target}
                ).returncode
                result[label] = {"load_cmd": args.load_cmd, "exit_code": code}
            return result
        sessions = prepare_sessions(one, users, args.users, args.writers)
        groups = {"one_node": [web_one.pid], "two_nodes": [web_a.pid, web_b.pid, relay.pid]}
        for label, base in (("one_node", one), ("two_nodes", two)):
            result[label] = measure(pair, base, sessions, args.seconds, groups[label], label)
        result["paused_replica"] = paused_replica_check(pair, sessions, two)
        result["ratio_two_to_one"] = round(
            result["two_nodes"]["req_per_s"] / max(0.1, result["one_node"]["req_per_s"]), 2
        )
    return result


def measure(pair: PrimaryReplica, base: str, sessions: dict, seconds: float, web: list, label):
    """Warm the layout up, then load it for `seconds`: answers, SELECTs per server, CPU."""
    print(f"预热：{label} …", flush=True)
    run_load(base, sessions, min(10, seconds / 2), f"warm{label}")
    pair.caught_up()
    before = (select_calls(pair.primary), select_calls(pair.replica))
    servers = {
        "web": web,
        "primary": [postmaster_pid(pair.primary)],
        "replica": [postmaster_pid(pair.replica)],
    }
    cpu_before = {k: cpu_seconds(v) for k, v in servers.items()}
    load_before = os.getloadavg()[0]
    print(f"负载：{label}，{seconds} 秒 …", flush=True)
    load = run_load(base, sessions, seconds, label)
    cpu = {k: cpu_seconds(v) - cpu_before[k] for k, v in servers.items()}
    load["host_load_avg"] = round((load_before + os.getloadavg()[0]) / 2, 1)
    load["cpu_ms_per_request"] = {
        k: round(1000 * v / max(1, load["requests"]), 1) for k, v in cpu.items()
    }
    pair.caught_up()
    primary_reads = select_calls(pair.primary) - before[0]
    replica_reads = select_calls(pair.replica) - before[1]
    load["primary_selects"] = primary_reads
    load["replica_selects"] = replica_reads
    load["replica_share"] = round(replica_reads / max(1, primary_reads + replica_reads), 3)
    print(f"  {_line(label, load)}", flush=True)
    return load


def paused_replica_check(pair: PrimaryReplica, sessions: dict, base: str) -> dict:
    """With the replica's replay paused (a replica far behind), the writer still reads its
    new hazard back, while another user's read of it, served by the replica, misses it."""
    browser, enterprise = sessions["writers"][0]
    writer_browser = browser.copy_to(base)
    pair.pause_replay()
    try:
        body = {
            "enterprise": enterprise,
            "level": "general",
            "place": "配电室（从库暂停）",
            "description": "配电柜前未铺设绝缘垫（从库暂停演练）",
            "deadline": (date.today() + timedelta(days=30)).isoformat(),
        }
        created = writer_browser.request("POST", "/api/v1/hazards/", json=body)
        pk = created.json()["id"]
        writer_sees = writer_browser.request("GET", f"/api/v1/hazards/{pk}/").status_code
        stranger = Browser(base)
        stranger.headers = dict(writer_browser.headers)
        other_sees = stranger.request("GET", f"/api/v1/hazards/{pk}/").status_code
    finally:
        pair.resume_replay()
    pair.caught_up()
    after = stranger.request("GET", f"/api/v1/hazards/{pk}/").status_code
    return {"writer": writer_sees, "other_while_paused": other_sees, "other_after_resume": after}


def _line(label: str, load: dict) -> str:
    return (
        f"{label}: {load['req_per_s']} req/s, p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms,"
        f" 错误 {load['errors']}，登记 {load['writes']} 次，陈旧读 {load['stale_reads']}，"
        f"从库读占比 {load['replica_share']:.0%}；主机平均负载 {load['host_load_avg']}；"
        f"每请求 CPU 毫秒 {load['cpu_ms_per_request']}"
    )


def verdicts(result: dict) -> list[tuple[str, str, bool]]:
    two, one = result["two_nodes"], result["one_node"]
    paused = result["paused_replica"]
    return [
        ("两个节点：零错误", f"{two['errors']} 个错误", two["errors"] == 0),
        ("一个节点：零错误", f"{one['errors']} 个错误", one["errors"] == 0),
        ("写后立即读：零陈旧读", f"{two['stale_reads']}/{two['writes']}", two["stale_reads"] == 0),
        (
            f"从库读占比 ≥ {MIN_REPLICA_SHARE:.0%}",
            f"{two['replica_share']:.1%}",
            two["replica_share"] >= MIN_REPLICA_SHARE,
        ),
        (
            "从库暂停：写入者读到，其他用户读不到",
            f"{paused['writer']} / {paused['other_while_paused']}",
            paused["writer"] == 200 and paused["other_while_paused"] == 404,
        ),
    ]


def table(result: dict) -> str:
    lines = [
        "| 布局 | req/s | p50 | p95 | 错误 | 登记 | 陈旧读 | 无 Cookie 读不到 | 主库 SELECT |"
        " 从库 SELECT | 从库占比 | 每请求 CPU（网站/主库/从库） | 主机负载 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, name in (("one_node", "一个节点（主库）"), ("two_nodes", "两个节点 + 从库")):
        r = result[label]
        c = r["cpu_ms_per_request"]
        lines.append(
            f"| {name} | {r['req_per_s']} | {r['p50_ms']} ms | {r['p95_ms']} ms | {r['errors']} |"
            f" {r['writes']} | {r['stale_reads']} | {r['unpinned_misses']} |"
            f" {r['primary_selects']} | {r['replica_selects']} | {r['replica_share']:.1%} |"
            f" {c['web']} / {c['primary']} / {c['replica']} ms | {r['host_load_avg']} |"
        )
    lines.append("")
    lines += [
        f"- {name}：{value} {'PASS' if ok else 'FAIL'}" for name, value, ok in verdicts(result)
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazards", type=int, default=20_000, help="隐患条数（默认 20000）")
    parser.add_argument("--seconds", type=float, default=30, help="每种布局的负载秒数")
    parser.add_argument("--users", type=int, default=20, help="浏览的用户数")
    parser.add_argument("--writers", type=int, default=3, help="登记隐患的用户数（至少 1）")
    parser.add_argument("--load-cmd", help="改用这个命令施加负载（目标地址在 DRILL_TARGET 中）")
    args = parser.parse_args()
    if args.writers < 1 or args.users < 1:
        parser.error("--users 和 --writers 至少为 1")

    def interrupted(signum, frame):
        raise KeyboardInterrupt  # unwinds through every cleanup

    signal.signal(signal.SIGTERM, interrupted)
    started_at = time.perf_counter()
    result = drill(args)
    result["drill_seconds"] = round(time.perf_counter() - started_at, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "drill.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if args.load_cmd:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return (
            0 if all(r.get("exit_code") == 0 for r in result.values() if isinstance(r, dict)) else 1
        )
    text = table(result)
    (OUT / "drill.md").write_text(text + "\n")
    print("\n" + text)
    print(
        f"\n两个节点 / 一个节点 吞吐：{result['ratio_two_to_one']} 倍；用时 {result['drill_seconds']} 秒"
    )
    return 0 if all(ok for _, _, ok in verdicts(result)) else 1


if __name__ == "__main__":
    sys.exit(main())

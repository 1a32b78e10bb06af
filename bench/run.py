"""Province benchmark: pages, API, export and jobs on a generated province, against budgets.

    make bench                                   (1 000 000 hazards; generated on first run)
    make bench BENCH_ARGS=--quick                (100 000 hazards, own database)
    uv run python bench/run.py [--quick] [--fresh] [--only list,detail,...] [--repeat N]

Pages are requested in-process with Django's test Client (DEBUG off, Redis cache, the bench
database); each case is requested `--repeat` times after two warm-up requests and reports the
server time p50/p95 and the SQL queries of one request. Jobs (ledger export and import check,
the daily notice job, the monthly report build) each run in their own process, inside a
transaction that is rolled back, so peak RSS is the job's own and the data set stays as
generated. Baselines, in the same run: the same list page through the Django admin changelist
and the list's own SQL run with psycopg directly. The load step (`--only load`, bench/load.py)
runs the production settings under gunicorn and drives them with locust. Results: a table on
stdout and bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402
from common import (  # noqa: E402
    OUT,
    ROOT,
    bench_environ,
    dataset,
    machine_speed,
    setup_django,
    use_quick_database,
)
from ledger_bench import COMMIT_SECONDS, job_commit, ledger_file  # noqa: E402

GROUPS = (
    "list",
    "detail",
    "enterprise",
    "dashboard",
    "baseline",
    "export",
    "import",
    "commit",
    "notices",
    "monthly",
    "drill",
    "load",
)
# (budget kind, limit): "p95" in ms, "cold"/"warm" p95 in ms, "seconds" for jobs.
LIST_P95_MS = 150
LIST_MAX_QUERIES = 12
DETAIL_P95_MS = 100
DASHBOARD_COLD_MS = 1000
# The province's dashboard, cold, is held to a tighter budget (one grouped index-only scan).
DASHBOARD_PROVINCE_COLD_MS = 200
DASHBOARD_WARM_MS = 200
EXPORT_ROWS = 100_000
EXPORT_SECONDS = 5
IMPORT_ROWS = 10_000
IMPORT_SECONDS = 10
NOTICES_SECONDS = 60
MONTHLY_SECONDS = 60


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# ---------------------------------------------------------------- web (in-process client)


def _timed(client, url: str, repeat: int, *, before=None, **extra) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm-up: template loading, connection, caches of the code
        if before:
            before()
        response = client.get(url, **extra)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url, **extra)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **extra)
    return {
        "url": url,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_pct(times, 0.95), 1),
        "queries": len(queries),
        "sql": [q["sql"] for q in queries.captured_queries],
    }


def _forget_tables() -> None:
    """Drop the kept list tables, as a committed change in the scope would make them stale."""
    from django.core.cache import cache

    cache.delete_pattern("fragment:hazard-list:*")


def _admin_changelist() -> str:
    """The admin changelist of hazards. The app registers no Hazard admin, so the bench does,
    in its own process only: the plain ModelAdmin a developer would write for the same columns
    (registered before the URLconf is loaded)."""
    from django.contrib import admin

    from hazards.models import Hazard

    if not admin.site.is_registered(Hazard):

        class BenchHazardAdmin(admin.ModelAdmin):
            list_display = (
                "number",
                "enterprise",
                "region",
                "sector",
                "level",
                "state",
                "found_date",
                "current_deadline",
            )
            list_select_related = ("enterprise", "region", "sector")
            list_per_page = 20

        admin.site.register(Hazard, BenchHazardAdmin)
    return "/admin/hazards/hazard/"


def measure_web(groups: set[str], repeat: int, info: dict) -> list[dict]:
    """Time every page of the web groups. Past 60 lines: the list of pages and their budgets
    is data, one entry a page, kept beside the loop that measures them."""
    setup_django()
    admin_url = _admin_changelist()
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from hazards.models import Hazard

    province = User.objects.get(username="bench_province")
    admin = User.objects.get(username="bench_admin")
    city_code = "1506"
    city = User.objects.get(username=f"bench_c{city_code}")
    county = User.objects.get(pk=info["counties"][sorted(info["counties"])[50]])
    client = Client()
    client.force_login(province)
    results = []

    def add(name: str, group: str, result: dict, **budget) -> None:
        result.update(name=name, group=group, **budget)
        results.append(result)
        print(
            f"  {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
            f"{result['queries']} 条 SQL",
            flush=True,
        )

    hazard_list = reverse("hazards:hazard_list")
    open_states = "&".join(
        f"state={s}" for s in ("registered", "rectifying", "awaiting_recheck", "rechecked")
    )
    list_cases = [
        ("隐患列表 首页", ""),
        ("隐患列表 未销号+逾期", f"?{open_states}&overdue=true"),
        ("隐患列表 重大隐患", "?level=major"),
        ("隐患列表 地区=市", f"?region={city_code}00"),
        ("隐患列表 关键字", "?q=配电室"),
        ("隐患列表 每页100条", "?page_size=100"),
    ]
    if "list" in groups or "baseline" in groups:
        # Budgeted as the first view after a change draws them: the kept tables are forgotten
        # before each request (hazards.fragments), so the rows are read and drawn every time.
        for name, query in list_cases:
            if "list" not in groups and query:
                continue
            add(
                name,
                "list",
                _timed(client, hazard_list + query, repeat, before=_forget_tables),
                budget_p95_ms=LIST_P95_MS,
                budget_queries=LIST_MAX_QUERIES,
            )
        if "list" in groups:
            add("隐患列表 首页（表格已保存）", "list", _timed(client, hazard_list, repeat))
    if "detail" in groups:
        closed = (
            Hazard.objects.filter(state="closed").order_by("-pk").values_list("pk", flat=True)[0]
        )
        supervised = (
            Hazard.objects.exclude(supervision_level="")
            .order_by("-pk")
            .values_list("pk", flat=True)
        )[0]
        for name, pk in (("隐患详情 已销号", closed), ("隐患详情 挂牌重大", supervised)):
            add(
                name,
                "detail",
                _timed(client, reverse("hazards:hazard_detail", args=[pk]), repeat),
                budget_p95_ms=DETAIL_P95_MS,
            )
    if "enterprise" in groups:
        add(
            "企业列表 首页",
            "enterprise",
            _timed(client, reverse("enterprises:enterprise_list"), repeat),
        )
    if "dashboard" in groups:
        try:
            url = reverse("api:dashboard")
        except Exception:  # noqa: BLE001 - not there yet
            url = None
        if url is None:
            results.append(
                {"name": "驾驶舱", "group": "dashboard", "gap": "未实现：无 api:dashboard"}
            )
            print("  驾驶舱：尚未实现，跳过", flush=True)
        else:
            for label, user in (("省", province), ("市", city), ("县", county)):
                c = Client()
                c.force_login(user)
                add(
                    f"驾驶舱 API {label} 冷",
                    "dashboard",
                    _timed(c, url, max(3, repeat // 4), before=cache.clear),
                    budget_p95_ms=DASHBOARD_PROVINCE_COLD_MS
                    if label == "省"
                    else DASHBOARD_COLD_MS,
                )
                add(
                    f"驾驶舱 API {label} 热",
                    "dashboard",
                    _timed(c, url, repeat),
                    budget_p95_ms=DASHBOARD_WARM_MS,
                )
            c = Client()
            c.force_login(county)
            add(
                "驾驶舱 页面 县 热",
                "dashboard",
                _timed(c, reverse("dashboard:dashboard"), repeat),
                budget_p95_ms=DASHBOARD_WARM_MS,
            )
    if "baseline" in groups:
        first = next(r for r in results if r["name"] == "隐患列表 首页")
        admin_client = Client()
        admin_client.force_login(admin)
        add("基线 admin 隐患列表", "baseline", _timed(admin_client, admin_url, repeat))
        results[-1]["ratio_list_to_this"] = round(first["p50_ms"] / results[-1]["p50_ms"], 2)
        results.append(_bare_sql(first, repeat))
    return results


def _bare_sql(first: dict, repeat: int) -> dict:
    """The list page's own hazard queries (count and page), run with psycopg directly."""
    from common import connect

    statements = [s for s in first["sql"] if '"hazards_hazard"' in s and "SAVEPOINT" not in s]
    with connect() as conn:
        for s in statements:
            conn.execute(s).fetchall()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            for s in statements:
                conn.execute(s).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    result = {
        "name": "基线 直接SQL（列表的计数+分页查询）",
        "group": "baseline",
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_pct(times, 0.95), 1),
        "queries": len(statements),
        "sql": statements,
    }
    result["ratio_list_to_this"] = round(first["p50_ms"] / max(result["p50_ms"], 0.01), 2)
    print(f"  {result['name']}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms", flush=True)
    return result


# ---------------------------------------------------------------- jobs (one process each)


def job_export(info: dict) -> dict:
    setup_django()
    import tempfile

    from django.http import QueryDict

    from accounts.models import User
    from reports.ledger.export import ledger_queryset, ledger_rows
    from reports.ledger.workbook import write_ledger

    user = User.objects.get(username="bench_province")
    started = time.perf_counter()
    queryset = ledger_queryset(user, QueryDict())[:EXPORT_ROWS]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        write_ledger(ledger_rows(queryset), out)
        out.flush()
        size = os.path.getsize(out.name)
    return {
        "seconds": time.perf_counter() - started,
        "rows": EXPORT_ROWS,
        "file_mb": round(size / 1024 / 1024, 1),
    }


def job_import(info: dict) -> dict:
    setup_django()
    from django.db import transaction

    from accounts.models import User
    from reports.ledger.preview import ledger_import_preview

    user = User.objects.get(username="bench_admin")  # may import; sees more than 10 000 rows
    data = ledger_file(user, IMPORT_ROWS)
    started = time.perf_counter()
    with transaction.atomic():
        batch = ledger_import_preview(by=user, data=data, file_name="bench.xlsx")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"seconds": seconds, "rows": batch.row_count, "errors": len(batch.errors)}


def job_notices(info: dict) -> dict:
    setup_django()
    from datetime import date

    from django.db import connection, transaction

    from reports.notices.services import notices_run

    on = date.fromisoformat(info["as_of"])
    started = time.perf_counter()
    with transaction.atomic():
        result = notices_run(on=on)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "seconds": seconds,
        "checked": result.checked,
        "created": result.created,
        "on": str(on),
        "db": connection.settings_dict["NAME"],
    }


def job_monthly(info: dict) -> dict:
    setup_django()
    from datetime import date

    from django.db import transaction

    from reports.monthly.services import monthly_reports_build

    on = date.fromisoformat(info["as_of"])
    started = time.perf_counter()
    with transaction.atomic():
        built = monthly_reports_build(on=on, force=True)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "seconds": seconds,
        "county_reports": len(built),
        "ms_per_county": round(seconds * 1000 / max(len(built), 1)),
        "on": str(on),
    }


JOBS = {
    "export": ("台账导出 10万条", job_export, EXPORT_SECONDS),
    "import": ("台账导入校验 1万行", job_import, IMPORT_SECONDS),
    "commit": ("台账导入提交 1万行（同县登记等待）", lambda info: _commit(info), COMMIT_SECONDS),
    "notices": ("每日督办通知任务", job_notices, NOTICES_SECONDS),
    "monthly": ("全省月度报告生成", job_monthly, MONTHLY_SECONDS),
}


def _commit(info: dict) -> dict:
    setup_django()
    return job_commit(info)


def _own_peak_rss_mb() -> int | None:
    """This process's peak RSS (VmHWM). Unlike ru_maxrss it starts afresh at exec, so a child
    does not inherit the peak of a parent that has just generated the data set."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return None


def run_child(step: str, args: argparse.Namespace) -> dict:
    """Run one step in a child process; its result plus its own peak RSS."""
    command = [sys.executable, __file__, "--step", step]
    if args.quick:
        command.append("--quick")
    if args.repeat:
        command += ["--repeat", str(args.repeat)]
    if args.only:
        command += ["--only", args.only]
    out_file = OUT / f"step-{step}.json"
    out_file.unlink(missing_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=bench_environ(), cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0 or not out_file.exists():
        return {"error": f"step {step} exited with {process.returncode}", "wall_seconds": wall}
    result = json.loads(out_file.read_text())
    result.setdefault("peak_rss_mb", round(usage.ru_maxrss / 1024))
    result["wall_seconds"] = round(wall, 1)
    return result


# ---------------------------------------------------------------- report


def verdicts(row: dict) -> list[str]:
    out = []
    if row.get("gap") or row.get("error"):
        return out
    if "budget_p95_ms" in row:
        out.append("PASS" if row["p95_ms"] <= row["budget_p95_ms"] else "FAIL")
    if "budget_queries" in row:
        out.append("PASS" if row["queries"] <= row["budget_queries"] else "FAIL")
    if "budget_seconds" in row:
        out.append("PASS" if row["seconds"] <= row["budget_seconds"] else "FAIL")
    if "drill_ok" in row:
        out.append("PASS" if row["drill_ok"] else "FAIL")
    if "register_budget_seconds" in row:
        out.append(
            "PASS" if row["register_max_seconds"] <= row["register_budget_seconds"] else "FAIL"
        )
    return out


def table(rows: list[dict]) -> str:
    lines = [
        "| 项目 | p50 | p95 / 用时 | SQL | 峰值内存 | 预算 | 结果 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("gap") or r.get("error"):
            lines.append(
                f"| {r['name']} | — | — | — | — | — | 缺口：{r.get('gap') or r['error']} |"
            )
            continue
        v = verdicts(r)
        result = "FAIL" if "FAIL" in v else ("PASS" if v else "—")
        if "seconds" in r:
            extra = "，".join(
                f"{k} {r[k]}"
                for k in (
                    "rows",
                    "checked",
                    "created",
                    "county_reports",
                    "ms_per_county",
                    "errors",
                    "registrations_during",
                    "register_max_seconds",
                )
                if k in r
            )
            lines.append(
                f"| {r['name']}{'（' + extra + '）' if extra else ''} | — | {r['seconds']:.2f} s |"
                f" {r.get('queries', '—')} | {r.get('peak_rss_mb', '—')} MB |"
                f" ≤ {r['budget_seconds']} s | {result} |"
            )
            continue
        budget = []
        if "budget_p95_ms" in r:
            budget.append(f"p95 ≤ {r['budget_p95_ms']} ms")
        if "budget_queries" in r:
            budget.append(f"≤ {r['budget_queries']} SQL")
        if "drill_ok" in r:
            budget.append("零错误、零陈旧读、从库读 ≥ 50%")
        if "ratio_list_to_this" in r:
            budget.append(f"列表首页 p50 是它的 {r['ratio_list_to_this']} 倍")
        lines.append(
            f"| {r['name']} | {r['p50_ms']} ms | {r['p95_ms']} ms | {r['queries']} | — |"
            f" {'；'.join(budget) or '—'} | {result} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Parse the options, prepare the database, run each group, write and print results.
    Past 60 lines: mostly the options, one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 条隐患（独立数据库）")
    parser.add_argument("--fresh", action="store_true", help="重新生成基准数据")
    parser.add_argument("--only", help="只测这些组，逗号分隔：" + ",".join(GROUPS))
    parser.add_argument("--repeat", type=int, default=0, help="每个页面请求次数（默认 20）")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        use_quick_database()
    groups = set(args.only.split(",")) if args.only else set(GROUPS)
    repeat = args.repeat or 20
    OUT.mkdir(parents=True, exist_ok=True)

    if args.step:  # child process
        info = dataset()
        if args.step == "web":
            result = {"rows": measure_web(groups, repeat, info)}
        elif args.step == "load":
            result = {"rows": load.measure_load(info)}
        else:
            result = JOBS[args.step][1](info)
            if "seconds" in result:
                result["seconds"] = round(result["seconds"], 2)
        result["peak_rss_mb"] = _own_peak_rss_mb()
        (OUT / f"step-{args.step}.json").write_text(json.dumps(result, ensure_ascii=False))
        return

    if groups == {"drill"}:  # the drill brings its own servers and data
        rows = run_drill()
        print("\n" + table(rows))
        return

    import generate

    machine = machine_speed()
    speed = (
        f"本机：{machine['cores']} 核 {machine['cpu']}，Python {machine['python']}，"
        f"参考计算 {machine['reference_ms']} ms（固定的一段解释器运算，越小越快；"
        "同一代码在两台机器上的用时约与此数成比例）"
    )
    print(speed, flush=True)
    sizes = dict(generate.QUICK if args.quick else generate.FULL)
    started = time.perf_counter()
    info = generate.generate(sizes, args.fresh)
    _migrate()
    _collectstatic()
    print(f"\n数据集：{info['counts']}（{info['as_of']}，生成用时 {info['seconds']} 秒）\n")
    rows = []
    if groups & {"list", "detail", "enterprise", "dashboard", "baseline"}:
        print("页面（进程内 Client，DEBUG 关闭）：", flush=True)
        web = run_child("web", args)
        if "error" in web:
            rows.append({"name": "页面", "error": web["error"]})
        else:
            rows += web["rows"]
    for step, (label, _, budget) in JOBS.items():
        if step not in groups:
            continue
        print(f"{label}…", flush=True)
        result = run_child(step, args)
        result.update(name=label, group=step, budget_seconds=budget)
        if "seconds" in result:
            print(
                f"  {result['seconds']:.2f} 秒，峰值内存 {result.get('peak_rss_mb')} MB", flush=True
            )
        rows.append(result)
    if "drill" in groups:
        rows += run_drill()
    load_rows = []
    if "load" in groups:
        print(
            "负载（gunicorn 3 个进程，locust 无界面，50 人浏览，再加 5 人登记和推进隐患）…",
            flush=True,
        )
        result = run_child("load", args)
        if "error" in result:
            rows.append({"name": "负载", "error": result["error"]})
        else:
            load_rows = result["rows"]
    text = speed + "\n\n" + table(rows)
    if load_rows:
        text += "\n\n" + load.table(load_rows)
    print("\n" + text)
    failed = sum("FAIL" in verdicts(r) for r in rows)
    failed += sum("FAIL" in load.verdicts(r) for r in load_rows)
    rows += load_rows
    summary = {
        "machine": machine,
        "dataset": {k: info[k] for k in ("sizes", "counts", "as_of", "seconds", "parts")},
        "repeat": repeat,
        "rows": [{k: v for k, v in r.items() if k != "sql"} for r in rows],
        "sql": {r["name"]: r.get("sql") for r in rows if r.get("sql")},
        "failed": failed,
        "bench_seconds": round(time.perf_counter() - started, 1),
        "max_rss_children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }
    (OUT / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    (OUT / "results.md").write_text(text + "\n")
    print(
        f"\n{failed} 项未达预算；结果：bench/out/results.json（用时 {summary['bench_seconds']} 秒）"
    )


def run_drill() -> list[dict]:
    """bench/drill.py in its own process (private primary, replica, two web processes, proxy,
    two workers, load); its two layouts as rows of the table. BENCH_DRILL_ARGS passes options."""
    print("多节点演练（bench/drill.py）…", flush=True)
    command = [sys.executable, str(ROOT / "bench" / "drill.py")]
    command += os.environ.get("BENCH_DRILL_ARGS", "").split()
    out = OUT / "drill.json"
    out.unlink(missing_ok=True)
    code = subprocess.run(command, cwd=ROOT).returncode
    if not out.exists():
        return [{"name": "多节点演练", "error": f"drill exited with {code}"}]
    result = json.loads(out.read_text())
    rows = []
    for label, name in (("one_node", "一个节点"), ("two_nodes", "两个节点 + 从库")):
        r = result[label]
        rows.append(
            {
                "name": f"多节点演练 {name}（{r['req_per_s']} req/s，从库读 {r['replica_share']:.0%}，"
                f"陈旧读 {r['stale_reads']}/{r['writes']}，错误 {r['errors']}）",
                "group": "drill",
                "p50_ms": r["p50_ms"],
                "p95_ms": r["p95_ms"],
                "queries": "—",
                "drill_ok": code == 0,
            }
        )
    return rows


def _migrate() -> None:
    """A data set generated by an older checkout gets the indexes added since."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        env=bench_environ(),
        cwd=ROOT,
        check=True,
    )


def _collectstatic() -> None:
    """DEBUG off serves the manifest storage: collect the static files (only changes copy)."""
    env = bench_environ()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


if __name__ == "__main__":
    main()

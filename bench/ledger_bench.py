"""Ledger benchmark steps, run by the province benchmark (bench/run.py).

    make bench-ledger            (or: uv run python bench/ledger_bench.py [--quick] [--fresh])

Runs `bench/run.py --only export,import,commit`: a 100 000-row ledger export (≤ 5 s), a
10 000-row import check (≤ 10 s) and the commit of 10 000 rows (≤ 10 s) while another process
registers hazards in a county of the file: its registrations must not wait more than 1 s for
the county's numbering lock. Each step runs in its own process inside a transaction that is
rolled back, so the data set stays as generated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMPORT_ROWS = 10_000
COMMIT_SECONDS = 10
REGISTER_WAIT_SECONDS = 1.0
PROBE_PAUSE = 0.05


def ledger_file(user, rows: int = IMPORT_ROWS, skip: frozenset[int] = frozenset()) -> bytes:
    """The user's first hazards exported as a ledger, made into new hazards of an old ledger:
    no system number, a description of their own, no listing (its 文号 is taken). `skip`:
    Excel row numbers of that ledger to leave out."""
    import io

    from reports.ledger.export import ledger_queryset, ledger_rows
    from reports.ledger.workbook import HEADERS, write_ledger

    def at(header: str) -> int:
        return HEADERS.index(header) - 1  # rows start after 序号

    out = []
    for number, row in enumerate(ledger_rows(ledger_queryset(user, {})[:rows]), start=2):
        if number in skip:
            continue
        row = list(row)
        row[at("隐患编号")] = None
        row[at("隐患描述")] += "（历史台账）"
        row[at("是否挂牌")], row[at("挂牌级别")], row[at("挂牌文号")] = "否", None, None
        out.append(row)
    data = io.BytesIO()
    write_ledger(out, data)
    return data.getvalue()


def job_commit(info: dict) -> dict:
    """Preview 10 000 rows, then time their commit while a probe process registers hazards in
    the county with most rows of the file, and report the probe's longest registration."""
    from django.db import transaction
    from django.db.models import Max

    from accounts.models import User
    from hazards.models import Hazard
    from reports.ledger.commit import ledger_import_commit
    from reports.ledger.preview import ledger_import_preview

    user = User.objects.get(username="bench_admin")
    with transaction.atomic():
        batch = ledger_import_preview(by=user, data=ledger_file(user), file_name="bench.xlsx")
        transaction.set_rollback(True)
    # The generated data cites a few clauses of standards not in force on the found date:
    # the rows the check refuses are left out, and the file is checked again.
    skip = frozenset(e["row"] for e in batch.errors)
    with transaction.atomic():
        data = ledger_file(user, IMPORT_ROWS + len(skip), skip)
        batch = ledger_import_preview(by=user, data=data, file_name="bench.xlsx")
        if batch.errors:
            transaction.set_rollback(True)
            return {"error": f"{len(batch.errors)} 行有错误：{batch.errors[:3]}"}
        county = _busiest_county(batch)
    # The preview and the commit are committed for real (the probe must see the numbering as
    # any registration would); the hazards, their history and the numbers are removed after.
    last_id = Hazard.objects.aggregate(last=Max("pk"))["last"] or 0
    probe, stop = _start_probe(county)
    try:
        started = time.perf_counter()
        created = ledger_import_commit(batch=batch, by=user)
        seconds = time.perf_counter() - started
        time.sleep(0.3)
    finally:
        stop.touch()
        probe.wait(timeout=30)
        _remove(batch, last_id)
    waits = json.loads((stop.parent / "probe.json").read_text())
    during = [w for t, w in waits if started <= t <= started + seconds + 0.3]
    return {
        "seconds": seconds,
        "rows": batch.row_count,
        "created": created,
        "errors": 0,
        "county": county,
        "registrations_during": len(during),
        "register_max_seconds": round(max(during, default=0), 3),
        "register_budget_seconds": REGISTER_WAIT_SECONDS,
    }


def _remove(batch, last_id: int) -> None:
    """Leave the data set as generated: the committed hazards, their history, the numbers
    taken for them and the import go."""
    from simple_history.utils import get_history_model_for_model

    from hazards.models import Hazard
    from hazards.numbering import numbers_release

    Hazard.objects.filter(pk__gt=last_id).delete()
    get_history_model_for_model(Hazard).objects.filter(id__gt=last_id).delete()
    batch.refresh_from_db()
    if batch.numbers:
        numbers_release(batch.numbers)
    batch.delete()


def _busiest_county(batch) -> str:
    from enterprises.models import Enterprise

    ids = [r["enterprise_id"] for r in batch.rows if r.get("enterprise_id")]
    regions = dict(Enterprise.objects.filter(pk__in=set(ids)).values_list("pk", "region_id"))
    counts: dict[str, int] = {}
    for pk in ids:
        county = regions[pk][:6]
        counts[county] = counts.get(county, 0) + 1
    return max(counts, key=counts.get)


def _start_probe(county: str):
    out = HERE / "out"
    stop = out / "probe.stop"
    stop.unlink(missing_ok=True)
    (out / "probe.json").unlink(missing_ok=True)
    ready = out / "probe.ready"
    ready.unlink(missing_ok=True)
    env = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, str(HERE / "ledger_bench.py"), "--probe", county], env=env, cwd=HERE.parent
    )
    while not ready.exists():
        if process.poll() is not None:
            raise RuntimeError("registration probe exited")
        time.sleep(0.05)
    return process, stop


def probe(county: str) -> None:
    """Register a hazard in the county again and again (each rolled back) until told to stop;
    write (start time, seconds) of each registration."""
    sys.path.insert(0, str(HERE))
    from common import setup_django

    setup_django()
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from enterprises.models import Enterprise
    from hazards.choices import HazardLevel
    from hazards.services import hazard_register

    user = User.objects.get(username="bench_admin")
    enterprise = Enterprise.objects.filter(region__code__startswith=county).first()
    out = HERE / "out"
    stop = out / "probe.stop"
    waits = []
    today = timezone.localdate()
    (out / "probe.ready").touch()
    while not stop.exists():
        started = time.perf_counter()
        with transaction.atomic():
            hazard_register(
                by=user,
                enterprise=enterprise,
                level=HazardLevel.GENERAL,
                place="基准测试",
                description="导入期间的登记",
                deadline=today + timedelta(days=10),
            )
            transaction.set_rollback(True)
        waits.append((started, time.perf_counter() - started))
        time.sleep(PROBE_PAUSE)
    (out / "probe.json").write_text(json.dumps(waits))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        probe(sys.argv[2])
        sys.exit(0)
    run = HERE / "run.py"
    only = ["--only", "export,import,commit"]
    sys.exit(subprocess.call([sys.executable, str(run), *only, *sys.argv[1:]]))

"""A ledger commit is all or nothing even when its process dies: a real worker process is
killed mid-commit (SIGKILL), after its progress became visible; nothing of the file is in the
database, the numbers reserved for it stay with the import, and committing again imports the
whole file with those numbers, leaving no gap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from core.models import Job
from hazards.choices import HazardLevel
from hazards.models import Hazard, HazardSequence
from reports.choices import ImportStatus
from reports.ledger.commit import JOB_KIND, ledger_import_commit
from reports.ledger.preview import ledger_import_preview
from reports.ledger.workbook import write_ledger
from reports.models import LedgerImport
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import today

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
ROWS = 5000
WORKER = """
import django, sys
django.setup()
from core.tasks import run_job
run_job(int(sys.argv[1]))
"""


def _ledger(enterprise) -> bytes:
    found = today() - timedelta(days=30)
    rows = [
        {
            "enterprise": enterprise.name,
            "credit_code": enterprise.credit_code,
            "description": f"第{i}处消防通道堵塞",
            "level": "一般隐患",
            "found_date": found,
            "deadline": found + timedelta(days=60),
            "state": "整改中",
        }
        for i in range(ROWS)
    ]
    import io

    out = io.BytesIO()
    write_ledger(rows, out)
    return out.getvalue()


def _worker(job: Job) -> subprocess.Popen:
    settings = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=(
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}"
        ),
    )
    return subprocess.Popen([sys.executable, "-c", WORKER, str(job.pk)], env=env, cwd=ROOT)


def test_a_killed_commit_leaves_nothing_and_a_second_commit_imports_it_whole(personas):
    enterprise = EnterpriseFactory()
    batch = ledger_import_preview(
        by=personas.inspector, data=_ledger(enterprise), file_name="大台账.xlsx"
    )
    assert batch.errors == [] and batch.row_count == ROWS
    job = Job.objects.create(
        kind=JOB_KIND, title="导入", params={"import_id": batch.pk}, created_by=personas.inspector
    )
    worker = _worker(job)
    try:
        deadline = time.monotonic() + 120
        progress = 0
        while time.monotonic() < deadline and worker.poll() is None:
            progress = Job.objects.get(pk=job.pk).progress
            if progress > 0:
                break
            time.sleep(0.02)
        # The commit's transaction is open: its progress is seen from here all the same.
        assert 0 < progress < 100, progress
        assert not Hazard.objects.exists()
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    assert not Hazard.objects.exists()
    assert LedgerImport.objects.get(pk=batch.pk).status == ImportStatus.PREVIEW
    county, year = enterprise.region_id[:6], (today() - timedelta(days=30)).year
    # The numbers were reserved for the import before its transaction began, and stay with it.
    kept = LedgerImport.objects.get(pk=batch.pk).numbers
    assert kept == {f"{county}-{year}": [1, ROWS]}
    assert HazardSequence.objects.get(county_code=county, year=year).last == ROWS

    created = ledger_import_commit(batch=batch, by=personas.inspector)
    assert created == ROWS
    numbers = sorted(Hazard.objects.values_list("number", flat=True))
    assert numbers == [f"{county}-{year}-{n:05d}" for n in range(1, ROWS + 1)]
    assert Hazard.objects.filter(level=HazardLevel.GENERAL).count() == ROWS

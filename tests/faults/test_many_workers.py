"""Many workers, one schedule: two real Celery workers receive the same scheduled run several
times (as from two schedulers) and the same job several times; each runs once."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from core.models import Job, JobState, ScheduledRun
from tests.faults.test_worker_killed import _send
from tests.processes import PrivateRedis, django_env, wait_until, worker

pytestmark = pytest.mark.django_db(transaction=True)
COPIES = 4


def test_two_workers_run_a_scheduled_slot_once_and_a_job_once(personas, tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = django_env(
        connection.settings_dict["NAME"],
        REDIS_URL=redis.url,
        QINGLING_VAR_DIR=str(tmp_path / "var"),
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    release = tmp_path / "release"
    release.touch()
    job = Job.objects.create(
        kind="drill_wait",
        title="演练任务",
        params={"pid_file": str(tmp_path / "pid"), "release": str(release)},
        created_by=personas.inspector,
    )
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    try:
        with worker(env, logs[0], name="w1"), worker(env, logs[1], name="w2"):
            for _ in range(COPIES):
                _send(redis, "reports.tasks.run_notices")
                _send(redis, "core.run_job", job.pk)

            def finished(task: str) -> int:
                # The worker logs one end line per copy; the task's own log lines also carry
                # its name, so only the end lines are counted.
                text = "".join(log.read_text() for log in logs)
                return len(
                    re.findall(rf"Task {re.escape(task)}\[[^\]]+\] (succeeded|raised)", text)
                )

            def handled() -> bool:
                return (
                    finished("reports.tasks.run_notices") == COPIES
                    and finished("core.run_job") == COPIES
                )

            wait_until(handled, timeout=120, what="every copy to be handled")
            wait_until(lambda: Job.objects.get(pk=job.pk).state == JobState.DONE, timeout=60)
    finally:
        redis.kill()
    text = "".join(log.read_text() for log in logs)
    assert text.count("notice run user=-") == 1  # the one run that did the work logged it
    assert text.count("already ran elsewhere; skipped") == COPIES - 1
    runs = ScheduledRun.objects.filter(task="run_notices")
    assert [(r.slot, r.finished_at is not None) for r in runs] == [
        (timezone.localdate().isoformat(), True)
    ]
    assert Job.objects.get(pk=job.pk).attempts == 1

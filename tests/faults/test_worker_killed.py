"""Jobs never hang: real Celery workers on a private Redis, killed with SIGKILL mid-job."""

import os
import signal
import warnings

import pytest
from django.db import connection

from config.celery import app
from core.models import Job, JobState
from tests.faults.test_redis_down import _login
from tests.processes import PrivateRedis, django_env, site, wait_until, worker

pytestmark = pytest.mark.django_db(transaction=True)


def _send(redis: PrivateRedis, name: str, *args) -> None:
    with app.connection_for_write(redis.url) as conn:
        with warnings.catch_warnings():  # this process runs eagerly; send_task never does
            warnings.simplefilter("ignore")
            app.send_task(name, args=list(args), connection=conn)


def _job(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def _sweep_until(redis: PrivateRedis, pk: int, done) -> Job:
    """Run the sweep task (as beat does every minute) until the job reaches `done`."""

    def swept():
        _send(redis, "core.sweep_jobs")
        job = _job(pk)
        return job if done(job) else None

    return wait_until(swept, timeout=120, what="the sweep", every=1.5)


def test_a_job_whose_worker_is_killed_is_requeued_once_then_failed_with_retry(personas, tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = django_env(
        connection.settings_dict["NAME"],
        REDIS_URL=redis.url,
        JOB_HEARTBEAT_SECONDS="1",
        JOB_STALE_SECONDS="6",
        QINGLING_VAR_DIR=str(tmp_path / "var"),
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    pid_file, release = tmp_path / "pid", tmp_path / "release"
    job = Job.objects.create(
        kind="drill_wait",
        title="演练任务",
        params={"pid_file": str(pid_file), "release": str(release)},
        created_by=personas.inspector,
    )
    try:
        # Run 1: the whole worker (main process and its child) is killed with SIGKILL.
        with worker(env, tmp_path / "a.log", name="a") as first:
            _send(redis, "core.run_job", job.pk)
            wait_until(lambda: _job(job.pk).progress == 10, timeout=60, what="run 1")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(30)
        beat = _job(job.pk).heartbeat_at
        assert _job(job.pk).state == JobState.RUNNING and _job(job.pk).attempts == 1

        with worker(env, tmp_path / "b.log", name="b"):
            # The sweep sees the silent heartbeat and requeues the job once; worker b runs it.
            pid_file.unlink()
            job2 = _sweep_until(redis, job.pk, lambda j: j.attempts == 2 and j.progress == 10)
            assert job2.heartbeat_at > beat and job2.state == JobState.RUNNING
            # Run 2: only the pool process running the job is killed with SIGKILL.
            wait_until(pid_file.exists, timeout=30)
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
            failed = _sweep_until(redis, job.pk, lambda j: j.state == JobState.FAILED)
            assert failed.attempts == 2 and "后台进程意外中断" in failed.message

            with site(env, tmp_path / "site.log") as base:
                web = _login(base)
                page = web.get(f"{base}/jobs/{job.pk}/", timeout=30).text
                assert "后台进程意外中断" in page and "重试" in page
                assert '<div id="job-progress" >' in page  # no hx-trigger: it stops polling
                release.touch()
                retried = web.post(
                    f"{base}/jobs/{job.pk}/retry/",
                    headers={"X-CSRFToken": web.cookies["csrftoken"], "Referer": base + "/"},
                    timeout=30,
                )
                assert retried.status_code == 200 and "重试" not in retried.text
                done = wait_until(
                    lambda: _job(job.pk).state == JobState.DONE and _job(job.pk),
                    timeout=60,
                    what="the retried job",
                )
                assert done.message == "演练任务已完成。" and done.progress == 100
    finally:
        redis.kill()

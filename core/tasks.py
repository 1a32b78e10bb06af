"""The generic background job runner: one Celery task for every kind of core.Job.

A job kind names its handler in settings.JOB_HANDLERS (kind → dotted path). A handler takes
(job, progress_callback), does the work, and sets job.result / job.result_name / job.message;
this runner claims the job, records progress, success or failure, and never runs a job twice
at once. The message is acknowledged only when the run ends (acks_late) and given back to the
queue when the worker process dies; a heartbeat lets the sweep find runs whose worker died.
"""

from __future__ import annotations

import logging
import threading
import time

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .jobs import jobs_sweep
from .models import Job, JobState

logger = logging.getLogger(__name__)


def _progress_recorder(job_id: int):
    last = {"value": -1}

    def record(percent: int) -> None:
        value = max(0, min(99, int(percent)))
        if value != last["value"]:
            last["value"] = value
            Job.objects.filter(pk=job_id).update(progress=value)

    return record


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat every JOB_HEARTBEAT_SECONDS while the handler runs."""

    def __init__(self, job_id: int):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # noqa: BLE001 - a missed heartbeat only makes the sweep look
            logger.exception("heartbeat of job %s failed", self.job_id)
        finally:
            connection.close()


@shared_task(name="core.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> None:
    """Run one queued job. Safe to deliver twice: only a queued job is claimed."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    started = time.monotonic()
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    try:
        handler = import_string(settings.JOB_HANDLERS[job.kind])
        handler(job, _progress_recorder(job.pk))
    except Exception:
        logger.exception(
            "job %s kind=%s user=%s failed after %.1fs",
            job.pk,
            job.kind,
            job.created_by,
            time.monotonic() - started,
        )
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            finished_at=timezone.now(),
            message=job.message or "任务执行失败，请点击“重试”；如仍失败请联系管理员。",
        )
        return
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
    job.state = JobState.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "progress", "finished_at", "result", "result_name", "message"])
    logger.info(
        "job %s kind=%s user=%s done in %.1fs",
        job.pk,
        job.kind,
        job.created_by,
        time.monotonic() - started,
    )


@shared_task(name="core.sweep_jobs", time_limit=120)
def sweep_jobs() -> str:
    """Every minute: requeue or fail jobs whose worker died; resend jobs never handed over."""
    return str(jobs_sweep())


@shared_task(name="core.forget_idempotency_keys")
def forget_idempotency_keys() -> int:
    """Daily: forget the answers kept for repeated submits after a week."""
    from .idempotency import idempotency_keys_forget

    return idempotency_keys_forget()


@shared_task(name="core.clean_media")
def clean_media() -> str:
    """Weekly: remove files left behind by rolled-back transactions (core.media)."""
    from .media import media_clean

    return str(media_clean())

"""The generic background job runner: one Celery task for every kind of core.Job.

A job kind names its handler in settings.JOB_HANDLERS (kind → dotted path). A handler takes
(job, progress_callback), does the work, and sets job.result / job.result_name / job.message;
this runner claims the job, records progress, success or failure, and never runs a job twice.
"""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

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


@shared_task(name="core.run_job")
def run_job(job_id: int) -> None:
    """Run one queued job. Safe to deliver twice: only a queued job is claimed."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    started = time.monotonic()
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
            message=job.message or "任务执行失败，请稍后重试；如仍失败请联系管理员。",
        )
        return
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


@shared_task(name="core.clean_media")
def clean_media() -> str:
    """Weekly: remove files left behind by rolled-back transactions (core.media)."""
    from .media import media_clean

    return str(media_clean())

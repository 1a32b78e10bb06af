"""Background jobs: who may see a job, queuing it after commit, retrying it, and the sweep that
finds jobs whose worker died. A job is visible only to the user who started it."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.utils import timezone

from .errors import Kind, ServiceError
from .models import Job, JobState

log = logging.getLogger(__name__)

# A queued job not started after this long was probably never handed to a worker (the
# broker was down at commit time): the sweep hands it over again.
UNSTARTED_AFTER = timedelta(minutes=2)
# Runs of one job in all: the first, and one automatic rerun after its worker was lost.
MAX_ATTEMPTS = 2
LOST_WORKER = "后台进程意外中断，任务未完成。请点击“重试”重新运行；如仍失败请联系管理员。"


def jobs_for(user):
    """The user's own background jobs, newest first (nobody else's)."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(created_by=user).order_by("-created_at", "-pk")


def job_for(user, pk: int) -> Job:
    """The user's own job, or Http404 (others' jobs are not confirmed to exist)."""
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404("未找到该任务。")
    return job


def job_result_response(job: Job) -> FileResponse:
    """The finished job's file as a download, or Http404 while there is none."""
    if job.state != JobState.DONE or not job.result:
        raise Http404("任务尚未完成，暂无结果文件。")
    response = FileResponse(job.result.open("rb"), as_attachment=True)
    name = job.result_name or job.result.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _send(job_id: int) -> None:
    """Hand a job to the workers. The job row is committed already: if the broker is down the
    job stays queued and the sweep hands it over later, so the request still succeeds."""
    from .tasks import run_job

    try:
        run_job.delay(job_id)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep recovers the job
        log.exception("Could not queue job %s; the sweep will queue it again", job_id)


def job_enqueue(job: Job) -> None:
    """Queue the job once the surrounding transaction commits."""
    transaction.on_commit(lambda: _send(job.pk))


def job_retry(*, job: Job, by) -> Job:
    """Run a failed job again (the 重试 button)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.created_by_id != by.pk:
            raise ServiceError("只能重试自己发起的任务。", kind=Kind.SCOPE)
        if job.state != JobState.FAILED:
            raise ServiceError("只有失败的任务可以重试。", kind=Kind.STATE)
        job.state, job.progress, job.message = JobState.QUEUED, 0, ""
        job.attempts, job.heartbeat_at, job.started_at, job.finished_at = 0, None, None, None
        job.save()
        job_enqueue(job)
    return job


def jobs_sweep(*, now=None) -> dict[str, int]:
    """Requeue (once) or fail running jobs whose heartbeat stopped, and hand queued jobs that
    never started to the workers again. Safe to run from several schedulers at once."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    stale = Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=stale_before)
    for job_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, state=JobState.RUNNING, heartbeat_at__lt=stale_before)
                .first()
            )
            if job is None:
                continue
            if job.attempts < MAX_ATTEMPTS:
                job.state, job.progress, job.heartbeat_at = JobState.QUEUED, 0, now
                job.message = "后台进程意外中断，已自动重新排队。"
                counts["requeued"] += 1
                job_enqueue(job)
            else:
                job.state, job.finished_at, job.message = JobState.FAILED, now, LOST_WORKER
                counts["failed"] += 1
            job.save(update_fields=["state", "progress", "message", "finished_at", "heartbeat_at"])
            log.warning("job %s lost its worker (run %s): %s", job.pk, job.attempts, job.state)
    unstarted = Job.objects.alias(since=Coalesce("heartbeat_at", "created_at")).filter(
        state=JobState.QUEUED, since__lt=now - UNSTARTED_AFTER
    )
    for job_id in unstarted.values_list("pk", flat=True):
        counts["resent"] += 1
        _send(job_id)
    return counts

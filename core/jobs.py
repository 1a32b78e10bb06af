"""Selectors and helpers for background jobs: a job is visible only to the user who started it."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, Http404

from .models import Job, JobState


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

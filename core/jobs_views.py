"""Job pages: a progress bar polled by htmx, the result download, and 重试 for a failed job."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .errors import ServiceError, message_user
from .jobs import job_for, job_result_response, job_retry, jobs_for
from .models import JobState

FINISHED = (JobState.DONE, JobState.FAILED)


@login_required
def job_list(request):
    """我的后台任务: every export, import and report build the user started, with downloads."""
    page = Paginator(jobs_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page, "finished": FINISHED})


@login_required
def job_detail(request, pk: int):
    job = job_for(request.user, pk)
    template = "core/job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job, "finished": job.state in FINISHED})


@login_required
def job_result(request, pk: int):
    return job_result_response(job_for(request.user, pk))


@login_required
@require_POST
def job_retry_view(request, pk: int):
    job = job_for(request.user, pk)
    try:
        job_retry(job=job, by=request.user)
    except ServiceError as exc:
        message_user(request, exc)
    return redirect(job)

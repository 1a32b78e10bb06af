"""Job pages: a progress bar polled by htmx, and the result download."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .jobs import job_for, job_result_response
from .models import JobState

FINISHED = (JobState.DONE, JobState.FAILED)


@login_required
def job_detail(request, pk: int):
    job = job_for(request.user, pk)
    template = "core/job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job, "finished": job.state in FINISHED})


@login_required
def job_result(request, pk: int):
    return job_result_response(job_for(request.user, pk))

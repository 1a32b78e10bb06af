"""The job sweep and 重试, and one-time keys of repeated submits (in-process; the drills with
real processes are in tests/faults)."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ServiceError
from core.jobs import job_retry, jobs_sweep
from core.logs import OncePerInterval
from core.models import Job, JobState
from hazards.models import Hazard
from tests.core.test_jobs import calls, handlers  # noqa: F401
from tests.factories import EnterpriseFactory
from tests.hazards.test_views import _create_data

pytestmark = pytest.mark.django_db


def _job(user, **fields) -> Job:
    return Job.objects.create(kind="fake", title="测试任务", created_by=user, **fields)


def test_a_running_job_with_a_stale_heartbeat_is_requeued_once_then_failed(personas, handlers):  # noqa: F811
    now = timezone.now()
    stale = now - timedelta(minutes=10)
    first = _job(personas.inspector, state=JobState.RUNNING, heartbeat_at=stale, attempts=1)
    second = _job(personas.inspector, state=JobState.RUNNING, heartbeat_at=stale, attempts=2)
    alive = _job(personas.inspector, state=JobState.RUNNING, heartbeat_at=now, attempts=1)
    counts = jobs_sweep(now=now)
    assert counts["requeued"] == 1 and counts["failed"] == 1
    first.refresh_from_db(), second.refresh_from_db(), alive.refresh_from_db()
    assert first.state == JobState.QUEUED and "重新排队" in first.message
    assert second.state == JobState.FAILED and "重试" in second.message
    assert alive.state == JobState.RUNNING


def test_a_queued_job_never_handed_to_a_worker_is_sent_again(personas, handlers):  # noqa: F811
    job = _job(personas.inspector)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert jobs_sweep()["resent"] == 1  # tests run tasks at once: the job ran
    job.refresh_from_db()
    assert job.state == JobState.DONE and calls == [job.pk]


def test_only_the_starter_may_retry_and_only_a_failed_job(
    client,
    personas,
    handlers,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    job = _job(personas.inspector, state=JobState.DONE)
    with pytest.raises(ServiceError, match="只有失败的任务可以重试"):
        job_retry(job=job, by=personas.inspector)
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    with pytest.raises(ServiceError, match="只能重试自己发起的任务"):
        job_retry(job=job, by=personas.reviewer)
    client.force_login(personas.reviewer)
    assert client.post(reverse("core:job_retry", args=[job.pk])).status_code == 404
    client.force_login(personas.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("core:job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.DONE and calls == [job.pk]


def test_a_form_sent_twice_with_its_key_registers_once(client, personas):
    client.force_login(personas.inspector)
    data = {**_create_data(EnterpriseFactory()), "idempotency_key": "k-1"}
    url = reverse("hazards:hazard_create")
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] and second["Idempotent-Replayed"] == "true"
    assert Hazard.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "该表单已经提交过" in page
    client.post(url, {**data, "idempotency_key": "k-2"})  # a new form: a new registration
    assert Hazard.objects.count() == 2


def test_a_form_refused_may_be_corrected_and_sent_with_the_same_key(client, personas):
    client.force_login(personas.inspector)
    data = {**_create_data(EnterpriseFactory()), "idempotency_key": "k-3"}
    url = reverse("hazards:hazard_create")
    assert client.post(url, {**data, "place": ""}).status_code == 200  # the form's errors
    assert client.post(url, data).status_code == 302
    assert Hazard.objects.count() == 1


def test_cache_failure_logs_at_most_once_a_minute():
    only = OncePerInterval(seconds=60)
    records = [
        logging.LogRecord("core.cache", logging.ERROR, __file__, 1, "Exception ignored", None, None)
        for _ in range(100)
    ]
    assert sum(only.filter(r) for r in records) == 1

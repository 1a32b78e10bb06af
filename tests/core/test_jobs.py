"""The generic job runner, the job status API and the job page."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.models import Job, JobState
from core.tasks import run_job

pytestmark = pytest.mark.django_db
calls: list[int] = []


def fake_handler(job, progress):
    calls.append(job.pk)
    progress(40)
    assert Job.objects.get(pk=job.pk).progress == 40
    job.result.save("fake.txt", ContentFile(b"ok"), save=False)
    job.result_name = "结果.txt"


def failing_handler(job, progress):
    raise RuntimeError("boom")


@pytest.fixture
def handlers(settings):
    settings.JOB_HANDLERS = {
        "fake": "tests.core.test_jobs.fake_handler",
        "failing": "tests.core.test_jobs.failing_handler",
    }
    calls.clear()


def test_run_job_dispatches_records_progress_and_runs_once(client, personas, handlers):
    job = Job.objects.create(kind="fake", title="测试任务", created_by=personas.inspector)
    run_job(job.pk)
    run_job(job.pk)  # delivered twice: the second run finds it no longer queued
    job.refresh_from_db()
    assert calls == [job.pk]
    assert job.state == JobState.DONE and job.progress == 100 and job.finished_at

    client.force_login(personas.inspector)
    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["state"] == "done" and body["progress"] == 100
    download = client.get(body["result"])
    assert b"".join(download.streaming_content) == b"ok"
    assert "UTF-8''%E7%BB%93%E6%9E%9C.txt" in download["Content-Disposition"]


def test_job_status_while_running_and_for_others(client, personas, handlers):
    job = Job.objects.create(
        kind="fake", title="测试任务", created_by=personas.inspector, state=JobState.RUNNING
    )
    Job.objects.filter(pk=job.pk).update(progress=55)
    client.force_login(personas.inspector)
    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["progress"] == 55 and body["result"] is None and body["state_display"] == "进行中"
    assert client.get(f"/api/v1/jobs/{job.pk}/result/").status_code == 404
    page = client.get(reverse("core:job_detail", args=[job.pk]))
    assert "55%" in page.content.decode() and 'hx-trigger="every 1s"' in page.content.decode()
    partial = client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="job-progress"')

    for other in (personas.reviewer, personas.inspector_b, personas.admin):
        client.force_login(other)
        response = client.get(f"/api/v1/jobs/{job.pk}/")
        assert response.status_code == 404 and "未找到" in response.json()["detail"]
        assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code in (401, 403)


def test_a_failing_handler_marks_the_job_failed(personas, handlers):
    job = Job.objects.create(kind="failing", title="会失败", created_by=personas.inspector)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "失败" in job.message and job.finished_at
    unknown = Job.objects.create(kind="nope", title="未知", created_by=personas.inspector)
    run_job(unknown.pk)
    assert Job.objects.get(pk=unknown.pk).state == JobState.FAILED


def test_every_scheduled_job_names_a_registered_task(settings):
    from config.celery import app

    app.loader.import_default_modules()
    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "core.clean_media" in names and "reports.tasks.run_notices" in names
    assert [n for n in names if n not in app.tasks] == []


def test_my_jobs_lists_only_my_jobs_with_their_downloads(client, personas, handlers):
    """Finished exports are found again from the menu, not from the browser's history."""
    mine = Job.objects.create(kind="fake", title="隐患台账导出", created_by=personas.inspector)
    run_job(mine.pk)
    running = Job.objects.create(
        kind="fake", title="月报生成", created_by=personas.inspector, state=JobState.RUNNING
    )
    theirs = Job.objects.create(kind="fake", title="别人的导出", created_by=personas.reviewer)
    client.force_login(personas.inspector)
    page = client.get(reverse("core:job_list"))
    assert list(page.context["page"]) == [running, mine]
    html = page.content.decode()
    assert reverse("core:job_result", args=[mine.pk]) in html and "下载结果.txt" in html
    assert reverse("core:job_result", args=[running.pk]) not in html
    assert theirs.title not in html and "共 2 条" in html
    detail = client.get(reverse("core:job_detail", args=[running.pk])).content.decode()
    assert reverse("core:job_list") in detail and "浏览器历史" not in detail

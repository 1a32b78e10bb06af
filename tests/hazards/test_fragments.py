"""The tables of the hazard list and of 待我处理, and the hazard page below its steps, are drawn
once and kept until the data of the scope changes (a committed registration, step, photo,
notice or enterprise rename there), the day changes or the code changes; a write in another
county leaves them as they are."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from core import release
from core.models import Region
from enterprises.services.registry import enterprise_update
from hazards import workflow
from hazards.choices import Action
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import PLAN, jpeg_bytes, register

pytestmark = pytest.mark.django_db

LIST = reverse("hazards:hazard_list")
QUEUE = reverse("hazards:queue")


def _hazard_reads(queries) -> int:
    return sum('FROM "hazards_hazard"' in q["sql"] for q in queries)


def _table(html: str) -> str:
    """The table and its pagination (the rest of a page carries a fresh CSRF token)."""
    start = html.index('<table class="table')
    end = html.find("</nav>", start)
    return html[start : end + len("</nav>") if end > 0 else html.index("</table>", start)]


def _start_rectification(hazard, by, capture_on_commit):
    """开始整改, committed as on a server (the scope gets a new data version)."""
    with capture_on_commit(execute=True):
        workflow.apply(
            hazard=hazard,
            action=Action.START_RECTIFICATION,
            by=by,
            plan_deadline=hazard.current_deadline.isoformat(),
            **PLAN,
        )


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return _table(response.content.decode()), _hazard_reads(queries)


def test_a_list_table_is_drawn_again_only_after_a_change_in_the_users_scope(
    client, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = register(personas.inspector, description="液氨储罐泄漏报警失效")
    client.force_login(personas.reviewer)
    html, reads = _get(client, LIST)
    assert first.number in html and reads > 0
    # Asked again: the same table, and no hazard is read.
    assert _get(client, LIST) == (html, 0)
    # A registration committed in another county (鄂托克旗) changes nothing here.
    other_county = EnterpriseFactory(region=Region.objects.get(code="150624"))
    with django_capture_on_commit_callbacks(execute=True):
        register(personas.inspector_b, enterprise=other_county)
    assert _get(client, LIST) == (html, 0)
    # One committed in the reviewer's county is on the next page view.
    with django_capture_on_commit_callbacks(execute=True):
        second = register(personas.inspector, description="配电箱未上锁")
    html, reads = _get(client, LIST)
    assert first.number in html and second.number in html and reads > 0
    # So is a step: the row's state changes with it.
    assert "整改中" not in html
    _start_rectification(first, personas.inspector, django_capture_on_commit_callbacks)
    html, reads = _get(client, LIST)
    assert "整改中" in html and reads > 0


def test_a_list_table_is_kept_per_query_and_per_user(client, personas):
    register(personas.inspector, description="液氨储罐泄漏报警失效")
    client.force_login(personas.reviewer)
    everything, _ = _get(client, LIST)
    major, reads = _get(client, LIST, level="general")
    assert reads > 0 and "没有符合条件的隐患" in major and "没有符合条件的隐患" not in everything
    # The htmx request for the same query is answered with the same table.
    response = client.get(LIST, {"level": "general"}, headers={"HX-Request": "true"})
    assert _table(response.content.decode()) == major
    # Another county's inspector never gets this county's table.
    client.force_login(personas.inspector_b)
    html, reads = _get(client, LIST)
    assert reads > 0 and "没有符合条件的隐患" in html


def test_the_overdue_labels_are_drawn_again_on_a_new_day(client, personas):
    hazard = register(personas.inspector, days=3)
    client.force_login(personas.reviewer)
    html, _ = _get(client, LIST)
    assert "逾期" not in html.split(hazard.number, 1)[1].split("</tr>", 1)[0]
    with freeze_time(timezone.localdate() + timedelta(days=5)):
        html, reads = _get(client, LIST)
    row = html.split(hazard.number, 1)[1].split("</tr>", 1)[0]
    assert reads > 0 and "逾期未整改 2 天" in row


def test_a_renamed_enterprise_shows_at_once_in_the_list(
    client, personas, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(name="鄂托克前旗甲化工有限公司")
    register(personas.inspector, enterprise=enterprise)
    client.force_login(personas.reviewer)
    html, _ = _get(client, LIST)
    assert "鄂托克前旗甲化工有限公司" in html
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(
            enterprise=enterprise, by=personas.inspector, name="鄂托克前旗乙化工有限公司"
        )
    html, reads = _get(client, LIST)
    assert reads > 0
    assert "鄂托克前旗乙化工有限公司" in html and "鄂托克前旗甲化工有限公司" not in html


def test_the_queue_table_follows_each_step_and_each_user(
    client, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hazard = register(personas.inspector)
    client.force_login(personas.inspector)
    html, _ = _get(client, QUEUE)
    assert hazard.number in html and "待录入整改方案" in html
    assert _get(client, QUEUE) == (html, 0)
    _start_rectification(hazard, personas.inspector, django_capture_on_commit_callbacks)
    html, reads = _get(client, QUEUE)
    assert reads > 0 and "整改中，待提交整改结果" in html and "待录入整改方案" not in html
    # A colleague who never handled the hazard has nothing in "我的".
    colleague = UserFactory(
        username="inspector2", role="inspector", department=personas.inspector.department
    )
    client.force_login(colleague)
    html, _ = _get(client, QUEUE)
    assert hazard.number not in html and "暂无待您处理的隐患" in html


def test_the_release_digest_changes_with_any_template_or_module(settings, tmp_path: Path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>隐患</p>", encoding="utf-8")
    (tmp_path / "views.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("Y = 1\n", encoding="utf-8")
    settings.BASE_DIR = tmp_path
    digests = []
    try:
        for change in (
            None,
            lambda: (tmp_path / "tests" / "test_x.py").write_text("Y = 2\n"),  # not drawn with
            lambda: page.write_text("<p>重大隐患</p>", encoding="utf-8"),
            lambda: (tmp_path / "views.py").write_text("X = 2\n", encoding="utf-8"),
        ):
            if change:
                change()
            release.release.cache_clear()
            digests.append(release.release())
    finally:
        release.release.cache_clear()
    assert digests[0] == digests[1]
    assert len({digests[1], digests[2], digests[3]}) == 3


def _event_reads(queries) -> int:
    """Reads of the hazard's timeline (the 待我处理 badge asks about events too, differently)."""
    return sum(q["sql"].startswith('SELECT "hazards_hazardevent"."id"') for q in queries)


def _page(client, hazard):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(hazard.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), _event_reads(queries)


WORKERS_REPORT_BUTTON = "记录向职工大会报告</a>"


def _body(html: str) -> str:
    """The page below its steps, less what is drawn per user (the photo form, the button to
    record the report to the workers' congress)."""
    body = html[html.index('<div class="card p-3 h-100" id="basic">') :]
    if 'id="photo-form"' in body:
        start = body.index('<form method="post" enctype="multipart/form-data"')
        body = body[:start] + body[body.index("</form>", start) + len("</form>") :]
    if WORKERS_REPORT_BUTTON in body:
        end = body.index(WORKERS_REPORT_BUTTON) + len(WORKERS_REPORT_BUTTON)
        body = body[: body.rindex("<a ", 0, end)] + body[end:]
    return body


def test_the_hazard_body_is_drawn_once_for_everyone_who_may_see_it(
    personas, django_capture_on_commit_callbacks
):
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        hazard = register(personas.inspector)
    inspector, leader = Client(enforce_csrf_checks=True), Client()
    inspector.force_login(personas.inspector)
    leader.force_login(personas.leader)
    mine, reads = _page(inspector, hazard)
    assert reads == 1 and "处理记录" in mine and "登记隐患" in mine
    theirs, reads = _page(leader, hazard)
    assert reads == 0 and _body(theirs) == _body(mine)
    # What depends on the user is theirs: the inspector may upload photos and record the report
    # to the workers' congress, the city leader not.
    assert 'id="photo-form"' in mine and 'id="photo-form"' not in theirs
    assert WORKERS_REPORT_BUTTON in mine and WORKERS_REPORT_BUTTON not in theirs
    assert "<!--slot:" not in mine + theirs
    # The photo form drawn into the kept body carries this session's token: the upload works.
    token = mine.split('id="photo-form"', 1)[1].split('name="csrfmiddlewaretoken" value="', 1)[1]
    token = token.split('"', 1)[0]
    photo = SimpleUploadedFile("before.jpg", jpeg_bytes(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = inspector.post(
            reverse("hazards:photo_upload", args=[hazard.pk]),
            {"kind": "before", "photos": [photo], "csrfmiddlewaretoken": token},
        )
    assert response.status_code == 302
    # The committed photo gives the county a new version: everyone's page shows it.
    theirs, reads = _page(leader, hazard)
    assert reads == 1 and "整改前（1）" in theirs and "上传照片" in theirs
    # Outside the scope the hazard is not found at all.
    outsider = Client()
    outsider.force_login(personas.inspector_b)
    assert outsider.get(hazard.get_absolute_url()).status_code == 404


def test_a_notice_issued_by_the_daily_run_shows_on_the_hazard_page_at_once(
    client, personas, django_capture_on_commit_callbacks
):
    from reports.notices.services import notices_run

    with django_capture_on_commit_callbacks(execute=True):
        hazard = register(personas.inspector, days=3)
    client.force_login(personas.reviewer)
    html, _ = _page(client, hazard)
    assert "尚未发出提醒或督办通知" in html
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_run(on=timezone.localdate()).created == 1
    html, reads = _page(client, hazard)
    assert reads == 1 and "尚未发出提醒或督办通知" not in html
    notices = html.split('id="notices"', 1)[1]
    assert "提醒" in notices and hazard.current_deadline.isoformat() in notices

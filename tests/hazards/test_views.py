"""The hazard pages: lists, scoping, detail buttons per role, steps, registration, photos."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from PIL import Image

from core.models import Region
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from hazards.models import Hazard, HazardPhoto, JudgmentStandard
from hazards.services import hazard_add_photo, progress_reports_due
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import a_clause, advance, jpeg_bytes, register, today

pytestmark = pytest.mark.django_db


def _buttons(response) -> set[str]:
    return {step["form"].action for step in response.context["steps"]}


# ---------------------------------------------------------------- list and scoping


def test_list_filters_and_badges(client, personas):
    major = register(personas.inspector, description="液氨储罐泄漏报警失效")
    general = register(
        personas.inspector,
        level=HazardLevel.GENERAL,
        description="消防通道堆放杂物",
        enterprise=EnterpriseFactory(region=Region.objects.get(code="150623102")),
    )
    old = register(
        personas.inspector,
        level=HazardLevel.GENERAL,
        description="配电箱未上锁",
        found=today() - timedelta(days=20),
        days=5,
    )
    advance(major, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    client.force_login(personas.inspector)
    url = reverse("hazards:hazard_list")

    def count(**params):
        return client.get(url, params).context["page"].paginator.count

    assert count() == 3
    assert count(level="major") == 1
    assert count(state=["registered"]) == 2
    assert count(state=["registered", "rectifying"]) == 3
    assert count(overdue="true") == 1
    assert count(region="150623102") == 1
    assert count(q="液氨") == 1
    assert count(q=general.number) == 1
    assert count(enterprise=general.enterprise_id) == 1
    assert count(found_before=(today() - timedelta(days=1)).isoformat()) == 1
    assert count(deadline_after=(today() + timedelta(days=1)).isoformat()) == 2
    assert count(supervision_level="county") == 0
    ordered = client.get(url, {"ordering": "deadline"}).context["page"]
    assert ordered[0] == old
    page = client.get(url).content.decode()
    assert "逾期未整改 15 天" in page
    assert "text-bg-danger" in page and "重大事故隐患" in page and "整改中" in page
    # htmx asks for the table only.
    partial = client.get(url, {"level": "general"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "消防通道堆放杂物" in partial


def test_a_rechecked_hazard_past_its_deadline_reads_overdue_not_signed_off(client, personas):
    """逾期未整改 only while not yet rectified; re-checked but not signed off is 逾期未销号."""
    rectifying = register(
        personas.inspector, description="配电箱未上锁", found=today() - timedelta(days=20), days=5
    )
    advance(rectifying, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    rechecked = register(
        personas.inspector,
        description="液氨储罐泄漏报警失效",
        found=today() - timedelta(days=20),
        days=5,
    )
    advance(rechecked, HazardState.RECHECKED, inspector=personas.inspector, reviewer=None)
    client.force_login(personas.inspector)
    page = client.get(reverse("hazards:hazard_list")).content.decode()
    assert page.count("逾期未整改 15 天") == 1
    assert page.count("逾期未销号 15 天") == 1
    detail = client.get(rechecked.get_absolute_url()).content.decode()
    assert "逾期未销号 15 天" in detail and "逾期未整改" not in detail


def test_inspector_of_another_county_sees_nothing(client, personas):
    hazard = register(personas.inspector)
    photo = hazard_add_photo(
        hazard=hazard, by=personas.inspector, kind="before", data=jpeg_bytes(), name="a.jpg"
    )
    client.force_login(personas.inspector_b)
    page = client.get(reverse("hazards:hazard_list"))
    assert page.context["page"].paginator.count == 0
    assert hazard.number not in page.content.decode()
    for name, args in [
        ("hazards:hazard_detail", [hazard.pk]),
        ("hazards:hazard_edit", [hazard.pk]),
        ("hazards:photo", [photo.pk]),
        ("hazards:photo_thumbnail", [photo.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(
        reverse("hazards:hazard_action", args=[hazard.pk, "start-rectification"]), {}
    )
    assert response.status_code == 404
    # The owner's inspector gets the files.
    client.force_login(personas.inspector)
    response = client.get(reverse("hazards:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as served:
        assert served.format == "JPEG" and served.size == Image.open(io.BytesIO(jpeg_bytes())).size
    thumb = client.get(reverse("hazards:photo_thumbnail", args=[photo.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "query, field",
    [
        ("region=150624", "所属地区"),
        ("found_after=2026-13-40", "发现日期"),
        ("level=huge", "隐患级别"),
    ],
)
def test_a_bad_filter_value_is_shown_and_lists_nothing(client, personas, query, field):
    hazard = register(personas.inspector)
    client.force_login(personas.inspector)
    page = client.get(f"/hazards/?{query}").content.decode()
    assert "筛选条件有误" in page and field in page
    assert hazard.number not in page
    partial = client.get(f"/hazards/?{query}", headers={"HX-Request": "true"}).content.decode()
    assert "筛选条件有误" in partial and hazard.number not in partial
    assert hazard.number in client.get("/hazards/").content.decode()


def _rows_read(queries, table: str) -> int:
    """Queries that read rows of `table` (not those that only ask whether it has any)."""
    return sum(q["sql"].startswith(f'SELECT "{table}".') for q in queries)


def test_the_hazard_page_reads_only_the_lists_the_hazard_has(client, personas):
    """A hazard without photos, extension requests, listings or a visit costs no query for
    them; one with photos reads and shows them."""
    lists = (
        "hazards_hazardphoto",
        "hazards_extensionrequest",
        "hazards_supervision",
        "inspections_finding",
    )
    bare = register(personas.inspector)
    pictured = register(personas.inspector, photos=[("a.jpg", jpeg_bytes())])
    client.force_login(personas.inspector)
    with CaptureQueriesContext(connection) as bare_page:
        page = client.get(bare.get_absolute_url()).content.decode()
    assert [_rows_read(bare_page, table) for table in lists] == [0, 0, 0, 0]
    assert "整改前（0）" in page and bare.number in page
    with CaptureQueriesContext(connection) as pictured_page:
        page = client.get(pictured.get_absolute_url()).content.decode()
    assert [_rows_read(pictured_page, table) for table in lists] == [1, 0, 0, 0]
    assert "整改前（1）" in page


def test_media_is_not_served_publicly(client, personas):
    hazard = register(personas.inspector, photos=[("a.jpg", jpeg_bytes())])
    photo = HazardPhoto.objects.get(hazard=hazard)
    assert client.get("/media/" + photo.image.name).status_code == 404


def test_list_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    enterprise = EnterpriseFactory()
    for i in range(60):
        register(personas.inspector, enterprise=enterprise, description=f"隐患{i}")
    client.force_login(personas.inspector)
    url = reverse("hazards:hazard_list")
    with django_assert_max_num_queries(13):
        small = client.get(url, {"page_size": 20})
    with django_assert_max_num_queries(13):
        large = client.get(url, {"page_size": 100, "ordering": "-deadline"})
    assert len(small.context["page"]) == 20 and len(large.context["page"]) == 60


def test_a_later_page_keeps_the_filters_and_a_page_alone_filters_nothing(client, personas):
    enterprise = EnterpriseFactory()
    for i in range(25):
        register(personas.inspector, enterprise=enterprise, level="general", description=f"{i}")
    major = register(personas.inspector, enterprise=enterprise, level="major")
    client.force_login(personas.inspector)
    url = reverse("hazards:hazard_list")
    second = client.get(url, {"page": 2})
    assert second.context["page"].number == 2 and len(second.context["page"]) == 6
    assert second.context["page"].paginator.count == 26
    assert not second.context["filter"].is_bound and not second.context["filter_errors"]
    filtered = client.get(url, {"page": 1, "level": "major"})
    assert [h.pk for h in filtered.context["page"]] == [major.pk]
    # Past the last page of the filtered rows: their last page, still filtered.
    beyond = client.get(url, {"page": 2, "level": "major"}).context["page"]
    assert beyond.number == 1 and [h.pk for h in beyond] == [major.pk]


def test_each_role_lands_on_its_work(client, personas):
    """Inspectors on 今日检查, reviewers on 待我处理, leaders on the dashboard, others on the list."""
    landing = {
        personas.inspector: reverse("inspections:home"),
        personas.reviewer: reverse("hazards:queue"),
        personas.leader: reverse("dashboard:dashboard"),
        personas.admin: reverse("hazards:hazard_list"),
    }
    for user, url in landing.items():
        client.force_login(user)
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and response.url == url, user.role
        assert client.get(response.url).status_code == 200


# ---------------------------------------------------------------- detail and steps


def test_detail_shows_only_allowed_steps(client, personas):
    hazard = register(personas.inspector, days=90)  # too early to ask for an extension
    url = hazard.get_absolute_url()
    client.force_login(personas.inspector)
    response = client.get(url)
    assert _buttons(response) == {"start-rectification", "record-dual-report"}
    page = response.content.decode()
    assert hazard.number in page and hazard.clause.ref in page and "编辑" in page
    client.force_login(personas.leader)
    assert _buttons(client.get(url)) == {"list-supervision", "record-urging"}
    client.force_login(personas.reviewer)
    assert _buttons(client.get(url)) == {
        "start-rectification",
        "record-dual-report",
        "list-supervision",
        "record-urging",
    }
    advance(hazard, HazardState.RECHECKED, inspector=personas.inspector, reviewer=None)
    response = client.get(url)
    assert _buttons(response) == {
        "sign-off",
        "record-dual-report",
        "list-supervision",
        "record-urging",
    }
    assert "销号后该隐患闭环结束" in response.content.decode()  # confirmation dialog
    client.force_login(personas.inspector)
    response = client.get(url)
    assert _buttons(response) == {"record-dual-report"}
    assert "编辑" not in response.content.decode().split('id="basic"')[0]


def test_action_success_writes_the_timeline(client, personas):
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    client.force_login(personas.inspector)
    url = reverse("hazards:hazard_action", args=[hazard.pk, "start-rectification"])
    response = client.post(
        url,
        {"start-rectification-measures": "清理杂物", "start-rectification-stoppage": "partial"},
    )
    assert response.status_code == 302 and response.url == hazard.get_absolute_url()
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFYING and hazard.stoppage == "partial"
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "已开始整改。" in page
    assert "已登记 → 整改中" in page and "局部停产停业" in page


def test_action_workflow_error_reshows_the_form(client, personas):
    hazard = register(personas.inspector)
    client.force_login(personas.inspector)
    url = reverse("hazards:hazard_action", args=[hazard.pk, "start-rectification"])
    response = client.post(
        url, {"start-rectification-measures": "更换探头", "start-rectification-funds": "abc"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写整改责任人。" in page
    form = response.context["steps"][0]["form"]
    assert form.errors["responsible_person"] == ["请填写整改责任人。"]
    assert form["measures"].value() == "更换探头"  # what was typed is kept
    assert 'class="collapse show" id="step-start-rectification"' in page
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REGISTERED
    # A step this user may not take: a clear message, not a 500.
    response = client.post(reverse("hazards:hazard_action", args=[hazard.pk, "sign-off"]), {})
    assert response.status_code == 200
    assert "不能销号" in response.content.decode()
    # An unknown action is a 404.
    assert (
        client.post(reverse("hazards:hazard_action", args=[hazard.pk, "nope"])).status_code == 404
    )


def test_extension_approval_through_the_page(client, personas):
    hazard = register(personas.inspector, days=5)
    workflow.apply(
        hazard=hazard,
        action=Action.REQUEST_EXTENSION,
        by=personas.inspector,
        requested_deadline=(today() + timedelta(days=30)).isoformat(),
        reason="设备到货延迟",
        interim_measures="停用储罐并专人值守",
    )
    client.force_login(personas.reviewer)
    response = client.get(hazard.get_absolute_url())
    assert {"approve-extension", "refuse-extension"} <= _buttons(response)
    approve = next(s for s in response.context["steps"] if s["form"].action == "approve-extension")
    assert (
        approve["form"].initial["approved_deadline"] == (today() + timedelta(days=30)).isoformat()
    )
    client.post(
        reverse("hazards:hazard_action", args=[hazard.pk, "approve-extension"]),
        {"approve-extension-approved_deadline": (today() + timedelta(days=20)).isoformat()},
    )
    hazard.refresh_from_db()
    assert hazard.current_deadline == today() + timedelta(days=20)
    assert "已批准" in client.get(hazard.get_absolute_url()).content.decode()


def test_edit_page_calls_the_service(client, personas):
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    client.force_login(personas.inspector)
    url = reverse("hazards:hazard_edit", args=[hazard.pk])
    data = {
        k: (v.pk if hasattr(v, "pk") else v or "")
        for k, v in client.get(url).context["form"].initial.items()
    }
    data["place"] = "二号仓库"
    assert client.post(url, data).status_code == 302
    hazard.refresh_from_db()
    assert hazard.place == "二号仓库"
    assert hazard.events.last().action == "edit"
    # Major without a clause: the service's message next to the field.
    data["level"] = "major"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["clause"] == [
        "重大事故隐患必须选择判定依据：从判定标准条款中选择，或选择“其他依据”并写明法律依据。"
    ]


def test_photo_upload(client, personas):
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    client.force_login(personas.inspector)
    url = reverse("hazards:photo_upload", args=[hazard.pk])
    files = [SimpleUploadedFile(f"p{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(2)]
    response = client.post(url, {"kind": "before", "photos": files})
    assert response.status_code == 302
    assert hazard.photos.filter(kind="before").count() == 2
    bad = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")
    response = client.post(url, {"kind": "before", "photos": [bad]}, follow=True)
    assert "不是有效的图片文件" in response.content.decode()
    after = SimpleUploadedFile("after.jpg", jpeg_bytes(), "image/jpeg")
    response = client.post(url, {"kind": "after", "photos": [after]}, follow=True)
    assert "不能上传整改后照片" in response.content.decode()
    page = client.get(hazard.get_absolute_url()).content.decode()
    photo = hazard.photos.first()
    assert reverse("hazards:photo_thumbnail", args=[photo.pk]) in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page


def test_photo_type_defaults_to_the_later_kind_the_state_allows(client, personas):
    """已登记 allows only 整改前; 整改中 allows both and offers 整改后 first."""
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    client.force_login(personas.inspector)
    form = client.get(hazard.get_absolute_url()).context["photo_form"]
    assert [k for k, _ in form.fields["kind"].choices] == ["before"]
    assert form.fields["kind"].initial == "before"
    advance(hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    page = client.get(hazard.get_absolute_url())
    form = page.context["photo_form"]
    assert [k for k, _ in form.fields["kind"].choices] == ["before", "after"]
    assert form.fields["kind"].initial == "after"
    checked = re.findall(r'<input[^>]*name="kind"[^>]*>', page.content.decode())
    assert [tag for tag in checked if "checked" in tag] == [
        tag for tag in checked if 'value="after"' in tag
    ]


# ---------------------------------------------------------------- registration


def _create_data(enterprise, **overrides):
    data = {
        "enterprise": enterprise.pk,
        "level": "general",
        "source": "inspection",
        "place": "罐区",
        "description": "报警器失效",
        "found_date": today().isoformat(),
        "deadline": (today() + timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


def test_create_valid_with_photos(client, personas):
    enterprise = EnterpriseFactory()
    clause = a_clause(enterprise)
    client.force_login(personas.inspector)
    photos = [SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg")]
    response = client.post(
        reverse("hazards:hazard_create"),
        _create_data(enterprise, level="major", clause=clause.pk, photos=photos),
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response.url == hazard.get_absolute_url()
    assert hazard.level == "major" and hazard.clause == clause
    assert hazard.found_by == personas.inspector
    assert hazard.photos.filter(kind="before").count() == 1


def test_create_major_without_clause_keeps_input(client, personas):
    enterprise = EnterpriseFactory(name="上庙能源化工有限公司")
    client.force_login(personas.inspector)
    response = client.post(
        reverse("hazards:hazard_create"),
        _create_data(enterprise, level="major", description="液氨管道腐蚀严重", clause_q="管道"),
    )
    assert response.status_code == 200
    assert not Hazard.objects.exists()
    page = response.content.decode()
    assert "重大事故隐患必须选择判定依据" in page
    assert response.context["form"].errors["clause"]
    assert "液氨管道腐蚀严重" in page and "罐区" in page
    assert "上庙能源化工有限公司" in page  # the chosen enterprise stays chosen
    assert 'value="major"' in page and "checked" in page.split('value="major"')[1].split(">")[0]
    assert 'value="管道"' in page


def test_a_refused_form_keeps_its_photos(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enterprise = EnterpriseFactory()
    client.force_login(personas.inspector)
    photo = SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")
    fake = SimpleUploadedFile("伪装.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(
        reverse("hazards:hazard_create"),
        {**_create_data(enterprise, deadline=""), "photos": [photo, fake]},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Hazard.objects.exists()
    assert "已选择的照片已保留" in page and "现场.jpg" in page and "伪装.jpg" not in page
    tokens = [p.token for p in response.context["kept_photos"]]
    assert len(tokens) == 1 and len(list((tmp_path / "tmp/photos").iterdir())) == 1

    # Another user cannot use the token; a forged one is ignored.
    client.force_login(personas.reviewer)
    response = client.post(
        reverse("hazards:hazard_create"),
        {**_create_data(enterprise, deadline=""), "kept_photo": [tokens[0], "forged:token"]},
    )
    assert response.context["kept_photos"] == []

    client.force_login(personas.inspector)
    response = client.post(
        reverse("hazards:hazard_create"), {**_create_data(enterprise), "kept_photo": tokens}
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and hazard.photos.filter(kind="before").count() == 1
    assert list((tmp_path / "tmp/photos").iterdir()) == []  # the stash is spent


def test_create_invalid_shapes(client, personas):
    enterprise = EnterpriseFactory()
    other = EnterpriseFactory(region=Region.objects.get(code="150624"))
    client.force_login(personas.inspector)
    url = reverse("hazards:hazard_create")
    response = client.post(url, _create_data(other))
    assert "请重新选择企业。" in response.content.decode()
    response = client.post(url, _create_data(enterprise, deadline=""))
    assert "请填写整改期限。" in response.content.decode()
    response = client.post(
        url, _create_data(enterprise, deadline=(today() - timedelta(days=1)).isoformat())
    )
    assert response.context["form"].errors["deadline"] == ["整改期限不能早于发现日期。"]
    bad = SimpleUploadedFile("x.jpg", b"nope", "image/jpeg")
    response = client.post(url, _create_data(enterprise, photos=[bad]))
    assert "不是有效的图片文件" in str(response.context["form"].errors["photos"])
    assert not Hazard.objects.exists()
    client.force_login(personas.leader)
    response = client.post(url, _create_data(enterprise))
    assert "您的角色不能登记隐患。" in response.content.decode()


def test_enterprise_and_clause_search(client, personas):
    mine = EnterpriseFactory(name="上庙能源化工有限公司")
    EnterpriseFactory(name="上庙外县化工", region=Region.objects.get(code="150624"))
    client.force_login(personas.inspector)
    page = client.get(reverse("hazards:enterprise_options"), {"enterprise_q": "上庙"})
    assert "上庙能源化工有限公司" in page.content.decode()
    assert "上庙外县化工" not in page.content.decode()
    url = reverse("hazards:clause_options")
    assert "请先选择企业" in client.get(url).content.decode()
    page = client.get(url, {"enterprise": mine.pk, "clause_q": "检测报警"}).content.decode()
    assert "第十二条" in page and "第一条" not in page
    assert len(client.get(url, {"enterprise": mine.pk}).context["clauses"]) == 20


# ---------------------------------------------------------------- queue and standards


def test_queue(client, personas):
    waiting = register(personas.inspector)
    advance(waiting, HazardState.RECHECKED, inspector=personas.inspector, reviewer=None)
    register(personas.inspector)
    client.force_login(personas.reviewer)  # waits for the sign-off only
    response = client.get(reverse("hazards:queue"))
    assert list(response.context["page"]) == [waiting]
    assert 'id="queue-count">1<' in response.content.decode()
    client.force_login(personas.inspector)  # waits to start rectifying the registered one
    assert client.get(reverse("hazards:queue")).context["page"].paginator.count == 1
    client.force_login(personas.leader)
    assert client.get(reverse("hazards:queue")).context["page"].paginator.count == 0
    client.force_login(personas.inspector_b)
    assert client.get(reverse("hazards:queue")).context["page"].paginator.count == 0


def test_standards(client, personas):
    client.force_login(personas.inspector)
    page = client.get(reverse("hazards:standard_list")).content.decode()
    standard = JudgmentStandard.objects.get(code="huagong-2017")
    assert standard.name in page
    url = reverse("hazards:standard_detail", args=[standard.pk])
    assert len(client.get(url).context["clauses"]) == 20
    found = client.get(url, {"q": "检测报警"}).context["clauses"]
    assert [c.ref for c in found] == ["第十二条"]


def test_admins_maintain_standards_and_clauses_in_the_admin(client, personas):
    standard = JudgmentStandard.objects.filter(clauses__isnull=False).distinct().first()
    client.force_login(personas.admin)
    assert "维护判定标准和条款" in client.get("/hazards/standards/").content.decode()
    page = client.get(f"/admin/hazards/judgmentstandard/{standard.pk}/change/")
    assert page.status_code == 200 and standard.clauses.first().text[:20] in page.content.decode()
    response = client.post(
        "/admin/hazards/judgmentstandard/add/",
        {
            "code": "nm-local-2026",
            "name": "内蒙古自治区某行业重大事故隐患判定标准（试行）",
            "sector_label": "其他",
            "complete": "on",
            "clauses-TOTAL_FORMS": "1",
            "clauses-INITIAL_FORMS": "0",
            "clauses-0-order": "1",
            "clauses-0-ref": "第三条",
            "clauses-0-text": "未按规定设置安全监控系统的",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = JudgmentStandard.objects.get(code="nm-local-2026")
    assert list(added.clauses.values_list("ref", flat=True)) == ["第三条"]
    client.force_login(personas.inspector)
    assert "维护判定标准和条款" not in client.get("/hazards/standards/").content.decode()


def test_an_urging_measure_through_the_page_shows_on_the_timeline(client, personas):
    hazard = register(personas.inspector)
    client.force_login(personas.reviewer)
    response = client.post(
        reverse("hazards:hazard_action", args=[hazard.pk, "record-urging"]),
        {
            "record-urging-urging_kind": "bulletin",
            "record-urging-urging_doc_no": "鄂前安办通〔2026〕2号",
            "record-urging-comment": "在全旗范围内通报整改不力",
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "已记录督促措施" in page
    timeline = page.split('id="timeline"')[1]
    assert "记录督促措施" in timeline and "督促方式：</span>通报" in timeline
    assert "鄂前安办通〔2026〕2号" in timeline and "在全旗范围内通报整改不力" in timeline


def test_a_listed_hazard_shows_when_its_progress_report_is_late(
    client, personas, django_capture_on_commit_callbacks
):
    hazard = register(personas.inspector, days=200)
    advance(hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    workflow.apply(
        hazard=hazard,
        action=Action.LIST_SUPERVISION,
        by=personas.reviewer,
        level="county",
        doc_no="鄂前安办督〔2026〕7号",
        issuing_unit="鄂托克前旗安委办",
        deadline=hazard.current_deadline.isoformat(),
    )
    hazard.refresh_from_db()
    listed = today()
    assert progress_reports_due([hazard])[hazard.pk].due == listed + timedelta(days=90)
    with freeze_time(listed + timedelta(days=95)):
        client.force_login(personas.inspector)
        assert progress_reports_due([hazard])[hazard.pk].late_days == 5
        assert "进展报告逾期 5 天" in client.get(hazard.get_absolute_url()).content.decode()
        assert "进展报告逾期 5 天" in client.get(reverse("hazards:hazard_list")).content.decode()
        api = client.get(f"/api/v1/hazards/{hazard.pk}/").json()["progress_report"]
        assert api == {"due": (listed + timedelta(days=90)).isoformat(), "late_days": 5}
        with django_capture_on_commit_callbacks(execute=True):  # committed, as on a server
            workflow.apply(
                hazard=hazard,
                action=Action.REPORT_PROGRESS,
                by=personas.inspector,
                comment="已完成设备采购，正在安装",
            )
        due = progress_reports_due([hazard])[hazard.pk]
        assert (due.due, due.late_days) == (listed + timedelta(days=185), 0)
        assert "进展报告逾期" not in client.get(hazard.get_absolute_url()).content.decode()


def test_a_step_form_shows_every_error_at_once(client, personas):
    """挂牌督办 with nothing filled in: one submit names the level, deadline, 文号 and unit."""
    hazard = register(personas.inspector)
    client.force_login(personas.reviewer)
    url = reverse("hazards:hazard_action", args=[hazard.pk, "list-supervision"])
    response = client.post(url, {"issuing_unit": ""})
    form = next(
        s["form"] for s in response.context["steps"] if s["form"].action == "list-supervision"
    )
    assert set(form.errors) >= {"level", "deadline", "doc_no", "issuing_unit"}
    assert "请选择挂牌级别" in form.errors["level"][0]
    assert "请填写督办文号" in form.errors["doc_no"][0]
    assert not hazard.supervisions.exists()
    api = client.post(
        f"/api/v1/hazards/{hazard.pk}/list-supervision/", {}, content_type="application/json"
    )
    assert api.status_code == 400
    assert set(api.json()["fields"]) >= {"level", "deadline", "doc_no", "issuing_unit"}


def test_the_people_a_closed_hazard_names_come_in_one_query(client, personas):
    """Who found, re-checked and closed it are shown, read together, not one query each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hazard = register(personas.inspector)
    advance(hazard, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer)
    hazard.refresh_from_db()
    assert hazard.found_by_id and hazard.rechecked_by_id and hazard.closed_by_id
    client.force_login(personas.leader)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(hazard.get_absolute_url()).content.decode()
    assert f'<dd class="col-8">{personas.inspector.display_name}</dd>' in html  # 发现人
    assert f'<dd class="col-8">{personas.reviewer.display_name}</dd>' in html  # 销号人
    people = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "accounts_user"') and "JOIN" not in q["sql"]
    ]  # the signed-in user comes joined with its region and department
    assert len(people) == 1


def test_the_cited_clause_comes_with_its_standard_in_one_query(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hazard = register(personas.inspector)  # 重大: cites a clause
    client.force_login(personas.reviewer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(hazard.get_absolute_url()).content.decode()
    assert hazard.clause.standard.name in html
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum(q.startswith('SELECT "hazards_clause"') for q in sql) == 1
    assert not any(q.startswith('SELECT "hazards_judgmentstandard"') for q in sql)


def test_each_step_on_the_timeline_counts_the_photos_it_added(client, personas):
    """照片 N 张 under the step that added them: two photos added together, then one more."""
    from hazards.services import hazard_add_photos

    hazard = register(personas.inspector)
    hazard_add_photos(
        hazard=hazard,
        by=personas.inspector,
        kind="before",
        photos=[("a.jpg", jpeg_bytes()), ("b.jpg", jpeg_bytes())],
    )
    hazard_add_photo(
        hazard=hazard, by=personas.inspector, kind="before", data=jpeg_bytes(), name="c.jpg"
    )
    client.force_login(personas.reviewer)
    page = client.get(hazard.get_absolute_url()).content.decode()
    timeline = re.findall(
        r"照片 (\d+) 张", page.split('class="list-unstyled mb-0 small timeline"')[1]
    )
    assert sorted(timeline) == ["1", "2"]
    assert "整改前（3）" in page

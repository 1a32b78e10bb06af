"""The rules an enforcement document keeps, each read in the text of the issued PDF."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import Kind, ServiceError
from core.models import Department, Region
from hazards.choices import Action, HazardLevel, Stoppage
from hazards.services import hazard_update
from inspections import services
from inspections.choices import DocumentType, InspectionMethod
from inspections.models import IssuingUnit, people_government

from .conftest import checked_visit, recheck
from .test_documents import pdf_text

pytestmark = pytest.mark.django_db


def issue(team, inspection, type_, **extra):
    return services.document_issue(by=team.inspector, inspection=inspection, type=type_, **extra)


# ---------------------------------------------------------------- 行政复议 and 行政诉讼


def test_a_county_decision_names_the_county_government_for_reconsideration(
    team, enterprise, tmp_path
):
    """行政复议 goes to the county people's government (行政复议法 2023, 第二十四条), within 60
    days; 行政诉讼 within six months; never to the 上一级应急管理部门, even when the stored body
    names one."""
    IssuingUnit.objects.filter(short_name="鄂前应急").update(
        reconsideration_body="鄂尔多斯市应急管理局"
    )
    inspection, _, _ = checked_visit(team, enterprise)
    for type_, act in ((DocumentType.ORDER, "指令"), (DocumentType.MEASURES, "决定")):
        document = issue(team, inspection, type_, measures="责令立即清理消防通道")
        text = pdf_text(services.document_bytes(document), tmp_path)
        assert (
            f"如不服本{act}，可以自收到本{act}书之日起60日内依法向鄂托克前旗人民政府申请行政复议，"
            f"或者在6个月内依法向鄂托克前旗人民法院提起行政诉讼，但本{act}不停止执行" in text
        ), text
        assert "上一级" not in text and "应急管理部门申请" not in text
    record = issue(team, inspection, DocumentType.RECORD)
    assert "行政复议" not in pdf_text(services.document_bytes(record), tmp_path)


def test_the_reconsideration_body_is_the_government_of_the_units_level(db):
    assert people_government(Region.objects.get(code="150623")) == "鄂托克前旗人民政府"
    assert people_government(Region.objects.get(code="150600")) == "鄂尔多斯市人民政府"
    assert people_government(Region.objects.get(code="150102")) == "呼和浩特市新城区人民政府"
    assert people_government(Region.objects.get(code="150623101")) == "鄂托克前旗人民政府"
    city = Department.objects.create(
        name="鄂尔多斯市应急管理局", kind="emergency", region_id="150600"
    )
    unit = IssuingUnit(department=city, short_name="鄂应急")
    html = render_to_string("documents/includes/remedies.html", {"unit": unit, "act": "指令"})
    assert "依法向鄂尔多斯市人民政府申请行政复议" in html
    assert "有管辖权的人民法院" in html
    # A stored body is kept only when it names a people's government (a 派出机关's department).
    unit.reconsideration_body = "鄂尔多斯市康巴什区人民政府"
    assert unit.reconsideration_authority == unit.reconsideration_body
    unit.reconsideration_body = "鄂尔多斯市应急管理局"
    assert unit.reconsideration_authority == "鄂尔多斯市人民政府"
    with pytest.raises(ValidationError, match="行政复议机关应为人民政府"):
        unit.clean()


# ---------------------------------------------------------------- figures and times


def test_documents_print_the_hazard_as_it_is_when_issued(team, enterprise, tmp_path):
    """Place, description and deadline come from the hazard at issue time, not from the copy
    the finding kept at the visit."""
    inspection, _, hazards = checked_visit(team, enterprise)
    general = next(h for h in hazards if h.level == HazardLevel.GENERAL)
    new_deadline = general.found_date + timedelta(days=40)
    hazard_update(
        hazard=general,
        by=team.inspector,
        place="二号仓库北侧疏散通道",
        description="疏散通道堆放托盘和纸箱，宽度不足1.4米",
        deadline=new_deadline,
    )
    assert general.finding.description == "消防通道堆放纸箱等杂物"  # the finding's stale copy
    for type_ in (DocumentType.RECORD, DocumentType.ORDER):
        document = issue(team, inspection, type_)
        text = pdf_text(services.document_bytes(document), tmp_path)
        assert "二号仓库北侧疏散通道：疏散通道堆放托盘和纸箱，宽度不足1.4米" in text
        assert f"隐患编号：{general.number}" in text
        assert f"{new_deadline:%Y}年{new_deadline.month}月{new_deadline.day}日" in text
        assert "消防通道堆放纸箱等杂物" not in text
        stored = {row["hazard"]: row for row in document.data["findings"]}
        assert stored[general.number]["deadline"] == new_deadline.isoformat()


def test_a_visit_without_start_time_prints_blanks_to_fill_by_hand(team, enterprise, tmp_path):
    """No start time entered: the record has blanks for the hours, never "None" or "0时00分";
    a visit committed days later gets no made-up end time either."""
    day = timezone.localdate() - timedelta(days=3)
    inspection = services.inspection_create(
        by=team.inspector,
        enterprise=enterprise,
        date=day,
        method=InspectionMethod.OPEN,
        inspectors=[team.inspector, team.inspector2],
    )
    services.inspection_findings_commit(
        by=team.inspector, inspection=inspection, unchecked_reason="本次为专项检查，其余条款未检查"
    )
    inspection.refresh_from_db()
    assert inspection.start_time is None and inspection.end_time is None
    record = issue(team, inspection, DocumentType.RECORD)
    text = pdf_text(services.document_bytes(record), tmp_path)
    assert f"检查时间{day:%Y}年{day.month}月{day.day}日____时____分至____时____分" in text
    assert "None" not in text and "0时00分" not in text
    # A visit with its times entered prints them.
    timed, _, _ = checked_visit(team, enterprise)
    text = pdf_text(services.document_bytes(issue(team, timed, DocumentType.RECORD)), tmp_path)
    assert "9时00分至" in text and "____" not in text


# ---------------------------------------------------------------- who issues, who is named


def test_only_a_member_of_the_visits_team_issues_its_documents(team, enterprise, tmp_path):
    inspection, _, _ = checked_visit(team, enterprise)
    for outsider in (team.inspector3, team.reviewer, team.admin):
        with pytest.raises(ServiceError, match="只有本次检查的执法人员（.*）可以出具") as refused:
            services.document_issue(by=outsider, inspection=inspection, type=DocumentType.ORDER)
        assert refused.value.kind == Kind.ROLE
    document = services.document_issue(
        by=team.inspector2, inspection=inspection, type=DocumentType.ORDER
    )
    text = pdf_text(services.document_bytes(document), tmp_path)
    # Signers may stand side by side, so the text reads names first, then the numbers: each
    # signer and each number is printed, numbers in the order of the names.
    names = [text.index(p.display_name) for p in (team.inspector, team.inspector2)]
    numbers = [
        text.index(f"执法证号：{p.certificate_no}") for p in (team.inspector, team.inspector2)
    ]
    assert (names[0] < names[1]) == (numbers[0] < numbers[1])


def test_an_inspector_without_a_certificate_number_stops_the_document(team, enterprise):
    inspection, _, _ = checked_visit(team, enterprise)
    team.inspector.name, team.inspector2.name = "李明", "赵海军"
    for person in (team.inspector, team.inspector2):
        person.certificate_no = ""
        person.save(update_fields=["name", "certificate_no"])
    with pytest.raises(ServiceError) as refused:
        issue(team, inspection, DocumentType.RECORD)
    assert refused.value.message == "以下执法人员没有执法证号：李明、赵海军，不能出具文书。"
    assert not inspection.documents.exists()


# ---------------------------------------------------------------- one live document per type


def test_a_second_order_is_refused_until_the_first_is_voided(team, enterprise, client):
    """One live 责令限期整改指令书 per visit: a second one is refused; once the first is voided
    (作废, with reason, who and when) a new one gets the next number, and the void one stays in
    the register with its 文号, marked 作废."""
    inspection, _, _ = checked_visit(team, enterprise)
    first = issue(team, inspection, DocumentType.ORDER)
    with pytest.raises(ServiceError) as refused:
        issue(team, inspection, DocumentType.ORDER)
    assert refused.value.kind == Kind.CONFLICT
    assert refused.value.message == (
        f"本次检查已出具责令限期整改指令书（{first.number}），不能重复出具；"
        "如需重新出具，请先作废原文书并写明原因。"
    )
    with pytest.raises(ServiceError, match="请填写作废原因"):
        services.document_void(by=team.inspector, document=first, reason="  ")
    with pytest.raises(ServiceError, match="只有本次检查的执法人员或审核人员") as outsider:
        services.document_void(by=team.inspector3, document=first, reason="重新出具")
    assert outsider.value.kind == Kind.ROLE
    voided = services.document_void(by=team.reviewer, document=first, reason="整改期限写错")
    assert voided.is_void and voided.voided_by == team.reviewer and voided.voided_at
    with pytest.raises(ServiceError, match="已于.*作废"):
        services.document_void(by=team.reviewer, document=first, reason="再次作废")
    second = issue(team, inspection, DocumentType.ORDER)
    assert second.sequence == first.sequence + 1

    client.force_login(team.inspector)
    register = client.get(reverse("inspections:document_list")).content.decode()
    row = register[register.index(first.number) - 200 : register.index(first.number) + 400]
    assert f"<s>{first.number}</s>" in register and "作废" in row and "整改期限写错" in row
    detail = client.get(inspection.get_absolute_url()).content.decode()
    assert f"由{team.reviewer.display_name}作废：整改期限写错" in detail
    assert f'data-bs-target="#void-{second.pk}"' in detail  # the live one has its button
    assert f'data-bs-target="#void-{first.pk}"' not in detail


def test_voiding_from_the_page_and_the_api(team, enterprise, client):
    inspection, _, _ = checked_visit(team, enterprise)
    order = issue(team, inspection, DocumentType.ORDER)
    client.force_login(team.inspector)
    url = reverse("inspections:document_void", args=[order.pk])
    client.post(url, {"reason": ""})
    order.refresh_from_db()
    assert not order.is_void
    response = client.post(url, {"reason": "被检查单位名称有误"}, follow=True)
    assert f"已作废责令限期整改指令书：{order.number}" in response.content.decode()
    order.refresh_from_db()
    assert order.void_reason == "被检查单位名称有误" and order.voided_by == team.inspector

    api = APIClient()
    api.force_authenticate(team.inspector)
    issued = api.post(reverse("api:inspection-documents", args=[inspection.pk]), {"type": "order"})
    assert issued.status_code == 201, issued.json()
    twice = api.post(reverse("api:inspection-documents", args=[inspection.pk]), {"type": "order"})
    assert twice.status_code == 409 and twice.json()["code"] == "conflict"
    void_url = reverse("api:inspection-document-void", args=[inspection.pk, issued.json()["id"]])
    assert api.post(void_url, {}, format="json").status_code == 400
    done = api.post(void_url, {"reason": "重新出具"}, format="json")
    assert done.status_code == 200 and done.json()["is_void"] is True
    assert done.json()["void_reason"] == "重新出具"
    listed = api.get(reverse("api:inspection-documents", args=[inspection.pk])).json()
    assert sorted(d["is_void"] for d in listed) == [True, True]


# ---------------------------------------------------------------- re-check and stoppage


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_a_recheck_opinion_follows_a_recorded_recheck_and_states_each_result(
    team, enterprise, tmp_path
):
    """整改复查意见书 only once every hazard of the visit has a recorded re-check; it states each
    hazard's result (通过/不通过) with its date, and a failed item's new deadline. A new one is
    refused until a hazard is re-checked again (a new round)."""
    inspection, _, hazards = checked_visit(team, enterprise)
    major, general = hazards
    issue(team, inspection, DocumentType.ORDER)
    with pytest.raises(ServiceError) as refused:
        issue(team, inspection, DocumentType.RECHECK)
    assert refused.value.message.startswith(f"以下隐患尚未复查：{major.number}、{general.number}。")
    recheck(team, major, passed=True, opinion="联锁已恢复，测试合格")
    with pytest.raises(ServiceError, match=f"以下隐患尚未复查：{general.number}。"):
        issue(team, inspection, DocumentType.RECHECK)
    new_deadline = timezone.localdate() + timedelta(days=7)
    general = recheck(
        team, general, passed=False, opinion="通道内仍堆放纸箱", new_deadline=new_deadline
    )

    first = issue(team, inspection, DocumentType.RECHECK)
    text = pdf_text(services.document_bytes(first), tmp_path)
    today = cn_date(timezone.localdate())
    assert f"{today}通过：联锁已恢复，测试合格" in text
    assert f"{today}不通过：通道内仍堆放纸箱" in text  # date and result cells of each row
    assert f"重新整改期限：{cn_date(new_deadline)}" in text
    assert "经复查，上述第2项问题未整改合格" in text
    assert (
        "如不服本意见，可以自收到本意见书之日起60日内依法向鄂托克前旗人民政府申请行政复议" in text
    )
    assert first.round == 1
    with pytest.raises(ServiceError, match="本次检查已出具整改复查意见书") as twice:
        issue(team, inspection, DocumentType.RECHECK)
    assert twice.value.kind == Kind.CONFLICT

    recheck(team, general, passed=True, opinion="杂物已清理")  # the second round
    second = issue(team, inspection, DocumentType.RECHECK)
    text = pdf_text(services.document_bytes(second), tmp_path)
    assert second.round == 2 and "进行第2次复查" in text
    assert "通过：杂物已清理" in text and "不通过" not in text
    assert "经复查，上述问题均已整改合格。" in text and "行政复议" not in text


def test_a_measures_decision_ordering_stoppage_sets_the_hazards_stoppage(
    team, enterprise, tmp_path
):
    """现场处理措施决定书 ordering 停产停业: the 重大 hazards it names get the stoppage through
    the hazard's edit step, recorded as an event citing the document."""
    inspection, _, hazards = checked_visit(team, enterprise)
    major, general = hazards
    document = issue(
        team,
        inspection,
        DocumentType.MEASURES,
        measures="责令立即停止甲醇罐区作业",
        stoppage=Stoppage.PARTIAL,
    )
    major.refresh_from_db()
    general.refresh_from_db()
    assert major.stoppage == Stoppage.PARTIAL and general.stoppage == Stoppage.NONE
    event = major.events.get(action=Action.EDIT)
    assert event.actor == team.inspector and document.number in event.comment
    text = pdf_text(services.document_bytes(document), tmp_path)
    assert "责令立即停止甲醇罐区作业" in text
    assert "责令你单位对上述第1项重大事故隐患局部停产停业，从危险区域内撤出作业人员" in text
    assert document.data["stoppage"] == Stoppage.PARTIAL

    no_major = services.inspection_create(
        by=team.inspector,
        enterprise=enterprise,
        date=timezone.localdate(),
        method=InspectionMethod.OPEN,
        inspectors=[team.inspector, team.inspector2],
    )
    services.finding_add(
        by=team.inspector, inspection=no_major, place="配电室", description="配电箱未上锁"
    )
    services.inspection_findings_commit(
        by=team.inspector, inspection=no_major, unchecked_reason="本次为专项检查，其余条款未检查"
    )
    with pytest.raises(ServiceError, match="责令停产停业只适用于重大事故隐患"):
        issue(team, no_major, DocumentType.MEASURES, stoppage=Stoppage.FULL)
    assert not no_major.documents.exists()

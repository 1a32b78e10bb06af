"""Pages: the visit with its checklist, plans and draws, the public result, scoping."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import selectors, services
from inspections.choices import DocumentType
from inspections.models import Inspection

from .conftest import checked_visit, visit

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_inspector(client, team, enterprise):
    inspection, clauses, hazards = checked_visit(team, enterprise)
    document = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.ORDER
    )
    today = visit(team, enterprise)
    client.force_login(team.inspector)
    home = client.get(reverse("inspections:home"))
    assert home.status_code == 200 and today.get_absolute_url() in home.content.decode()
    detail = client.get(inspection.get_absolute_url()).content.decode()
    assert hazards[0].number in detail and clauses[2].ref in detail
    open_page = client.get(today.get_absolute_url()).content.decode()
    assert "提交检查结果并登记隐患" in open_page and "不适用" in open_page
    for name in (
        "inspection_list",
        "document_list",
        "plan_list",
        "indicators",
        "inspection_create",
    ):
        assert client.get(reverse(f"inspections:{name}")).status_code == 200, name
    # One finished visit this year against the 4 a red-graded enterprise may have.
    assert "未达上限" in client.get(reverse("inspections:indicators")).content.decode()
    pdf = client.get(reverse("inspections:document_download", args=[document.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["X-Content-SHA256"] == document.sha256


def test_recent_visits_are_those_made_newest_first_and_the_list_says_how_many(
    client, team, enterprise
):
    from datetime import timedelta

    day = timezone.localdate()
    older = visit(team, enterprise, date=day - timedelta(days=9))
    newer = visit(team, enterprise, date=day - timedelta(days=2))
    planned = visit(team, enterprise, date=day + timedelta(days=3))
    client.force_login(team.inspector)
    home = client.get(reverse("inspections:home"))
    assert list(home.context["recent"]) == [newer, older]
    assert planned in home.context["upcoming"]
    listing = client.get(reverse("inspections:inspection_list")).content.decode()
    assert "共 3 条" in listing and "/ 1 页" not in listing


def test_checklist_tap_records_and_proposes_a_finding(client, team, enterprise):
    inspection = visit(team, enterprise)
    clause = selectors.checklist_clauses(inspection).first()
    client.force_login(team.inspector)
    url = reverse("inspections:checklist_record", args=[inspection.pk, clause.pk])
    # A remark typed before the result is not an error and is not lost: it waits for the result.
    early = client.post(url, {"result": "", "remark": "报警仪失效"}, HTTP_HX_REQUEST="true")
    assert "选择检查结果后，备注会一并保存" in early.content.decode()
    assert not inspection.checklist.exists()
    response = client.post(url, {"result": "fail", "remark": "报警仪失效"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    # The answer touches only the item's status line and the counters, never the inputs.
    assert response.status_code == 200 and 'name="remark"' not in body
    assert f'id="status-{clause.pk}"' in body and "已保存" in body
    assert 'id="checklist-progress"' in body and "不合格 1" in body
    assert response["HX-Trigger"] == "findings-changed"
    assert inspection.checklist.get().remark == "报警仪失效"
    assert inspection.findings.get().clause == clause
    client.post(
        reverse("inspections:inspection_commit", args=[inspection.pk]),
        {"measures": "", "unchecked_reason": "本次为专项检查，其余条款未检查"},
    )
    inspection.refresh_from_db()
    assert inspection.is_done and selectors.inspection_hazards(inspection).get().clause == clause


def test_a_section_is_passed_at_once_and_given_results_stay(client, team, enterprise):
    """本节全部合格 records 合格 for the section's unchecked items only."""
    from inspections.views.checklist import checklist_sections

    inspection = visit(team, enterprise)
    section = checklist_sections(inspection)[0]
    failed = section.rows[0]["clause"]
    services.checklist_record(
        by=team.inspector, inspection=inspection, clause=failed, result="fail", remark="失效"
    )
    client.force_login(team.inspector)
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert f"1 / {section.total}" in page and "本节全部合格" in page
    response = client.post(
        reverse("inspections:checklist_pass_section", args=[inspection.pk]),
        {"section": section.key, "clause": [r["clause"].pk for r in section.rows]},
    )
    assert response.status_code == 302
    results = dict(inspection.checklist.values_list("clause_id", "result"))
    assert len(results) == section.total and results[failed.pk] == "fail"
    assert sum(1 for r in results.values() if r == "pass") == section.total - 1
    assert (
        f"{section.total} / {section.total}"
        in client.get(inspection.get_absolute_url()).content.decode()
    )


def test_plan_draw_verify_and_public_page(client, team):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(5, principal_phone="13912345678")
    client.force_login(team.reviewer)
    response = client.post(
        reverse("inspections:plan_create"),
        {
            "name": "2026年度执法检查计划",
            "period": "year",
            "year": timezone.localdate().year,
            "region": "150623",
            "department": team.reviewer.department_id,
            "random_share_required": 70,
        },
    )
    plan = team.reviewer.department.inspectionplan_set.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    response = client.post(
        reverse("inspections:draw_create", args=[plan.pk]),
        {"count": 3, "region": "150623", "exclude_days": 0, "inspectors_per_target": 2},
    )
    draw = plan.draws.get()
    assert response["Location"] == draw.get_absolute_url()
    client.post(reverse("inspections:draw_verify", args=[draw.pk]))
    assert "复核通过" in client.get(draw.get_absolute_url()).content.decode()
    target = draw.targets.first()
    response = client.post(
        reverse("inspections:draw_schedule", args=[draw.pk, target.pk]),
        {"date": timezone.localdate().isoformat()},
    )
    scheduled = Inspection.objects.get(draw_target=target)
    assert scheduled.method == "random" and scheduled.inspectors.count() == 2
    client.logout()
    public = client.get(draw.get_public_url())
    text = public.content.decode()
    assert public.status_code == 200
    assert target.enterprise.name in text and draw.fingerprint in text
    assert "13912345678" not in text


def test_inspector_of_another_county_sees_nothing(client, team, enterprise):
    inspection, _, _ = checked_visit(team, enterprise)
    document = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    plan = services.plan_create(by=team.reviewer, name="计划", year=2026)
    draw = services.draw_run(by=team.reviewer, plan=plan, count=1)
    client.force_login(team.inspector_b)
    for url in (
        inspection.get_absolute_url(),
        reverse("inspections:document_download", args=[document.pk]),
        plan.get_absolute_url(),
        draw.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("inspections:inspection_list")).content.decode()
    assert enterprise.name not in listing
    assert document.number not in client.get(reverse("inspections:document_list")).content.decode()
    for endpoint in ("inspection-list", "plan-list", "draw-list"):
        data = client.get(reverse(f"api:{endpoint}")).json()
        assert data["count"] == 0, endpoint
    assert client.get(reverse("api:inspection-detail", args=[inspection.pk])).status_code == 404
    assert not Inspection.objects.for_user(team.inspector_b).exists()


def test_hazard_detail_names_the_visit_through_its_finding(client, team, enterprise):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.hazard_helpers import register

    inspection, _, hazards = checked_visit(team, enterprise)
    direct = register(team.inspector, enterprise=enterprise)
    client.force_login(team.inspector)
    queries = {}
    # The session's first hazard page warms the caches of reference data (the region's name).
    client.get(register(team.inspector, enterprise=enterprise).get_absolute_url())
    for hazard in (hazards[0], direct):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(hazard.get_absolute_url()).content.decode()
        queries[hazard] = [q["sql"] for q in captured.captured_queries]
        assert ("来源检查" in page) == (hazard != direct)
        assert (inspection.get_absolute_url() in page) == (hazard != direct)

    def reads(hazard, table):
        return sum(sql.startswith(f'SELECT "{table}".') for sql in queries[hazard])

    # The visit comes joined to the finding: one query for a hazard found at a visit, none for
    # a hazard registered directly, never one more for the visit itself.
    assert reads(hazards[0], "inspections_finding") == 1
    assert reads(direct, "inspections_finding") == 0
    assert reads(hazards[0], "inspections_inspection") == reads(direct, "inspections_inspection")
    assert len(queries[hazards[0]]) == len(queries[direct]) + 1


def test_a_visit_with_unchecked_items_needs_a_reason_which_the_record_prints(
    client, team, enterprise, tmp_path
):
    from tests.inspections.test_documents import pdf_text

    inspection = visit(team, enterprise)
    clause = selectors.checklist_clauses(inspection).first()
    total = selectors.checklist_clauses(inspection).count()
    services.checklist_record(
        by=team.inspector, inspection=inspection, clause=clause, result="pass"
    )
    client.force_login(team.inspector)
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert f"检查表还有 <strong>{total - 1}</strong> 项未检查" in page
    url = reverse("inspections:inspection_commit", args=[inspection.pk])
    refused = client.post(url, {"measures": "责令立即整改"})
    body = refused.content.decode()
    # Refused with the reason asked for, and what was typed is still in the form.
    assert refused.status_code == 200 and "请说明原因" in body and "责令立即整改" in body
    inspection.refresh_from_db()
    assert not inspection.is_done
    client.post(url, {"measures": "责令立即整改", "unchecked_reason": "二号装置停产检修，未进入"})
    inspection.refresh_from_db()
    assert inspection.is_done and inspection.unchecked_count == total - 1
    document = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    printed = "".join(pdf_text(services.document_bytes(document), tmp_path).split())
    assert f"检查表中{total - 1}项未检查" in printed
    assert "二号装置停产检修，未进入" in printed


def test_a_finding_is_edited_on_the_visit_and_the_hazard_and_documents_take_it(
    client, team, enterprise, tmp_path
):
    from datetime import timedelta

    from tests.inspections.test_documents import pdf_text

    inspection = visit(team, enterprise)
    clause = selectors.checklist_clauses(inspection).first()
    services.checklist_record(
        by=team.inspector, inspection=inspection, clause=clause, result="fail", remark="失效"
    )
    finding = inspection.findings.get()
    client.force_login(team.inspector)
    url = reverse("inspections:finding_edit", args=[inspection.pk, finding.pk])
    bad = client.post(url, {"place": "", "description": "", "deadline": ""}, HTTP_HX_REQUEST="true")
    body = bad.content.decode()
    assert "请填写隐患地点/部位" in body and "请填写问题描述" in body and "请填写整改期限" in body
    deadline = inspection.date + timedelta(days=45)
    ok = client.post(
        url,
        {
            "place": "二号罐区",
            "description": "可燃气体报警仪失效",
            "deadline": deadline.isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    assert ok.status_code == 200 and ok["HX-Trigger"] == "findings-changed"
    # The same result tapped again keeps the edited description.
    services.checklist_record(
        by=team.inspector, inspection=inspection, clause=clause, result="fail", remark="失效"
    )
    finding.refresh_from_db()
    assert (finding.place, finding.description, finding.deadline) == (
        "二号罐区",
        "可燃气体报警仪失效",
        deadline,
    )
    services.inspection_findings_commit(
        by=team.inspector, inspection=inspection, unchecked_reason="专项检查"
    )
    hazard = selectors.inspection_hazards(inspection).get()
    assert (hazard.place, hazard.current_deadline) == ("二号罐区", deadline)
    document = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.ORDER
    )
    printed = "".join(pdf_text(services.document_bytes(document), tmp_path).split())
    assert "二号罐区：可燃气体报警仪失效" in printed
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in printed

"""API: same services, same scoping, JSON errors in Chinese."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from inspections import selectors
from inspections.models import Inspection
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(team):
    client = APIClient()
    client.force_authenticate(team.reviewer)
    return client


def test_plan_draw_verify_inspection_document_over_the_api(api, team, enterprise):
    EnterpriseFactory.create_batch(4)
    plan = api.post(reverse("api:plan-list"), {"name": "年度计划", "year": 2026}, format="json")
    assert plan.status_code == 201, plan.json()
    draw = api.post(
        reverse("api:draw-list"), {"plan": plan.json()["id"], "count": 2, "seed": 7}, format="json"
    ).json()
    assert draw["seed"] == 7 and len(draw["targets"]) == 2
    check = api.post(reverse("api:draw-verify", args=[draw["id"]])).json()
    assert check["ok"] is True and check["problems"] == []

    payload = {
        "enterprise": enterprise.pk,
        "date": timezone.localdate().isoformat(),
        "method": "four_no",
        "inspectors": [team.reviewer.pk],
    }
    refused = api.post(reverse("api:inspection-list"), payload, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "现场检查至少需要 2 名执法人员。"
    payload["inspectors"] = [team.reviewer.pk, team.inspector.pk]
    created = api.post(reverse("api:inspection-list"), payload, format="json").json()
    inspection = Inspection.objects.get(pk=created["id"])
    clause = selectors.checklist_clauses(inspection).first()
    url = reverse("api:inspection-checklist", args=[inspection.pk])
    body = api.post(url, {"clause": clause.pk, "result": "fail"}, format="json").json()
    assert body["findings"][0]["level"] == "major"
    early = api.post(reverse("api:inspection-documents", args=[inspection.pk]), {"type": "order"})
    assert early.status_code == 409
    commit = reverse("api:inspection-commit", args=[inspection.pk])
    refused = api.post(commit, {}, format="json")
    assert refused.status_code == 400 and "unchecked_reason" in refused.json()["fields"]
    assert "项未检查" in refused.json()["detail"]
    done = api.post(commit, {"unchecked_reason": "仅检查罐区"}, format="json")
    assert done.json()["status"] == "done" and len(done.json()["hazards"]) == 1
    document = api.post(
        reverse("api:inspection-documents", args=[inspection.pk]), {"type": "order"}
    ).json()
    assert document["number"].startswith("鄂前应急责改")
    pdf = api.get(reverse("api:inspection-document-pdf", args=[inspection.pk, document["id"]]))
    assert pdf.status_code == 200 and pdf["X-Content-SHA256"] == document["sha256"]


def test_an_enterprise_out_of_scope_reads_like_one_that_does_not_exist(api, team):
    other_county = EnterpriseFactory(region_id="150624")
    payload = {
        "date": timezone.localdate().isoformat(),
        "method": "open",
        "inspectors": [team.inspector.pk, team.inspector2.pk],
    }
    hidden = api.post(
        reverse("api:inspection-list"), {**payload, "enterprise": other_county.pk}, format="json"
    )
    missing = api.post(
        reverse("api:inspection-list"), {**payload, "enterprise": 999999}, format="json"
    )
    assert hidden.status_code == missing.status_code == 400
    assert "enterprise" in hidden.json()["fields"] and "enterprise" in missing.json()["fields"]
    assert str(other_county.pk) in hidden.json()["fields"]["enterprise"][0]
    assert not Inspection.objects.exists()


def test_a_visits_documents_are_one_list_as_the_schema_says(api, team, enterprise):
    from inspections import services
    from inspections.choices import DocumentType

    from .conftest import checked_visit

    inspection, _, _ = checked_visit(team, enterprise)
    services.document_issue(by=team.inspector, inspection=inspection, type=DocumentType.RECORD)
    body = api.get(f"/api/v1/inspections/{inspection.pk}/documents/").json()
    assert isinstance(body, list) and len(body) == 1
    schema = api.get("/api/v1/schema/?format=json").json()
    answer = schema["paths"]["/api/v1/inspections/{id}/documents/"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"

"""The schema's links lead a client from one operation to the next (a registered hazard → its
workflow steps, photos and detail; a visit → its checklist, findings and documents), and a
stateful schemathesis run follows them: it registers hazards and visits and then acts on
exactly those, with every response checked against the schema."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as run_settings
from schemathesis.specs.openapi.checks import ensure_resource_availability, use_after_free

from accounts.tokens import token_issue
from config.wsgi import application
from core.api.schema import operation_links
from hazards.workflow import TABLE
from tests.api.test_schemathesis import CHECKS_AFTER_AUTH
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# Every workflow step of a hazard, and its photos.
HAZARD_STEPS = {t.action.value for t in TABLE.values()} | {"recheck", "photos"}


RUN = run_settings(
    max_examples=25,
    stateful_step_count=8,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _schema(token: str):
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, headers={"Authorization": f"Token {token}"}
    )


def test_every_declared_link_names_operations_and_parameters_of_the_schema(
    keep_connection, personas
):
    _, token = token_issue(user=personas.inspector)
    raw = _schema(token).raw_schema
    operations = {
        operation["operationId"]: operation
        for item in raw["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    declared = 0
    for (source, status), targets in operation_links().items():
        links = operations[source]["responses"][status]["links"]
        assert set(links) == set(targets), source
        for target, link in links.items():
            path_names = {
                p["name"] for p in operations[target].get("parameters", []) if p["in"] == "path"
            }
            assert set(link["parameters"]) == path_names, (source, target)
            declared += 1
    assert declared >= 300
    hazard_created = operations["hazards_create"]["responses"]["201"]["links"]
    assert "hazards_start_rectification_create" in hazard_created
    assert "hazards_photos_create" in hazard_created
    visit_created = operations["inspections_create"]["responses"]["201"]["links"]
    assert "inspections_checklist_create" in visit_created


def test_a_stateful_run_follows_the_links_into_the_workflow(
    keep_connection, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    started = time.monotonic()
    enterprise = EnterpriseFactory()
    _, token = token_issue(user=team.inspector)
    headers = {"Authorization": f"Token {token}"}
    schema = _schema(token).include(path_regex=r"^/api/v1/(hazards|inspections)/")
    today = timezone.localdate()
    created: set[str] = set()
    reached: list[tuple[str, int]] = []
    seen: list[str] = []
    statuses: list[int] = []

    class Workflow(schema.as_state_machine()):
        def before_call(self, case):
            # The schema cannot say which enterprise is the caller's or which dates fit; give
            # the registrations what they need, keep the rest as generated.
            label = f"{case.method.upper()} {case.operation.path}"
            if label == "POST /api/v1/hazards/" and isinstance(case.body, dict):
                generated = {k: v for k, v in case.body.items() if k in ("source", "stoppage")}
                case.body = {
                    **generated,
                    "enterprise": enterprise.pk,
                    "level": "general",
                    "found_date": today.isoformat(),
                    "deadline": (today + timedelta(days=30)).isoformat(),
                    "place": "储罐区",
                    "description": "可燃气体报警装置失效",
                }
                seen.append(label)
            if label == "POST /api/v1/inspections/" and isinstance(case.body, dict):
                case.body.update(
                    enterprise=enterprise.pk,
                    date=today.isoformat(),
                    inspectors=[team.inspector.pk, team.inspector2.pk],
                    start_time="09:30",
                    plan=None,
                    draw_target=None,
                )

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            super().after_call(response, case)
            if case.method.upper() == "POST" and case.formatted_path == "/api/v1/hazards/":
                statuses.append(response.status_code)
            path = case.formatted_path
            if case.method.upper() == "POST" and response.status_code == 201:
                body = response.json()
                if path in ("/api/v1/hazards/", "/api/v1/inspections/"):
                    created.add(f"{path}{body['id']}/")
            for prefix in created:
                if path.startswith(prefix) and path != prefix:
                    reached.append((path.removeprefix(prefix).strip("/"), response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=[*CHECKS_AFTER_AUTH, use_after_free, ensure_resource_availability],
                headers=headers,
                recorder=self.recorder,
            )

    Workflow.run(settings=RUN)
    elapsed = time.monotonic() - started
    steps = {name for name, _ in reached}
    assert any(p.startswith("/api/v1/hazards/") for p in created), (created, seen, statuses)
    assert steps & HAZARD_STEPS, f"no workflow step on a hazard of this run: {reached}"
    print(
        f"\nstateful run: {len(created)} objects created, {len(reached)} calls on them, {elapsed:.0f} s"
    )

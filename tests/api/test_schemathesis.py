"""Property-based run of schemathesis against our own OpenAPI schema, in-process over WSGI.

A county inspector (token auth) calls the main endpoints with generated input: every list and
detail, registering enterprises and hazards, editing them, and a few workflow steps. Each answer
must not be a 5xx, its status code and headers must be documented, its body must match the schema,
invalid input must be refused and a call without the token must be refused.
Bounded in examples per operation (and so in time); derandomized so a run is reproducible.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import token_issue
from config.wsgi import application
from hazards.choices import HazardLevel, HazardState
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, register
from tipoffs.services import tipoff_submit

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    ignored_auth,
]

# (method, path) → examples. Paths not listed are not exercised here (files, imports, schema).
OPERATIONS: dict[tuple[str, str], int] = {
    ("GET", "/api/v1/regions/"): 10,
    ("GET", "/api/v1/regions/{code}/"): 10,
    ("GET", "/api/v1/sectors/"): 10,
    ("GET", "/api/v1/sectors/{id}/"): 10,
    ("GET", "/api/v1/departments/"): 10,
    ("GET", "/api/v1/departments/{id}/"): 10,
    ("GET", "/api/v1/enterprises/"): 25,
    ("GET", "/api/v1/enterprises/{id}/"): 10,
    ("POST", "/api/v1/enterprises/"): 25,
    ("PATCH", "/api/v1/enterprises/{id}/"): 15,
    ("GET", "/api/v1/hazards/"): 25,
    ("GET", "/api/v1/hazards/{id}/"): 10,
    ("POST", "/api/v1/hazards/"): 25,
    ("PATCH", "/api/v1/hazards/{id}/"): 15,
    ("POST", "/api/v1/hazards/{id}/start-rectification/"): 15,
    ("POST", "/api/v1/hazards/{id}/request-extension/"): 15,
    ("POST", "/api/v1/hazards/{id}/submit-rectification/"): 15,
    ("POST", "/api/v1/hazards/{id}/recheck/"): 15,
    ("POST", "/api/v1/hazards/{id}/sign-off/"): 10,
    ("GET", "/api/v1/inspections/"): 15,
    ("GET", "/api/v1/inspections/{id}/"): 10,
    ("GET", "/api/v1/plans/"): 15,
    ("GET", "/api/v1/plans/{id}/"): 10,
    ("GET", "/api/v1/draws/"): 15,
    ("GET", "/api/v1/draws/{id}/"): 10,
    ("GET", "/api/v1/standards/"): 15,
    ("GET", "/api/v1/standards/{id}/"): 10,
    ("GET", "/api/v1/clauses/"): 15,
    ("GET", "/api/v1/clauses/{id}/"): 10,
    ("GET", "/api/v1/notices/"): 15,
    ("GET", "/api/v1/notices/{id}/"): 10,
    ("GET", "/api/v1/reports/"): 15,
    ("GET", "/api/v1/reports/{id}/"): 10,
    ("GET", "/api/v1/jobs/{id}/"): 10,
    ("GET", "/api/v1/ledger-imports/{id}/"): 10,
    ("GET", "/api/v1/hazards/ledger.xlsx"): 10,
    ("GET", "/api/v1/me/"): 5,
    ("GET", "/api/v1/dashboard/"): 10,
    ("POST", "/api/v1/hazards/{id}/approve-extension/"): 5,
    ("POST", "/api/v1/hazards/{id}/refuse-extension/"): 5,
    ("POST", "/api/v1/hazards/{id}/confirm-basis/"): 5,
    ("POST", "/api/v1/hazards/{id}/list-supervision/"): 5,
    ("POST", "/api/v1/hazards/{id}/remove-supervision/"): 5,
    ("POST", "/api/v1/hazards/{id}/recheck-pass/"): 5,
    ("POST", "/api/v1/hazards/{id}/recheck-fail/"): 5,
    ("POST", "/api/v1/hazards/{id}/record-dual-report/"): 5,
    ("POST", "/api/v1/hazards/{id}/record-urging/"): 5,
    ("POST", "/api/v1/hazards/{id}/report-progress/"): 5,
    ("POST", "/api/v1/inspections/"): 10,
    ("POST", "/api/v1/inspections/{id}/checklist/"): 5,
    ("POST", "/api/v1/inspections/{id}/findings/"): 5,
    ("POST", "/api/v1/inspections/{id}/commit/"): 5,
    ("GET", "/api/v1/inspections/{id}/documents/"): 5,
    ("POST", "/api/v1/plans/"): 10,
    ("POST", "/api/v1/draws/"): 5,
    ("POST", "/api/v1/reports/{id}/submit/"): 5,
}

# The public-report API for staff, run as its own test with its own time budget.
TIPOFF_OPERATIONS: dict[tuple[str, str], int] = {
    ("GET", "/api/v1/tipoffs/"): 5,
    ("GET", "/api/v1/tipoffs/{id}/"): 3,
    ("GET", "/api/v1/tipoffs/{id}/identity/"): 3,
    ("POST", "/api/v1/tipoffs/{id}/accept/"): 3,
    ("POST", "/api/v1/tipoffs/{id}/reject/"): 3,
    ("POST", "/api/v1/tipoffs/{id}/transfer/"): 3,
    ("POST", "/api/v1/tipoffs/{id}/verify/"): 3,
    ("POST", "/api/v1/tipoffs/{id}/not-verified/"): 3,
    ("POST", "/api/v1/tipoffs/{id}/reward/"): 3,
    ("POST", "/api/v1/tipoffs/{id}/approve-reward/"): 3,
}


@pytest.fixture
def keep_connection():
    """Like Django's test client: the real WSGI handler must not close the test's connection
    (and its transaction) when a request ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo(keep_connection, personas, settings, tmp_path):
    """Hazards in several states, in the inspector's county; a token for the inspector."""
    from hazards.models import Clause, JudgmentStandard

    settings.MEDIA_ROOT = tmp_path
    inspector, reviewer = personas.inspector, personas.reviewer
    enterprises = [EnterpriseFactory() for _ in range(3)]
    hazards = [
        register(inspector, enterprise=enterprises[0]),
        register(inspector, enterprise=enterprises[1], level=HazardLevel.GENERAL),
        register(inspector, enterprise=enterprises[2]),
        register(inspector, enterprise=enterprises[0], level=HazardLevel.GENERAL),
    ]
    advance(hazards[2], HazardState.RECTIFYING, inspector=inspector, reviewer=reviewer)
    advance(hazards[3], HazardState.AWAITING_RECHECK, inspector=inspector, reviewer=reviewer)
    tipoffs = [
        tipoff_submit(region="150623101", what="举报内容", where="某企业", phone=phone)
        for phone in ("", "13900000000", "")
    ]
    _, token = token_issue(user=inspector)
    return {
        "headers": {"Authorization": f"Token {token}"},
        "ids": {
            "hazards": [h.pk for h in hazards],
            "enterprises": [e.pk for e in enterprises],
            "sectors": [enterprises[0].sector_id],
            "departments": [inspector.department_id],
            "regions": ["150623", "150623101"],
            "standards": list(JudgmentStandard.objects.values_list("pk", flat=True)[:3]),
            "clauses": list(Clause.objects.values_list("pk", flat=True)[:3]),
            "tipoffs": [t.pk for t in tipoffs],
        },
    }


def _strategy(operation, ids: dict):
    """Generated cases, half of them aimed at objects that exist (else nearly all are 404)."""
    path = operation.path
    params = [p for p in ("id", "code") if "{" + p + "}" in path]
    if not params:
        return operation.as_strategy()
    resource = path.removeprefix("/api/v1/").split("/")[0]
    known = ids.get(resource, [])
    if not known:
        return operation.as_strategy()
    aimed = [operation.as_strategy(path_parameters={params[0]: value}) for value in known]
    return st.one_of(*aimed, operation.as_strategy())


def _run(operation, strategy, examples: int, headers: dict) -> str | None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:  # every failure is reported at the end
        return f"{operation.method.upper()} {operation.path}:\n{exc}"
    return None


def _conform(demo, wanted: dict[tuple[str, str], int]) -> float:
    """Run every wanted operation; the seconds it took. Fails listing every failure."""
    started = time.monotonic()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=demo["headers"])
    operations = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations[(operation.method.upper(), operation.path)] = operation
    missing = sorted(set(wanted) - set(operations))
    assert not missing, f"operations not in the schema: {missing}"

    failures = []
    for key, examples in wanted.items():
        operation = operations[key]
        failure = _run(operation, _strategy(operation, demo["ids"]), examples, demo["headers"])
        if failure:
            failures.append(failure)
    assert not failures, "\n\n".join(failures)
    return time.monotonic() - started


def test_api_conforms_to_its_schema(demo):
    elapsed = _conform(demo, OPERATIONS)
    assert elapsed < 90, f"schemathesis run took {elapsed:.0f} s"


def test_public_report_api_conforms_to_its_schema(demo):
    elapsed = _conform(demo, TIPOFF_OPERATIONS)
    assert elapsed < 60, f"schemathesis run took {elapsed:.0f} s"

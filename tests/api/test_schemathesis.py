"""Property-based run of schemathesis against our own OpenAPI schema, in-process over WSGI.

Every operation of the published schema is called with generated input (valid and invalid),
half of the cases aimed at objects that exist: hazards in every state with a photo, a visit
with its documents, a ledger import, a finished job, a notice, a monthly report, a plan and a
draw. Each answer goes through every schemathesis check: no 5xx, a documented status code,
content type and headers, a body that matches the schema, invalid input refused, a call without
the token refused, an undeclared method refused with its Allow header. Bounded in examples per
operation (and so in time); derandomized so a run is reproducible.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from accounts.tokens import token_issue
from config.wsgi import application
from tests.api.conftest import _ledger_file
from tests.hazard_helpers import jpeg_bytes

pytestmark = pytest.mark.django_db

# Every check of schemathesis that judges one response. Left out, with the reason:
# - positive_data_acceptance: the schema states the shape of input, not the rules of the
#   workflow (a deadline after the finding date, a clause of the enterprise's sector, a state
#   that allows the step), which answer 400 to input of a valid shape;
# - use_after_free, ensure_resource_availability: need a DELETE, and the API deletes nothing;
# - object_level_authorization: needs a second identity in the same run; scope is covered by
#   tests/test_url_scope.py for every URL, persona and object;
# - max_response_time: timing is measured by the bench, not on a shared test machine.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    ignored_auth,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
]

# ignored_auth repeats the call three times without valid credentials; authentication is the
# same for every case of an operation, so it runs on the first cases of each only.
AUTH_CASES = 2
CHECKS_AFTER_AUTH = [check for check in CHECKS if check is not ignored_auth]

R = "reviewer"  # who calls an operation when not the inspector

# (method, path) → (examples, persona). The coverage test below holds this to the schema.
OPERATIONS: dict[tuple[str, str], tuple[int, str]] = {
    ("GET", "/api/v1/tipoffs/"): (5, "inspector"),
    ("GET", "/api/v1/tipoffs/{id}/"): (3, "inspector"),
    ("GET", "/api/v1/tipoffs/{id}/identity/"): (3, "inspector"),
    ("POST", "/api/v1/tipoffs/{id}/accept/"): (3, "inspector"),
    ("POST", "/api/v1/tipoffs/{id}/reject/"): (3, "inspector"),
    ("POST", "/api/v1/tipoffs/{id}/transfer/"): (3, "inspector"),
    ("POST", "/api/v1/tipoffs/{id}/verify/"): (3, "inspector"),
    ("POST", "/api/v1/tipoffs/{id}/not-verified/"): (3, "inspector"),
    ("POST", "/api/v1/tipoffs/{id}/reward/"): (3, "inspector"),
    ("POST", "/api/v1/tipoffs/{id}/approve-reward/"): (3, R),
    ("POST", "/api/v1/auth/token/"): (10, "inspector"),
    ("GET", "/api/v1/me/"): (3, "inspector"),
    ("GET", "/api/v1/dashboard/"): (8, "inspector"),
    ("GET", "/api/v1/regions/"): (6, "inspector"),
    ("GET", "/api/v1/regions/{code}/"): (6, "inspector"),
    ("GET", "/api/v1/sectors/"): (6, "inspector"),
    ("GET", "/api/v1/sectors/{id}/"): (6, "inspector"),
    ("GET", "/api/v1/departments/"): (6, "inspector"),
    ("GET", "/api/v1/departments/{id}/"): (6, "inspector"),
    ("GET", "/api/v1/enterprises/"): (15, "inspector"),
    ("POST", "/api/v1/enterprises/"): (15, "inspector"),
    ("GET", "/api/v1/enterprises/{id}/"): (6, "inspector"),
    ("PUT", "/api/v1/enterprises/{id}/"): (10, "inspector"),
    ("PATCH", "/api/v1/enterprises/{id}/"): (10, "inspector"),
    ("GET", "/api/v1/hazards/"): (20, "inspector"),
    ("POST", "/api/v1/hazards/"): (15, "inspector"),
    ("GET", "/api/v1/hazards/{id}/"): (6, "inspector"),
    ("PATCH", "/api/v1/hazards/{id}/"): (10, "inspector"),
    ("POST", "/api/v1/hazards/{id}/start-rectification/"): (10, "inspector"),
    ("POST", "/api/v1/hazards/{id}/request-extension/"): (8, "inspector"),
    ("POST", "/api/v1/hazards/{id}/approve-extension/"): (5, R),
    ("POST", "/api/v1/hazards/{id}/refuse-extension/"): (5, R),
    ("POST", "/api/v1/hazards/{id}/submit-rectification/"): (8, "inspector"),
    ("POST", "/api/v1/hazards/{id}/recheck/"): (8, "inspector"),
    ("POST", "/api/v1/hazards/{id}/recheck-pass/"): (5, "inspector"),
    ("POST", "/api/v1/hazards/{id}/recheck-fail/"): (5, "inspector"),
    ("POST", "/api/v1/hazards/{id}/sign-off/"): (6, R),
    ("POST", "/api/v1/hazards/{id}/confirm-basis/"): (5, R),
    ("POST", "/api/v1/hazards/{id}/list-supervision/"): (6, R),
    ("POST", "/api/v1/hazards/{id}/remove-supervision/"): (5, R),
    ("POST", "/api/v1/hazards/{id}/record-urging/"): (5, R),
    ("POST", "/api/v1/hazards/{id}/record-dual-report/"): (5, "inspector"),
    ("POST", "/api/v1/hazards/{id}/report-progress/"): (5, "inspector"),
    ("POST", "/api/v1/hazards/{id}/photos/"): (8, "inspector"),
    ("GET", "/api/v1/hazards/{id}/photos/{photo_id}/"): (6, "inspector"),
    ("GET", "/api/v1/hazards/{id}/photos/{photo_id}/thumbnail/"): (6, "inspector"),
    ("GET", "/api/v1/hazards/ledger.xlsx"): (8, "inspector"),
    ("GET", "/api/v1/inspections/"): (10, "inspector"),
    ("POST", "/api/v1/inspections/"): (10, "inspector"),
    ("GET", "/api/v1/inspections/{id}/"): (5, "inspector"),
    ("POST", "/api/v1/inspections/{id}/checklist/"): (6, "inspector"),
    ("POST", "/api/v1/inspections/{id}/findings/"): (6, "inspector"),
    ("POST", "/api/v1/inspections/{id}/commit/"): (5, "inspector"),
    ("GET", "/api/v1/inspections/{id}/documents/"): (4, "inspector"),
    ("POST", "/api/v1/inspections/{id}/documents/"): (6, "inspector"),
    ("GET", "/api/v1/inspections/{id}/documents/{document_id}/pdf/"): (3, "inspector"),
    ("POST", "/api/v1/inspections/{id}/documents/{document_id}/void/"): (6, R),
    ("GET", "/api/v1/plans/"): (8, "inspector"),
    ("POST", "/api/v1/plans/"): (8, R),
    ("GET", "/api/v1/plans/{id}/"): (5, "inspector"),
    ("GET", "/api/v1/draws/"): (8, "inspector"),
    ("POST", "/api/v1/draws/"): (6, R),
    ("GET", "/api/v1/draws/{id}/"): (5, "inspector"),
    ("POST", "/api/v1/draws/{id}/verify/"): (4, R),
    ("GET", "/api/v1/standards/"): (8, "inspector"),
    ("GET", "/api/v1/standards/{id}/"): (5, "inspector"),
    ("GET", "/api/v1/clauses/"): (10, "inspector"),
    ("GET", "/api/v1/clauses/{id}/"): (5, "inspector"),
    ("GET", "/api/v1/notices/"): (8, "inspector"),
    ("GET", "/api/v1/notices/{id}/"): (5, "inspector"),
    ("GET", "/api/v1/notices/{id}/notice.pdf"): (2, "inspector"),
    ("GET", "/api/v1/reports/"): (8, R),
    ("GET", "/api/v1/reports/{id}/"): (5, R),
    ("POST", "/api/v1/reports/{id}/edit/"): (8, R),
    ("POST", "/api/v1/reports/{id}/submit/"): (5, R),
    ("POST", "/api/v1/reports/{id}/return/"): (5, R),
    ("POST", "/api/v1/reports/{id}/reopen/"): (4, R),
    ("GET", "/api/v1/reports/{id}/report.pdf"): (2, R),
    ("GET", "/api/v1/reports/{id}/report.xlsx"): (3, R),
    ("GET", "/api/v1/jobs/{id}/"): (5, "inspector"),
    ("GET", "/api/v1/jobs/{id}/result/"): (4, "inspector"),
    ("POST", "/api/v1/ledger-imports/"): (8, "inspector"),
    ("GET", "/api/v1/ledger-imports/{id}/"): (5, "inspector"),
    ("POST", "/api/v1/ledger-imports/{id}/mapping/"): (6, "inspector"),
    ("POST", "/api/v1/ledger-imports/{id}/commit/"): (4, "inspector"),
}

# Operations of the schema that are not fuzzed, each with the reason. Empty: every one is.
EXCLUDED: dict[tuple[str, str], str] = {}


def _schema(headers: dict):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=headers)


def _operations(schema) -> dict:
    operations = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations[(operation.method.upper(), operation.path)] = operation
    return operations


def _files(operation) -> list:
    """Valid uploads, so that the fuzzer also reaches the code behind the file checks."""
    if operation.path.endswith("/photos/") and operation.method.upper() == "POST":
        return [{"file": jpeg_bytes(), "kind": "before"}]
    if operation.path == "/api/v1/ledger-imports/":
        return [{"file": _ledger_file()}]
    return []


def _strategy(operation, world: dict):
    """Generated cases, valid and invalid; half of them aimed at objects that exist (else nearly
    all would be 404), including the second parameter of nested paths."""
    path = operation.path
    modes = [GenerationMode.POSITIVE]
    if operation.body or any(True for _ in operation.iter_parameters()):
        modes.append(GenerationMode.NEGATIVE)
    free = [operation.as_strategy(generation_mode=mode) for mode in modes]
    second = next((name for name in world["pairs"] if "{" + name + "}" in path), None)
    first = next((p for p in ("id", "code") if "{" + p + "}" in path), None)
    if second:
        values = [{"id": a, second: b} for a, b in world["pairs"][second]]
    elif first:
        resource = path.removeprefix("/api/v1/").split("/")[0]
        values = [{first: value} for value in world["ids"].get(resource, [])]
    else:
        values = [{}]
    aimed = [
        operation.as_strategy(generation_mode=mode, path_parameters=value or None)
        for value in values
        for mode in modes
    ]
    uploads = [
        operation.as_strategy(
            path_parameters=value or None, body=body, media_type="multipart/form-data"
        )
        for value in values
        for body in _files(operation)
    ]
    return st.one_of(*aimed, *uploads, *free)


def _run(operation, strategy, examples: int, headers: dict, counter: list) -> str | None:
    calls: list = []

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
        calls.append(1)
        checks = CHECKS if len(calls) <= AUTH_CASES else CHECKS_AFTER_AUTH
        case.call_and_validate(headers=headers, checks=checks)

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:  # every failure is reported at the end
        return f"{operation.method.upper()} {operation.path}:\n{exc}"
    finally:
        counter.extend(calls)
    return None


def test_every_operation_of_the_schema_is_fuzzed_with_every_response_check(
    keep_connection, personas
):
    """A new operation fails this test until it is fuzzed (or excluded with a reason)."""
    _, token = token_issue(user=personas.inspector)
    published = set(_operations(_schema({"Authorization": f"Token {token}"})))
    assert published == set(OPERATIONS) | set(EXCLUDED), (
        f"not fuzzed: {sorted(published - set(OPERATIONS) - set(EXCLUDED))}; "
        f"not in the schema: {sorted((set(OPERATIONS) | set(EXCLUDED)) - published)}"
    )
    assert not set(OPERATIONS) & set(EXCLUDED)
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert len(published) >= 75
    assert {response_schema_conformance, negative_data_rejection, not_a_server_error} <= set(CHECKS)


def test_api_conforms_to_its_schema(world):
    started, cpu = time.monotonic(), time.process_time()
    headers = {
        persona: {"Authorization": f"Token {token}"} for persona, token in world["tokens"].items()
    }
    operations = _operations(_schema(headers["inspector"]))
    failures, cases = [], []
    timings = []
    for key, (examples, persona) in OPERATIONS.items():
        operation = operations[key]
        strategy = _strategy(operation, world)
        begun = time.monotonic()
        failure = _run(operation, strategy, examples, headers[persona], cases)
        timings.append((time.monotonic() - begun, " ".join(key)))
        if failure:
            failures.append(failure)
    elapsed = time.monotonic() - started
    slowest = ", ".join(f"{name} {seconds:.1f} s" for seconds, name in sorted(timings)[-5:])
    summary = (
        f"{len(OPERATIONS)} operations, {len(cases)} cases, {elapsed:.0f} s "
        f"(CPU {time.process_time() - cpu:.0f} s; slowest: {slowest})"
    )
    print(f"\nfuzzed {summary}")
    assert not failures, f"{summary}; {len(failures)} operations failed:\n\n" + "\n\n".join(
        failures
    )
    # Bounded by its own work: on a shared machine the wall time follows the load, the time
    # spent in this process does not (18 s of CPU for 79 s of wall time at a load of 10).
    assert time.process_time() - cpu < 60, f"schemathesis run took too long: {summary}"

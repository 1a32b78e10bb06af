"""Every URL pattern of the site (pages and API, read from the resolver) with every persona and
an object of every kind, in and out of the persona's scope.

A pattern whose keyword arguments this test cannot fill from an object fails the test, so a new
URL is covered the day it is added. For each pattern with an object:
- a persona who may see the object (its county's inspector, reviewer, the city's leader, the
  administrator) does not get a 404 for it (the mapping is right);
- a persona who may not (another county, a 住建 user for a 危险化学品 enterprise, an enterprise
  account, an account without a region) gets a 404 (or, for a role refused before any lookup,
  a 403), never the object;
- nobody signed out gets anything but the way to sign in.
Every list page or list endpoint is read by every persona; those out of scope find none of the
county's objects in it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.choices import Role
from accounts.enterprise_access import ENTERPRISE_VIEW_NAMES
from core.models import Department, Job, Region, Sector
from enterprises.services import enterprise_import_preview
from hazards.minutes import workers_report_record
from hazards.models import Clause, JudgmentStandard
from hazards.services import hazard_add_photo
from inspections import services as inspection_services
from inspections.choices import DocumentType
from inspections.models import ConflictOfInterest
from portal.services import request_submit
from reports.models import LedgerImport, MonthlyReport, Notice, Notification
from reports.monthly.services import report_build_county
from tests.enterprises.test_import import good_row, xlsx
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import jpeg_bytes, register
from tests.inspections.conftest import checked_visit, enterprise, team  # noqa: F401 - fixtures
from tests.reports.monthly_helpers import file
from tipoffs import services as tipoff_services

pytestmark = pytest.mark.django_db

# The path up to a keyword argument (other arguments as "<>") → the kind of object it names.
KINDS = {
    "hazards/<pk>": "hazard",
    "hazards/<>/steps/<action>": "action",
    "hazards/photos/<pk>": "photo",
    "hazards/<>/minutes/<minutes_pk>": "workers_report",
    "inbox/notices/<pk>": "notice",
    "inbox/documents/<pk>": "document",
    "hazards/standards/<pk>": "standard",
    "inspections/visits/<pk>": "inspection",
    "inspections/visits/<>/checklist/<clause_pk>": "checklist_clause",
    "inspections/visits/<>/findings/<finding_pk>": "finding",
    "inspections/documents/<pk>": "document",
    "inspections/plans/<pk>": "plan",
    "inspections/draws/<pk>": "draw",
    "inspections/draws/<>/targets/<target_pk>": "target",
    "inspections/public/draws/<public_id>": "public_id",
    "inspections/conflicts/<pk>": "conflict",
    "enterprises/<pk>": "enterprise",
    "enterprises/import/<pk>": "enterprise_import",
    "reports/notices/<pk>": "notice",
    "reports/notifications/<pk>": "notification",
    "reports/<pk>": "report",
    "reports/<>/versions/<number>": "report_version",
    "accounts/users/<pk>": "managed_user",
    "reports/filing/<code>": "city",
    "ledger/import/<pk>": "ledger_import",
    "jobs/<pk>": "job",
    "api/v1/ledger-imports/<pk>": "ledger_import",
    "api/v1/jobs/<pk>": "job",
    "api/v1/notices/<pk>": "notice",
    "api/v1/reports/<pk>": "report",
    "api/v1/regions/<code>": "region",
    "api/v1/sectors/<pk>": "sector",
    "api/v1/departments/<pk>": "department",
    "api/v1/enterprises/<pk>": "enterprise",
    "api/v1/hazards/<pk>": "hazard",
    "api/v1/hazards/<>/photos/<photo_id>": "photo",
    "api/v1/inspections/<pk>": "inspection",
    "api/v1/inspections/<>/documents/<document_id>": "document",
    "api/v1/plans/<pk>": "plan",
    "api/v1/draws/<pk>": "draw",
    "api/v1/standards/<pk>": "standard",
    "api/v1/clauses/<pk>": "clause",
    "qiye/selfcheck/<pk>": "enterprise",
    "qiye/hazards/<pk>": "hazard",
    "qiye/hazards/<>/steps/<action>": "action",
    "accounts/requests/<pk>": "account_request",
    "tipoffs/staff/<pk>": "tipoff",
    "tipoffs/staff/<>/steps/<action>": "tipoff_action",
    "tipoffs/staff/photos/<pk>": "tipoff_photo",
    "api/v1/tipoffs/<pk>": "tipoff",
}
# Reference data everybody reads, and what everybody may open.
GLOBAL_KINDS = {
    "standard",
    "clause",
    "checklist_clause",
    "sector",
    "action",
    "public_id",
    "tipoff_action",
}
# Public pages anybody may open without signing in.
PUBLIC_NAMES = {"tipoffs:tipoff_create", "tipoffs:tipoff_status", "portal:account_request"}
# Objects that are their creator's alone.
OWNER_KINDS = {"enterprise_import", "ledger_import", "job", "notification"}
# Not checked here: the Django admin (staff only, its own permissions), the API's catch-all.
SKIPPED_NAMES = {"api:not_found"}
INSIDE = ("inspector", "reviewer", "leader", "admin")
OUTSIDE = ("inspector_b", "housing", "enterprise_account", "enterprise_b", "nobody")
# Enterprise accounts: enterprise_a holds the county's enterprise, enterprise_b another one. They
# reach only the views in ENTERPRISE_VIEW_NAMES, and there only their own enterprises' objects.
ENTERPRISE_PERSONAS = ("enterprise_a", "enterprise_b", "enterprise_account")
ENTERPRISE_KINDS = {
    "hazard",
    "photo",
    "enterprise",
    "inspection",
    "document",
    "action",
    "notice",
    "workers_report",
}


def url_patterns():
    """(route with named groups as <name>, URL name) of every pattern outside the admin; the
    format-suffix twins of API routes are the same view and left out."""

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), ":".join(x for x in (namespace, p.name) if x)

    for route, name in walk(get_resolver().url_patterns, "", ""):
        if route.startswith("admin/") or name in SKIPPED_NAMES or "format>" in route:
            continue
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)
        yield route.replace("^", "").replace("$", "").replace("\\.", "."), name


def kwarg_kinds(route: str) -> list[tuple[str, str]]:
    """[(kwarg, kind)] of a route; KeyError names a pattern this test does not know."""
    found = []
    for match in re.finditer(r"<(\w+)>", route):
        head = re.sub(r"<\w+>", "<>", route[: match.start()]) + f"<{match.group(1)}>"
        key = head.rstrip("/")
        if key not in KINDS:
            raise KeyError(f"no object mapping for {route!r} (add {key!r} to KINDS)")
        found.append((match.group(1), KINDS[key]))
    return found


def fill(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(\w+)>", lambda m: str(values[m.group(1)]), route)


@pytest.fixture
def world(team, enterprise, settings, tmp_path):  # noqa: F811
    """An object of every kind in 鄂托克前旗 (the inspector's county), and the personas."""
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    inspection, clauses, hazards = checked_visit(team, enterprise)
    document = inspection_services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    hazard = hazards[0]
    photo = hazard_add_photo(by=team.inspector, hazard=hazard, kind="before", data=jpeg_bytes())
    minutes = workers_report_record(
        hazard=hazard, by=team.inspector, reported_on=today, data=jpeg_bytes(), file_name="纪要.jpg"
    )
    plan = inspection_services.plan_create(by=team.reviewer, name="年度计划", year=today.year)
    draw = inspection_services.draw_run(by=team.reviewer, plan=plan, count=1)
    late = register(team.inspector, enterprise=enterprise, found=today - timedelta(days=60))
    call_command("run_notices", "--date", today.isoformat(), stdout=open("/dev/null", "w"))
    report_build_county(
        region=Region.objects.get(code="150623"), year=today.year, month=today.month, on=today
    )
    county_report = MonthlyReport.objects.get(region_id="150623")
    job = Job.objects.create(
        kind="ledger_export", title="导出", created_by=team.inspector, state="done"
    )
    job.result.save("t.xlsx", ContentFile(b"x"))
    tipoff = tipoff_services.tipoff_submit(
        region="150623101",
        what="举报范围测试内容",
        where="举报范围测试某加油站",
        phone="13900000000",
        photos=[("a.jpg", jpeg_bytes())],
    )
    objects = {
        "tipoff": tipoff.pk,
        "tipoff_action": "accept",
        "tipoff_photo": tipoff.photos.get().pk,
        "hazard": hazard.pk,
        "action": "start-rectification",
        "photo": photo.pk,
        "workers_report": minutes.pk,
        "standard": JudgmentStandard.objects.first().pk,
        "clause": Clause.objects.first().pk,
        "sector": Sector.objects.get(code="hazchem").pk,
        "department": Department.objects.get(name="鄂托克前旗应急管理局").pk,
        "region": "150623",
        "city": "150600",
        "inspection": inspection.pk,
        "checklist_clause": clauses[0].pk,
        "finding": inspection.findings.first().pk,
        "document": document.pk,
        "plan": plan.pk,
        "draw": draw.pk,
        "target": draw.targets.get().pk,
        "public_id": draw.public_id,
        "conflict": ConflictOfInterest.objects.create(
            inspector=team.inspector2, enterprise=enterprise, reason="亲属"
        ).pk,
        "enterprise": enterprise.pk,
        "enterprise_import": enterprise_import_preview(
            by=team.inspector, data=xlsx([good_row(1)]), file_name="a.xlsx"
        ).pk,
        "notice": Notice.objects.filter(hazard=late).first().pk,
        "notification": Notification.objects.create(user=team.inspector, title="通知").pk,
        "report": county_report.pk,
        "report_version": file(county_report, team.reviewer).versions.get().number,
        "managed_user": team.inspector.pk,
        "ledger_import": LedgerImport.objects.create(
            file_name="t.xlsx", uploaded_by=team.inspector, region_id="150623"
        ).pk,
        "job": job.pk,
        "account_request": request_submit(
            credit_code=enterprise.credit_code,
            contact_name="刘安全",
            phone="13900000002",
            username="shangmiao",
            password="Anquan-Qingling-77",
        ).pk,
    }
    people = {
        "inspector": team.inspector,
        "reviewer": team.reviewer,
        "leader": team.leader,
        "admin": team.admin,
        "inspector_b": team.inspector_b,
        "housing": team.housing,
        "enterprise_account": UserFactory(username="qiye", role=Role.ENTERPRISE, department=None),
        "enterprise_a": enterprise_user("enterprise_a", enterprise),
        "enterprise_b": enterprise_user("enterprise_b", EnterpriseFactory()),
        "nobody": UserFactory(username="nobody", role=Role.LEADER, region=None, department=None),
    }
    markers = [hazard.number, enterprise.name, document.number, tipoff.where]
    return objects, people, markers


def test_every_url_pattern_is_mapped_to_objects():
    unknown = []
    for route, _ in url_patterns():
        try:
            kwarg_kinds(route)
        except KeyError as exc:
            unknown.append(str(exc))
    assert not unknown, unknown


def enterprise_user(username, held):
    user = UserFactory(username=username, role=Role.ENTERPRISE, department=None)
    user.enterprises.set([held])
    return user


def _visible_to(kind: str, persona: str, name: str = "") -> bool:
    if persona in ENTERPRISE_PERSONAS:
        if name not in ENTERPRISE_VIEW_NAMES:
            return False
        return kind == "action" or (persona == "enterprise_a" and kind in ENTERPRISE_KINDS)
    if name.startswith("portal:"):  # the enterprise side is the enterprise accounts' alone
        return False
    if kind == "account_request":  # decided by the county's administrators
        return persona == "admin"
    if kind in GLOBAL_KINDS:
        return True
    if kind == "region":  # territory only: a sector department sees its own county
        return persona in (*INSIDE, "housing")
    if kind == "city":
        return persona in ("leader", "admin")
    if kind == "managed_user":  # 用户管理 is the administrators' alone
        return persona == "admin"
    if kind in OWNER_KINDS:
        return persona == "inspector"
    return persona in INSIDE


def test_every_url_with_every_persona_in_and_out_of_scope(world, client):
    objects, people, markers = world
    counts = {"patterns": 0, "requests": 0, "hidden": 0, "shown": 0, "lists": 0}
    problems = []
    for route, name in url_patterns():
        kinds = kwarg_kinds(route)
        url = fill(route, {kwarg: objects[kind] for kwarg, kind in kinds})
        counts["patterns"] += 1
        client.logout()
        anonymous = client.get(url)
        counts["requests"] += 1
        if (
            anonymous.status_code == 200
            and "public_id" not in route
            and name not in ("core:favicon", "healthz", "accounts:login", "api:auth_token")
            and name not in PUBLIC_NAMES
        ):
            problems.append(f"anonymous 200 {url}")
        for persona, user in people.items():
            client.force_login(user)
            response = client.get(url)
            method = "GET"
            visible = all(_visible_to(kind, persona, name) for _, kind in kinds)
            if response.status_code == 405 and not visible:
                response, method = client.post(url, {}), "POST"
            counts["requests"] += 1
            status = response.status_code
            if status >= 500:
                problems.append(f"{persona} {method} {url} → {status}")
                continue
            if not kinds:
                if (
                    persona in OUTSIDE
                    and status == 200
                    and response.get("Content-Type", "").startswith(
                        ("text/html", "application/json")
                    )
                ):
                    body = response.content.decode(errors="replace")
                    leaked = [m for m in markers if m in body]
                    if leaked:
                        problems.append(f"{persona} sees {leaked} in {url}")
                    counts["lists"] += 1
                continue
            if visible and method == "GET" and status == 404:
                problems.append(f"{persona} GET {url} → 404 but may see it")
            elif visible:
                counts["shown"] += 1
            elif status not in (403, 404) and not (status == 405 and method == "POST"):
                problems.append(f"{persona} {method} {url} → {status} out of scope")
            else:
                counts["hidden"] += 1
    print("\nURL scope walk:", counts)
    assert counts["patterns"] > 90
    assert not problems, "\n".join(problems)

"""Fixtures of the API contract tests: a county with something of every kind the API serves
(hazards in each state with photos, a visit with documents, a ledger import, a finished job,
a notice, a monthly report, a plan and a draw) and tokens for its inspector and reviewer."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from freezegun import freeze_time

from accounts.tokens import token_issue
from hazards.choices import HazardLevel, HazardState
from hazards.services import hazard_add_photo
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, jpeg_bytes, register
from tests.inspections.conftest import checked_visit, team  # noqa: F401  (fixture)


@pytest.fixture
def keep_connection():
    """Like Django's test client: the real WSGI handler must not close the test's connection
    (and its transaction) when a request ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _ledger_file() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["单位名称", "统一社会信用代码", "隐患内容", "隐患级别", "发现日期", "整改时限"])
    sheet.append(["台账导入测试公司", "", "配电箱未接地", "一般", "2026-03-01", "2026-03-20"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _documents(people, enterprise):
    from inspections import services
    from inspections.choices import DocumentType

    inspection, _, _ = checked_visit(people, enterprise)
    record = services.document_issue(
        by=people.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    return inspection, [record]


def _report(people):
    from reports.monthly import services

    with freeze_time(date(2026, 5, 20)):
        services.monthly_reports_build(on=date(2026, 5, 20), force=True)
    from reports.models import MonthlyReport

    return list(MonthlyReport.objects.for_user(people.reviewer).values_list("pk", flat=True)[:3])


def _notice(people):
    from reports.notices import services

    enterprise = EnterpriseFactory()
    found = timezone.localdate() - timedelta(days=40)
    with freeze_time(found):
        register(people.inspector, enterprise=enterprise, level=HazardLevel.GENERAL, days=10)
    services.notices_run(on=timezone.localdate())
    from reports.models import Notice

    return list(Notice.objects.for_user(people.inspector).values_list("pk", flat=True)[:3])


def _job(people):
    from core.models import Job, JobState

    job = Job.objects.create(
        kind="ledger_export",
        title="导出隐患台账（1 条）",
        created_by=people.inspector,
        state=JobState.DONE,
        progress=100,
        result_name="台账.xlsx",
        finished_at=timezone.now(),
    )
    job.result.save("ledger.xlsx", ContentFile(_ledger_file()))
    return job


@pytest.fixture
def world(keep_connection, team, settings, tmp_path):  # noqa: F811
    """Something of every kind in the county of `team` (鄂托克前旗), and the ids the fuzzer aims
    at: half of the generated cases name an object that exists, or nearly all would be 404."""
    from hazards.models import Clause, JudgmentStandard
    from inspections import services as inspections
    from reports.ledger.preview import ledger_import_preview
    from tipoffs.services import tipoff_submit

    settings.MEDIA_ROOT = tmp_path
    inspector, reviewer = team.inspector, team.reviewer
    enterprises = [EnterpriseFactory() for _ in range(3)]
    hazards = [
        register(inspector, enterprise=enterprises[0]),
        register(inspector, enterprise=enterprises[1], level=HazardLevel.GENERAL),
        register(inspector, enterprise=enterprises[2]),
        register(inspector, enterprise=enterprises[0], level=HazardLevel.GENERAL),
        register(inspector, enterprise=enterprises[1]),
    ]
    advance(hazards[2], HazardState.RECTIFYING, inspector=inspector, reviewer=reviewer)
    advance(hazards[3], HazardState.AWAITING_RECHECK, inspector=inspector, reviewer=reviewer)
    advance(hazards[4], HazardState.RECHECKED, inspector=inspector, reviewer=reviewer)
    photo = hazard_add_photo(
        hazard=hazards[0], by=inspector, kind="before", data=jpeg_bytes(), name="before.jpg"
    )
    visit_enterprise = EnterpriseFactory(address="鄂托克前旗上海庙经济开发区")
    inspection, documents = _documents(team, visit_enterprise)
    plan = inspections.plan_create(
        by=reviewer,
        name="2026年度执法检查计划",
        year=timezone.localdate().year,
        enterprises=enterprises[:2],
    )
    draw = inspections.draw_run(by=reviewer, plan=plan, count=2, seed=7)
    batch = ledger_import_preview(by=inspector, data=_ledger_file(), file_name="台账.xlsx")
    job = _job(team)
    tipoffs = [
        tipoff_submit(region="150623101", what="举报内容", where="某企业", phone=phone)
        for phone in ("", "13900000000", "")
    ]
    tokens = {
        "inspector": token_issue(user=inspector)[1],
        "reviewer": token_issue(user=reviewer)[1],
    }
    return {
        "tokens": tokens,
        "ids": {
            "hazards": [h.pk for h in hazards],
            "enterprises": [e.pk for e in enterprises],
            "sectors": [enterprises[0].sector_id],
            "departments": [inspector.department_id],
            "regions": ["150623", "150623101"],
            "standards": list(JudgmentStandard.objects.values_list("pk", flat=True)[:3]),
            "clauses": list(Clause.objects.values_list("pk", flat=True)[:3]),
            "inspections": [inspection.pk],
            "plans": [plan.pk],
            "draws": [draw.pk],
            "ledger-imports": [batch.pk],
            "jobs": [job.pk],
            "notices": _notice(team),
            "reports": _report(team),
            "tipoffs": [t.pk for t in tipoffs],
        },
        # Second path parameters, paired with the first.
        "pairs": {
            "photo_id": [(hazards[0].pk, photo.pk)],
            "document_id": [(inspection.pk, d.pk) for d in documents],
        },
    }

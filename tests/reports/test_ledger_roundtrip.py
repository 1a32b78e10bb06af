"""The exported ledger is a file the import accepts: into an empty database it brings back the
hazards, their states, deadlines, approved extensions and listings; into the same database every
row is recognised as existing and nothing changes. Steps already taken in the old ledger
(销号, 挂牌督办, 延期) need the authority the workflow gives them."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from freezegun import freeze_time

from hazards import workflow
from hazards.choices import Action, ExtensionStatus, HazardLevel, HazardState
from hazards.models import ExtensionRequest, Hazard, HazardEvent, Supervision
from tests.hazard_helpers import advance, register

pytestmark = pytest.mark.django_db
EXPORT_URL = "/api/v1/hazards/ledger.xlsx"
IMPORT_URL = "/api/v1/ledger-imports/"
FOUND = date(2026, 6, 1)
NOW = "2026-06-20"
S = HazardState
COMPARED = (
    "enterprise_id",
    "sector_id",
    "region_id",
    "level",
    "clause_id",
    "source",
    "place",
    "description",
    "found_date",
    "deadline",
    "state",
    "measures",
    "responsible_person",
    "funds",
    "completed_date",
    "recheck_unit",
    "rechecked_by_id",
    "recheck_date",
    "recheck_opinion",
    "closed_date",
    "closed_by_id",
    "supervisor_unit",
    "supervisor_person",
    "remarks",
    "supervision_level",
)


def _records(content: bytes) -> list[dict]:
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _upload(client, content: bytes):
    stream = io.BytesIO(content)
    stream.name = "导出的台账.xlsx"
    return client.post(IMPORT_URL, {"file": stream})


def _ledger(personas) -> dict[str, Hazard]:
    """Hazards in every state, one with an approved extension, one whose re-check failed with
    a deadline earlier than its first, one listed by the county, as of 2026-06-20."""
    p = personas
    with freeze_time(FOUND):
        general = register(
            p.inspector,
            level=HazardLevel.GENERAL,
            found=FOUND,
            days=10,
            description="消防通道堵塞",
            supervisor_unit="鄂托克前旗应急管理局",
        )
        extended = register(p.inspector, found=FOUND, days=10, description="液氨管道腐蚀")
        advance(extended, S.RECTIFYING, inspector=p.inspector, reviewer=p.reviewer)
        workflow.apply(
            hazard=extended,
            action=Action.REQUEST_EXTENSION,
            by=p.inspector,
            requested_deadline="2026-07-15",
            reason="设备到货延迟",
            interim_measures="停用管道并专人值守",
        )
        workflow.apply(hazard=extended, action=Action.APPROVE_EXTENSION, by=p.reviewer)
        failed = register(p.inspector, found=FOUND, days=40, description="储罐区无防火堤")
        advance(failed, S.AWAITING_RECHECK, inspector=p.inspector, reviewer=p.reviewer)
    with freeze_time("2026-06-05"):
        workflow.apply(
            hazard=failed,
            action=Action.RECHECK_FAIL,
            by=p.inspector,
            recheck_opinion="防火堤高度不足",
            new_deadline="2026-06-25",  # earlier than its first deadline, 2026-07-11
        )
    with freeze_time(NOW):
        listed = register(p.inspector, found=FOUND, days=60, description="有限空间未设警示")
        advance(listed, S.RECTIFYING, inspector=p.inspector, reviewer=p.reviewer)
        workflow.apply(
            hazard=listed,
            action=Action.LIST_SUPERVISION,
            by=p.reviewer,
            level="county",
            doc_no="鄂前安办督〔2026〕3号",
            issuing_unit="鄂托克前旗应急管理局",
            deadline="2026-07-31",
        )
        closed = register(p.inspector, found=FOUND, days=20, description="配电室无挡鼠板")
        advance(closed, S.CLOSED, inspector=p.inspector, reviewer=p.reviewer)
    return {
        "general": general,
        "extended": extended,
        "failed": failed,
        "listed": listed,
        "closed": closed,
    }


def _snapshot() -> dict:
    result = {}
    for h in Hazard.objects.all():
        values = {name: getattr(h, name) for name in COMPARED}
        values["extensions"] = sorted(
            (e.old_deadline, e.approved_deadline)
            for e in h.extensions.filter(status=ExtensionStatus.APPROVED)
        )
        values["listings"] = sorted((s.level, s.doc_no) for s in h.supervisions.all())
        result[h.description] = values
    return result


def _counts() -> tuple:
    return (
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        ExtensionRequest.objects.count(),
        Supervision.objects.count(),
        Hazard.history.count(),
    )


@freeze_time(NOW)
def test_export_shows_only_approved_extensions_as_extended(client, personas):
    hazards = _ledger(personas)
    client.force_login(personas.reviewer)
    rows = {r["隐患描述"]: r for r in _records(client.get(EXPORT_URL).content)}
    assert rows["液氨管道腐蚀"]["延期至"].date() == date(2026, 7, 15)
    # The failed re-check moved the deadline to 2026-06-25, earlier than the first: no extension.
    hazards["failed"].refresh_from_db()
    assert hazards["failed"].current_deadline == date(2026, 6, 25)
    assert rows["储罐区无防火堤"]["延期至"] is None
    assert rows["储罐区无防火堤"]["整改期限"].date() == date(2026, 7, 11)


@freeze_time(NOW)
def test_export_then_import_into_an_empty_database_reproduces_the_ledger(client, personas):
    _ledger(personas)
    before = _snapshot()
    client.force_login(personas.reviewer)
    content = client.get(EXPORT_URL).content
    Hazard.objects.all().delete()

    body = _upload(client, content).json()
    assert body["errors"] == [] and body["row_count"] == 5 and body["status"] == "preview"
    committed = client.post(f"{IMPORT_URL}{body['id']}/commit/")
    assert committed.status_code == 200 and committed.json()["created"] == 5

    after = _snapshot()
    assert after == before
    closed = Hazard.objects.get(description="配电室无挡鼠板")
    sign_off = closed.events.get(action=Action.SIGN_OFF)
    assert sign_off.actor == personas.reviewer and sign_off.data["ledger_import"] is True
    assert "历史台账导入" in sign_off.comment
    extended = Hazard.objects.get(description="液氨管道腐蚀")
    assert extended.current_deadline == date(2026, 7, 15)
    assert extended.events.filter(action=Action.APPROVE_EXTENSION, data__ledger_import=True)


@freeze_time(NOW)
def test_export_then_import_into_the_same_database_changes_nothing(client, personas):
    _ledger(personas)
    before, counts = _snapshot(), _counts()
    client.force_login(personas.reviewer)
    content = client.get(EXPORT_URL).content

    body = _upload(client, content).json()
    assert body["errors"] == [] and body["status"] == "preview"
    assert body["row_count"] == 5 and body["existing_count"] == 5
    numbers = set(Hazard.objects.values_list("number", flat=True))
    assert {r["existing"] for r in body["rows"]} == numbers
    committed = client.post(f"{IMPORT_URL}{body['id']}/commit/")
    assert committed.status_code == 200 and committed.json()["created"] == 0
    assert _snapshot() == before and _counts() == counts


@freeze_time(NOW)
def test_an_inspector_may_not_bring_in_signed_off_listed_or_extended_hazards(client, personas):
    _ledger(personas)
    client.force_login(personas.reviewer)
    content = client.get(EXPORT_URL).content
    Hazard.objects.all().delete()

    client.force_login(personas.inspector)
    body = _upload(client, content).json()
    errors = {e["description"]: "；".join(e["messages"]) for e in body["errors"]}
    assert set(errors) == {"配电室无挡鼠板", "有限空间未设警示", "液氨管道腐蚀"}
    assert "销号须由审核人员办理" in errors["配电室无挡鼠板"]
    assert "挂牌督办须由审核人员或领导办理" in errors["有限空间未设警示"]
    assert "批准延期须由审核人员办理" in errors["液氨管道腐蚀"]
    assert client.post(f"{IMPORT_URL}{body['id']}/commit/").status_code == 409
    assert not Hazard.objects.exists()


@freeze_time(NOW)
def test_a_listing_above_the_importers_level_is_refused(client, personas):
    from tests.factories import EnterpriseFactory
    from tests.hazard_helpers import a_clause

    enterprise = EnterpriseFactory()
    clause = a_clause(enterprise, FOUND)
    header = ["企业名称", "隐患描述", "隐患级别", "判定依据", "发现日期", "整改期限", "整改状态"]
    header += ["是否挂牌", "挂牌级别", "挂牌文号"]
    citation = f"《{clause.standard.name}》{clause.ref}"
    common = [enterprise.name, "重大有依据", "重大事故隐患", citation, FOUND, date(2026, 8, 1)]
    wb = openpyxl.Workbook()
    wb.active.append(header)
    wb.active.append([*common, "整改中", "是", "市级挂牌", "鄂市安办督〔2026〕1号"])
    wb.active.append(
        [*common[:1], "县级挂牌的隐患", *common[2:], "整改中", "是", "县级", "鄂前督〔2026〕2号"]
    )
    out = io.BytesIO()
    wb.save(out)
    client.force_login(personas.reviewer)
    body = _upload(client, out.getvalue()).json()
    errors = {e["row"]: "；".join(e["messages"]) for e in body["errors"]}
    assert set(errors) == {2}
    assert "高于您所在的层级" in errors[2]

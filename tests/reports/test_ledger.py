"""Ledger export and import: round trip, formula injection, filters and scope, bad files."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse

from core.models import Job, JobState
from core.spreadsheets import SpreadsheetError
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, HazardState
from hazards.models import Hazard
from reports.ledger.preview import ledger_import_preview
from reports.ledger.workbook import HEADERS, SHEET_NAME, write_ledger
from reports.models import LedgerImport
from tests.core import hostile_files
from tests.factories import EnterpriseFactory, make_credit_code
from tests.hazard_helpers import a_clause, advance, register, today

pytestmark = pytest.mark.django_db
EXPORT_URL = "/api/v1/hazards/ledger.xlsx"
IMPORT_URL = "/api/v1/ledger-imports/"
INJECTIONS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A2)"]
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
    "current_deadline",
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
    "supervisor_unit",
    "supervisor_person",
    "remarks",
    "supervision_level",
)


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def _records(content: bytes) -> list[dict]:
    rows = list(_sheet(content).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _xlsx(rows: list[list], header: list[str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        header or ["单位名称", "统一社会信用代码", "隐患内容", "隐患级别", "发现日期", "整改时限"]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _file(content: bytes, name: str = "台账.xlsx") -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def _upload(client, content: bytes, name: str = "台账.xlsx"):
    return client.post(IMPORT_URL, {"file": _file(content, name)})


# ---------------------------------------------------------------- the builder


def test_builder_keeps_formulas_as_text_and_writes_real_dates():
    rows = [
        {
            "number": "150623-2026-00001",
            "enterprise": value,
            "description": value,
            "place": value,
            "remarks": value,
            "found_date": today(),
            "funds": 3.5,
        }
        for value in INJECTIONS
    ]
    out = io.BytesIO()
    write_ledger(rows, out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    ws = wb.active
    assert ws.title == SHEET_NAME and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert ws.column_dimensions["I"].width > 30  # 隐患描述 is wide
    for index, value in enumerate(INJECTIONS, start=2):
        for column in (6, 8, 9, len(HEADERS)):
            cell = ws.cell(index, column)
            assert cell.data_type == "s" and cell.value == value
        found = ws.cell(index, HEADERS.index("发现日期") + 1)
        assert found.is_date and found.value.date() == today()
        assert found.number_format == "yyyy-mm-dd"
    xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml  # no formula cell anywhere


def test_builder_writes_a_header_for_an_empty_ledger():
    out = io.BytesIO()
    write_ledger([], out)
    assert [c.value for c in _sheet(out.getvalue())[1]] == list(HEADERS)


# ---------------------------------------------------------------- export


def test_export_honours_filters_and_scope(client, personas):
    major = register(personas.inspector, description="液氨储罐泄漏报警失效")
    register(personas.inspector, level=HazardLevel.GENERAL, description="灭火器过期")
    other = EnterpriseFactory(region_id="150624", credit_code=make_credit_code("150624"))
    register(
        personas.inspector_b, enterprise=other, level=HazardLevel.GENERAL, description="乙县隐患"
    )

    client.force_login(personas.inspector)
    response = client.get(EXPORT_URL, {"level": "major"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    records = _records(response.content)
    assert [r["隐患编号"] for r in records] == [major.number]
    assert records[0]["判定依据"].startswith(f"《{major.clause.standard.name}》{major.clause.ref}")
    assert records[0]["所属乡镇（街道）"] and records[0]["序号"] == 1

    everything = _records(client.get(EXPORT_URL).content)
    assert {r["隐患描述"] for r in everything} == {"液氨储罐泄漏报警失效", "灭火器过期"}

    client.force_login(personas.inspector_b)
    records = _records(client.get(EXPORT_URL).content)
    assert [r["隐患描述"] for r in records] == ["乙县隐患"]
    assert all("鄂托克前旗" not in str(v) for r in records for v in r.values())


def test_export_rejects_bad_filters_in_chinese(client, personas):
    client.force_login(personas.inspector)
    response = client.get(EXPORT_URL, {"level": "nonsense"})
    assert response.status_code == 400 and "level" in response.json()["fields"]


def test_web_export_uses_the_list_filters(client, personas, caplog):
    register(personas.inspector, description="液氨储罐泄漏报警失效")
    register(personas.inspector, level=HazardLevel.GENERAL, description="灭火器过期")
    client.force_login(personas.inspector)
    with caplog.at_level("INFO", logger="reports.ledger.export"):
        response = client.get(reverse("ledger:export"), {"q": "灭火器"})
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "reports.ledger.export"]
    assert len(lines) == 1 and lines[0].startswith("ledger export user=inspector rows=1 done in")
    assert [r["隐患描述"] for r in _records(response.content)] == ["灭火器过期"]
    page = client.get(reverse("hazards:hazard_list"), {"level": "general"}).content.decode()
    assert f"{reverse('ledger:export')}?level=general" in page
    assert reverse("ledger:import_upload") in page


def test_large_export_runs_as_a_job(client, personas, settings, django_capture_on_commit_callbacks):
    settings.LEDGER_SYNC_MAX_ROWS = 1
    register(personas.inspector, description="第一条")
    register(personas.inspector, level=HazardLevel.GENERAL, description="第二条")
    client.force_login(personas.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT_URL)
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.state == JobState.DONE and job.progress == 100
    status = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert status["state"] == "done" and status["progress"] == 100 and status["result"]
    download = client.get(status["result"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert {r["隐患描述"] for r in _records(content)} == {"第一条", "第二条"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("ledger:export"))
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "下载" in page and "progress" in page

    client.force_login(personas.reviewer)
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client.get(reverse("core:job_result", args=[job.pk])).status_code == 404


# ---------------------------------------------------------------- import rules


def test_header_variants_new_enterprise_and_one_bad_row(client, personas):
    existing = EnterpriseFactory()
    new_code = make_credit_code("150623")
    found = today() - timedelta(days=3)
    deadline = found + timedelta(days=30)
    rows = [
        [existing.name, "", "配电室无挡鼠板", "一般", found, deadline, "上海庙镇", "危险化学品"],
        [
            "新开化工有限公司",
            new_code,
            "储罐区无防火堤",
            "一般隐患",
            found,
            deadline,
            "上海庙镇",
            "危险化学品",
        ],
        ["无代码企业", "", "厂房私拉电线", "一般", found, deadline, "", ""],
        [existing.name, "", "仓库通道堵塞", "一般", "2024-13-45", deadline, "", ""],
    ]
    header = [
        "单位名称",
        "统一社会信用代码",
        "隐患内容",
        "隐患等级",
        "发现时间",
        "整改时限",
        "所属乡镇",
        "行业",
    ]
    client.force_login(personas.inspector)
    body = _upload(client, _xlsx(rows, header)).json()
    assert body["status"] == "failed" and body["row_count"] == 4
    errors = {e["row"]: "；".join(e["messages"]) for e in body["errors"]}
    assert set(errors) == {4, 5}
    assert "未在企业名录中登记" in errors[4] and "不是有效日期" in errors[5]
    assert [e["credit_code"] for e in body["new_enterprises"]] == [new_code]

    response = client.post(f"{IMPORT_URL}{body['id']}/commit/")
    assert response.status_code == 409 and "错误" in response.json()["detail"]
    assert (
        not Hazard.objects.exists() and not Enterprise.objects.filter(credit_code=new_code).exists()
    )

    body = _upload(client, _xlsx(rows[:2], header)).json()
    assert body["error_count"] == 0
    assert client.post(f"{IMPORT_URL}{body['id']}/commit/").json()["created"] == 2
    created = Enterprise.objects.get(credit_code=new_code)
    assert created.region_id == "150623101" and created.sector.name == "危险化学品"
    assert Hazard.objects.filter(enterprise=created, state=HazardState.REGISTERED).count() == 1
    numbers = sorted(Hazard.objects.values_list("number", flat=True))
    assert numbers[0].startswith(f"150623-{found.year}-")


def test_major_needs_a_clause_and_duplicates_are_refused(client, personas):
    enterprise = EnterpriseFactory()
    clause = a_clause(enterprise)
    found = today() - timedelta(days=3)
    deadline = found + timedelta(days=30)
    citation = f"{clause.standard.doc_no} {clause.ref}"
    existing = register(
        personas.inspector, enterprise=enterprise, found=found, description="已登记的隐患"
    )
    header = ["企业名称", "隐患描述", "隐患级别", "判定依据", "发现日期", "整改期限", "整改状态"]
    rows = [
        [enterprise.name, "重大无依据", "重大", "", found, deadline, ""],
        [enterprise.name, "重大有依据", "重大事故隐患", citation, found, deadline, "整改中"],
        [enterprise.name, "重大有依据", "重大事故隐患", citation, found, deadline, ""],
        [enterprise.name, "已登记的隐患", "一般", "", found, deadline, ""],
        [enterprise.name, "已销号无日期", "一般", "", found, deadline, "已销号"],
    ]
    client.force_login(personas.inspector)
    body = _upload(client, _xlsx(rows, header)).json()
    errors = {e["row"]: "；".join(e["messages"]) for e in body["errors"]}
    assert set(errors) == {2, 4, 6}
    assert "判定依据" in errors[2]
    assert "与第 3 行重复" in errors[4]
    assert "销号日期" in errors[6]
    good = next(r for r in body["rows"] if r["row"] == 3)
    assert good["clause_id"] == clause.pk and good["state"] == HazardState.RECTIFYING
    # The hazard already in the system is recognised, not refused: it changes nothing.
    known = next(r for r in body["rows"] if r["row"] == 5)
    assert known["existing"] == existing.number and body["existing_count"] == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "空"),
        (b"hello, this is not a spreadsheet", "不是 Excel"),
        (hostile_files.encrypted(), "设置了打开密码"),
        (_xlsx([["甲", "乙"]], header=["甲", "乙", "丙"]), "表头缺少"),
        (_xlsx([], header=None), "只有表头"),
    ],
    ids=["empty", "not-xlsx", "password", "wrong-headers", "header-only"],
)
def test_bad_files_get_a_chinese_message_and_import_nothing(client, personas, content, words):
    client.force_login(personas.inspector)
    response = _upload(client, content)
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert not LedgerImport.objects.exists() and not Hazard.objects.exists()
    page = client.post(reverse("ledger:import_upload"), {"file": _file(content, "a.xlsx")})
    assert page.status_code == 200 and words in page.content.decode()


def _million_row_xlsx() -> bytes:
    """A real sheet of a million rows with no <dimension>, written in well under a second."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
            'formats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
            'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            f'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="S" '
            f'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            f'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        block = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 10_000
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet {ns}><sheetData>'.encode())
            for _ in range(100):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_million_row_sheet_is_refused_without_eating_memory(personas):
    data = _million_row_xlsx()
    tracemalloc.start()
    try:
        # 300 KB inflating to 40 MB: refused by its compression ratio, before any row is read.
        with pytest.raises(SpreadsheetError, match="压缩比异常"):
            ledger_import_preview(by=personas.inspector, data=data, file_name="big.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024
    assert not LedgerImport.objects.exists()


def test_only_the_uploader_sees_and_commits_an_import(client, personas):
    enterprise = EnterpriseFactory()
    found = today() - timedelta(days=1)
    client.force_login(personas.inspector)
    body = _upload(
        client,
        _xlsx([[enterprise.name, "", "配电箱无门", "一般", found, found + timedelta(days=5)]]),
    ).json()
    page = client.get(reverse("ledger:import_detail", args=[body["id"]])).content.decode()
    assert "确认导入 1 条隐患" in page and "导入规则" in page
    client.force_login(personas.inspector_b)
    assert client.get(f"{IMPORT_URL}{body['id']}/").status_code == 404
    assert client.post(f"{IMPORT_URL}{body['id']}/commit/").status_code == 404
    client.force_login(personas.leader)
    assert _upload(client, b"x").status_code == 403
    client.force_login(personas.inspector)
    response = client.post(reverse("ledger:import_commit", args=[body["id"]]))
    assert response.status_code == 302 and Hazard.objects.count() == 1


def test_ledger_rows_carry_the_latest_supervision_doc_no(personas):
    from hazards import workflow
    from hazards.choices import Action, HazardState
    from hazards.models import Hazard
    from reports.ledger.export import ledger_rows
    from tests.hazard_helpers import register

    listed = register(personas.inspector)
    plain = register(personas.inspector)
    advance(
        listed, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=personas.reviewer
    )
    workflow.apply(
        hazard=listed,
        action=Action.LIST_SUPERVISION,
        by=personas.reviewer,
        level="county",
        doc_no="鄂前安办督〔2026〕9号",
        issuing_unit="鄂托克前旗安委办",
        deadline=listed.current_deadline.isoformat(),
    )
    rows = {row[0]: row for row in ledger_rows(Hazard.objects.order_by("number"))}
    assert "鄂前安办督〔2026〕9号" in rows[listed.number]
    assert "鄂前安办督〔2026〕9号" not in rows[plain.number]
    sliced = list(ledger_rows(Hazard.objects.order_by("number")[:1]))
    assert len(sliced) == 1

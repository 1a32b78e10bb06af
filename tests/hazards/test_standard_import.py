"""Admins load a standard from a file (JSON in the shared schema, or an Excel sheet of clauses)
with a preview first; loading again updates and never duplicates; cited clauses are retired."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.models import Sector
from hazards.models import Clause, JudgmentStandard
from hazards.services import basis_gap, clause_offer
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import register

pytestmark = pytest.mark.django_db
URL = "/hazards/standards/import/"

GB45067 = {
    "code": "tezhong-gb45067-2024",
    "name": "特种设备重大事故隐患判定准则",
    "doc_no": "GB 45067—2024",
    "sector": "特种设备",
    "effective": "2025-04-01",
    "complete": True,
    "clauses": [
        {"ref": "第4.1条", "text": "使用未取得许可生产的特种设备的"},
        {"ref": "第4.2条", "text": "使用达到报废条件的特种设备的"},
    ],
}


def json_file(data, name="standard.json"):
    return SimpleUploadedFile(name, json.dumps(data, ensure_ascii=False).encode())


def xlsx_file(rows, name="clauses.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def preview(client, upload, **particulars):
    response = client.post(URL, {"file": upload, **particulars})
    assert response.status_code == 200
    return response


def confirm(client, response):
    return client.post(URL, {"token": response.context["token"]})


def test_only_admins_load_standards(client, personas):
    client.force_login(personas.reviewer)
    assert client.get(URL).status_code == 403


def test_a_json_standard_is_previewed_then_loaded(client, personas):
    client.force_login(personas.admin)
    response = preview(client, json_file(GB45067))
    plan = response.context["plans"][0]
    assert not plan.exists and plan.added == ["第4.1条", "第4.2条"]
    assert "预览：将导入 1 个标准" in response.content.decode()
    assert not JudgmentStandard.objects.filter(code="tezhong-gb45067-2024").exists()
    assert confirm(client, response).status_code == 302
    standard = JudgmentStandard.objects.get(code="tezhong-gb45067-2024")
    assert list(standard.sectors.values_list("code", flat=True)) == ["special_equipment"]
    assert standard.clauses.count() == 2
    # The 特种设备 gap is closed: its hazards now cite the clauses.
    assert basis_gap(Sector.objects.get(code="special_equipment")) == ""
    # The same token does not load twice.
    again = client.post(URL, {"token": response.context["token"]}, follow=True)
    assert "预览已过期或已导入" in again.content.decode()


def test_loading_again_updates_and_never_duplicates(client, personas):
    client.force_login(personas.admin)
    confirm(client, preview(client, json_file(GB45067)))
    changed = json.loads(json.dumps(GB45067))
    changed["clauses"][1]["text"] = "使用达到报废条件或者超过设计使用年限的特种设备的"
    response = preview(client, json_file(changed))
    plan = response.context["plans"][0]
    assert plan.exists and plan.changed == ["第4.2条"] and plan.unchanged == 1
    confirm(client, response)
    assert JudgmentStandard.objects.filter(code="tezhong-gb45067-2024").count() == 1
    assert Clause.objects.filter(standard__code="tezhong-gb45067-2024").count() == 2


def test_clauses_cited_by_hazards_are_retired_on_reload(client, personas):
    client.force_login(personas.admin)
    confirm(client, preview(client, json_file(GB45067)))
    boiler_house = EnterpriseFactory(sector=Sector.objects.get(code="special_equipment"))
    cited = Clause.objects.get(standard__code="tezhong-gb45067-2024", ref="第4.1条")
    hazard = register(personas.inspector, enterprise=boiler_house, clause=cited)
    shorter = {**GB45067, "clauses": [{"ref": "第4.3条", "text": "超过规定参数使用的"}]}
    response = preview(client, json_file(shorter))
    page = response.content.decode()
    assert "停用 1（第4.1条，已被引用）" in page and "删除 1（第4.2条）" in page
    confirm(client, response)
    cited.refresh_from_db()
    hazard.refresh_from_db()
    assert cited.retired and hazard.clause == cited
    assert list(clause_offer(sectors=[boiler_house.sector]).values_list("ref", flat=True)) == [
        "第4.3条"
    ]


def test_an_excel_sheet_of_clauses_is_loaded_with_the_typed_particulars(client, personas):
    client.force_login(personas.admin)
    fire = Sector.objects.get(code="fire")
    sheet = xlsx_file(
        [
            ["ref", "text", "sub_sector"],
            ["第5.1条", "未按规定设置消防车通道或者消防车通道被堵塞、占用的", "建筑"],
            ["第5.2条", "建筑消防设施严重损坏、不再具备防火灭火功能的", "消防设施"],
        ]
    )
    particulars = {
        "code": "xiaofang-gb35181-2025",
        "name": "重大火灾隐患判定规则",
        "doc_no": "GB 35181—2025",
        "sectors": [fire.pk],
        "effective": "2025-11-01",
        "complete": "on",
    }
    response = preview(client, sheet, **particulars)
    assert response.context["plans"][0].added == ["第5.1条", "第5.2条"]
    confirm(client, response)
    standard = JudgmentStandard.objects.get(code="xiaofang-gb35181-2025")
    assert standard.doc_no == "GB 35181—2025" and standard.complete
    assert standard.clauses.get(ref="第5.2条").sub_sector == "消防设施"
    assert basis_gap(fire) == ""


def test_an_excel_sheet_without_particulars_or_columns_is_refused(client, personas):
    client.force_login(personas.admin)
    response = preview(client, xlsx_file([["ref", "text"], ["1", "甲"]]))
    assert "请填写标准的代码和名称" in response.content.decode()
    response = preview(
        client, xlsx_file([["编号", "说明"], ["1", "甲"]]), code="x-1", name="某标准"
    )
    assert "应有“ref”（条款）和“text”（内容）两列" in response.content.decode()


def test_a_successor_loaded_from_a_file_replaces_the_old_standard(client, personas):
    client.force_login(personas.admin)
    sheet = xlsx_file(
        [["条款", "内容"], ["第4.1条", "危险化学品生产装置未按规定设置安全仪表系统的"]]
    )
    particulars = {
        "code": "huagong-aq3067-2026",
        "name": "化工和危险化学品生产经营企业重大生产安全事故隐患判定准则",
        "doc_no": "AQ 3067—2026",
        "sectors": [Sector.objects.get(code="hazchem").pk],
        "effective": "2026-09-30",
        "supersedes": "安监总管三〔2017〕121号",
        "complete": "on",
    }
    confirm(client, preview(client, sheet, **particulars))
    old = JudgmentStandard.objects.get(code="huagong-2017")
    assert old.superseded_by.code == "huagong-aq3067-2026"
    page = client.get("/hazards/standards/").content.decode()
    assert "录入 AQ 3067—2026" not in page

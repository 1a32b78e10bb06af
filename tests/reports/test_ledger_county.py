"""Real county ledgers load as they are: the header found below title rows, the county's own
words, total and signature rows skipped and said so, formulas read as their stored results,
clauses written as text matched or the nearest offered, every problem of a row at once, and a
column mapping the user can change before committing."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse

from hazards.choices import HazardState
from hazards.models import Hazard
from reports.ledger.preview import ledger_import_preview
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import today
from tests.reports.county_ledger import DEADLINE_DAYS, county_ledger

pytestmark = pytest.mark.django_db
IMPORT_URL = "/api/v1/ledger-imports/"


def _upload(client, content: bytes):
    stream = io.BytesIO(content)
    stream.name = "鄂托克前旗隐患台账.xlsx"
    return client.post(IMPORT_URL, {"file": stream})


def _names() -> list[str]:
    return [EnterpriseFactory().name, EnterpriseFactory().name]


def test_a_county_ledger_is_read_below_its_title_rows_in_its_own_words(client, personas):
    found = today() - timedelta(days=20)
    client.force_login(personas.inspector)
    body = _upload(client, county_ledger(_names(), found)).json()

    columns = {c["header"]: c["key"] for c in body["columns"]}
    assert columns["隐患内容"] == "description" and columns["完成情况"] == "state"
    assert columns["排查日期"] == "found_date" and columns["整改时限"] == "deadline"
    assert columns["单位名称"] == "enterprise" and columns["序号"] == ""
    notes = "\n".join(body["notes"])
    assert "表头在第 3 行" in notes
    assert "第 10 行是合计行（“合计”）" in notes and "第 11 行是表尾（“填表人：王五”）" in notes
    assert body["row_count"] == 6

    rows = {r["row"]: r for r in body["rows"]}
    states = [rows[n]["state"] for n in range(4, 10)]
    assert states == [
        HazardState.AWAITING_RECHECK,  # 已整改
        HazardState.AWAITING_RECHECK,  # 已完成
        HazardState.RECTIFYING,  # 整改中
        HazardState.REGISTERED,  # 未整改
        HazardState.RECTIFYING,
        HazardState.REGISTERED,
    ]
    # The deadline is a formula (排查日期 + 30); its stored result is read.
    deadline = (found + timedelta(days=DEADLINE_DAYS)).isoformat()
    assert {rows[n]["deadline"] for n in range(4, 10)} == {deadline}
    # 121号第六项 and 安监总管三〔2017〕121号第十三项 name their clauses of the 化工 standard.
    assert rows[4]["clause_id"] and rows[6]["clause_id"]
    errors = {e["row"]: e["messages"] for e in body["errors"]}
    assert set(errors) == {9}
    assert "第九十九项" in errors[9][0] and "最接近的条款：《" in errors[9][0]


def test_formulas_without_a_stored_result_are_named_per_row(client, personas):
    client.force_login(personas.inspector)
    content = county_ledger(_names(), today() - timedelta(days=20), cached=False)
    body = _upload(client, content).json()
    errors = {e["row"]: "；".join(e["messages"]) for e in body["errors"]}
    assert set(errors) == {4, 5, 6, 7, 8, 9}
    assert "“整改期限”是公式，但文件中没有保存公式的计算结果" in errors[4]
    assert "用 Excel 或 WPS 打开文件、保存后再上传" in errors[4]
    assert "不能为空" not in errors[4]


def test_each_row_lists_all_its_problems_at_once(personas):
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称", "隐患内容", "隐患等级", "排查日期", "整改时限", "完成情况"])
    wb.active.append(["不存在的企业", "", "特大", "2024-13-45", "明年", "差不多了"])
    out = io.BytesIO()
    wb.save(out)
    batch = ledger_import_preview(by=personas.inspector, data=out.getvalue(), file_name="a.xlsx")
    (error,) = batch.errors
    text = "；".join(error["messages"])
    for words in ("未在企业名录中登记", "隐患描述不能为空", "隐患级别“特大”无法识别"):
        assert words in text
    for words in ("发现日期“2024-13-45”不是有效日期", "整改期限“明年”不是有效日期"):
        assert words in text
    assert "整改状态“差不多了”无法识别" in text


def test_the_user_changes_the_column_mapping_before_committing(client, personas):
    found = today() - timedelta(days=20)
    content = county_ledger(
        _names(), found, unknown_clause=False, description_header="检查发现问题"
    )
    client.force_login(personas.inspector)
    body = _upload(client, content).json()
    assert body["status"] == "failed"
    assert "没有找到必需的列：隐患描述" in body["errors"][0]["messages"][0]
    page = client.get(reverse("ledger:import_detail", args=[body["id"]])).content.decode()
    assert "检查发现问题" in page and "按此列对应重新校验" in page

    columns = [c["key"] for c in body["columns"]]
    columns[[c["header"] for c in body["columns"]].index("检查发现问题")] = "description"
    form = {f"column-{i}": key for i, key in enumerate(columns)}
    response = client.post(reverse("ledger:import_mapping", args=[body["id"]]), form)
    assert response.status_code == 302
    again = client.get(f"{IMPORT_URL}{body['id']}/").json()
    assert again["errors"] == [] and again["status"] == "preview"

    doubled = [*columns]
    doubled[doubled.index("place")] = "description"
    refused = client.post(
        f"{IMPORT_URL}{body['id']}/mapping/", {"columns": doubled}, content_type="application/json"
    )
    assert refused.status_code == 400 and "每项只能对应一列" in refused.json()["detail"]

    response = client.post(reverse("ledger:import_commit", args=[body["id"]]))
    assert response.status_code == 302
    assert Hazard.objects.count() == 6
    assert set(Hazard.objects.values_list("description", flat=True)) >= {"仓库通道堵塞"}

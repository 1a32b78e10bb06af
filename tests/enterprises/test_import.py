"""名录库 import: preview with row errors, all-or-nothing commit, clear messages for bad files."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from enterprises.choices import ImportStatus
from enterprises.models import Enterprise, EnterpriseImport
from enterprises.services import IMPORT_COLUMNS, enterprise_import_commit, enterprise_import_preview
from tests.core import hostile_files
from tests.factories import EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db
HEADER = [name for name, _, _ in IMPORT_COLUMNS]


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(n=0, region="150623101", sector="危险化学品"):
    return [
        make_credit_code("150623"),
        f"导入企业{n}",
        region,
        sector,
        "上海庙镇",
        "规上",
        "张三",
        13900000000 + n,
        "李四",
        "13900000001",
        "橙",
        "三级",
        "是",
    ]


def test_good_file_imports(personas):
    batch = enterprise_import_preview(
        by=personas.inspector, data=xlsx([good_row(1), good_row(2, "上海庙镇")]), file_name="a.xlsx"
    )
    assert batch.status == ImportStatus.PREVIEW and batch.errors == []
    assert enterprise_import_commit(batch=batch, by=personas.inspector) == 2
    e = Enterprise.objects.get(name="导入企业1")
    assert e.region_id == "150623101" and e.key_supervision and e.principal_phone == "13900000001"
    assert Enterprise.objects.get(name="导入企业2").region_id == "150623101"
    assert e.history.count() == 1


def test_one_bad_row_imports_nothing_and_reports_row_and_reason(personas):
    bad = good_row(3)
    bad[0] = bad[0][:17] + ("0" if bad[0][17] != "0" else "1")
    batch = enterprise_import_preview(
        by=personas.inspector, data=xlsx([good_row(1), bad, good_row(2)]), file_name="b.xlsx"
    )
    assert batch.status == ImportStatus.FAILED
    assert batch.errors == [
        {
            "row": 3,
            "credit_code": bad[0],
            "name": "导入企业3",
            "messages": ["统一社会信用代码校验位错误"],
        }
    ]
    from core.errors import ServiceError

    with pytest.raises(ServiceError):
        enterprise_import_commit(batch=batch, by=personas.inspector)
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


def test_row_errors_unknown_region_and_duplicates(personas):
    existing = EnterpriseFactory()
    dup = good_row(5)
    rows = [
        good_row(1, region="火星"),
        [existing.credit_code, *good_row(2)[1:]],
        dup,
        [dup[0], *good_row(6)[1:]],
        good_row(7, region="150624"),
        good_row(8, sector="不存在的行业"),
    ]
    batch = enterprise_import_preview(by=personas.inspector, data=xlsx(rows), file_name="c.xlsx")
    errors = {e["row"]: e["messages"] for e in batch.errors}
    assert errors[2] == ["所属地区“火星”不存在或不在您的管辖范围内"]
    assert errors[3] == ["该统一社会信用代码已在系统中登记"]
    assert 4 not in errors
    assert errors[5] == ["统一社会信用代码与第 4 行重复"]
    assert errors[6] == ["所属地区“150624”不存在或不在您的管辖范围内"]
    assert errors[7] == ["行业领域“不存在的行业”不存在或不属于您的监管范围"]


def test_code_registered_between_preview_and_commit_blocks_commit(personas):
    row = good_row(1)
    batch = enterprise_import_preview(
        by=personas.inspector, data=xlsx([row, good_row(2)]), file_name="d.xlsx"
    )
    EnterpriseFactory(credit_code=row[0])
    from core.errors import ServiceError

    with pytest.raises(ServiceError, match="预览后已被登记"):
        enterprise_import_commit(batch=batch, by=personas.inspector)
    assert not Enterprise.objects.filter(name="导入企业2").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.4 not a spreadsheet", "文件不是有效的 Excel（.xlsx）文件"),
        (hostile_files.legacy_xls(), "旧版 Excel 97-2003（.xls）格式"),
        (b"PK\x05\x06" + b"\0" * 18, "文件中没有工作表"),
    ],
)
def test_bad_files_get_clear_message(client, personas, data, message):
    client.force_login(personas.inspector)
    f = io.BytesIO(data)
    f.name = "list.xlsx"
    response = client.post(reverse("enterprises:import_upload"), {"file": f})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EnterpriseImport.objects.count() == 0


def test_empty_file_message(client, personas):
    client.force_login(personas.inspector)
    f = io.BytesIO(b"")
    f.name = "empty.xlsx"
    body = client.post(reverse("enterprises:import_upload"), {"file": f}).content.decode()
    assert (
        "文件是空的，请选择填写好的 .xlsx 文件。" in body or "请选择要上传的 .xlsx 文件。" in body
    )


def test_header_only_file_message(personas):
    from core.spreadsheets import SpreadsheetError

    with pytest.raises(SpreadsheetError, match="只有表头"):
        enterprise_import_preview(by=personas.inspector, data=xlsx([]), file_name="h.xlsx")


def test_not_xlsx_upload_message(client, personas):
    client.force_login(personas.inspector)
    f = io.BytesIO(b"%PDF-1.4 hello")
    f.name = "list.xlsx"
    body = client.post(reverse("enterprises:import_upload"), {"file": f}).content.decode()
    assert "文件不是有效的 Excel（.xlsx）文件" in body


def test_wrong_headers_message(client, personas):
    client.force_login(personas.inspector)
    f = io.BytesIO(xlsx([["a", "b"]], header=["名称", "地址"]))
    f.name = "list.xlsx"
    body = client.post(reverse("enterprises:import_upload"), {"file": f}).content.decode()
    assert "表头缺少必填列：统一社会信用代码、企业名称、所属地区、行业领域" in body


def test_header_variants_are_accepted(personas):
    header = ["信用代码", "单位名称", "行政区划", "所属行业"]
    batch = enterprise_import_preview(
        by=personas.inspector, data=xlsx([good_row(1)[:4]], header=header), file_name="v.xlsx"
    )
    assert batch.errors == []


def test_too_many_rows_refused(personas, monkeypatch):
    from core.spreadsheets import SpreadsheetError
    from enterprises.services import imports

    monkeypatch.setattr(imports, "IMPORT_MAX_ROWS", 3)
    with pytest.raises(SpreadsheetError, match="超过上限 3 行"):
        enterprise_import_preview(
            by=personas.inspector, data=xlsx([good_row(i) for i in range(5)]), file_name="big.xlsx"
        )


def test_reviewer_cannot_import(client, personas):
    client.force_login(personas.leader)
    assert client.get(reverse("enterprises:import_upload")).status_code == 403


def test_full_browserless_flow_through_views(client, personas):
    client.force_login(personas.inspector)
    f = io.BytesIO(xlsx([good_row(1), good_row(2)]))
    f.name = "ok.xlsx"
    response = client.post(reverse("enterprises:import_upload"), {"file": f})
    batch = EnterpriseImport.objects.get()
    assert response.url == batch.get_absolute_url()
    assert "全部校验通过" in client.get(response.url).content.decode()
    client.post(reverse("enterprises:import_commit", args=[batch.pk]))
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 2
    again = client.post(reverse("enterprises:import_commit", args=[batch.pk]), follow=True)
    assert "不能重复导入" in again.content.decode()
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 2


def test_the_templates_example_row_is_skipped_and_said_so(client, personas):
    """A user who fills in the template and forgets its example row imports only their rows."""
    from openpyxl import load_workbook

    from core.spreadsheets import SpreadsheetError

    client.force_login(personas.inspector)
    template = client.get(reverse("enterprises:import_template")).content
    with pytest.raises(SpreadsheetError, match="没有企业数据"):
        enterprise_import_preview(by=personas.inspector, data=template, file_name="template.xlsx")
    wb = load_workbook(io.BytesIO(template))
    wb["企业名录"].append(good_row(7))
    out = io.BytesIO()
    wb.save(out)
    batch = enterprise_import_preview(
        by=personas.inspector, data=out.getvalue(), file_name="filled.xlsx"
    )
    assert batch.row_count == 1 and batch.errors == []
    assert batch.skipped == [{"row": 2, "reason": "模板示例行，未导入"}]
    assert "第 2 行：模板示例行，未导入" in client.get(batch.get_absolute_url()).content.decode()
    enterprise_import_commit(batch=batch, by=personas.inspector)
    assert not Enterprise.objects.filter(name__startswith="示例").exists()
    assert Enterprise.objects.filter(name="导入企业7").exists()


def test_5000_rows_preview_and_commit(personas):
    rows = [good_row(i) for i in range(5000)]
    batch = enterprise_import_preview(by=personas.inspector, data=xlsx(rows), file_name="5000.xlsx")
    assert batch.row_count == 5000 and batch.errors == []
    assert enterprise_import_commit(batch=batch, by=personas.inspector) == 5000
    assert Enterprise.objects.filter(name__startswith="导入企业").count() == 5000

"""The hardened spreadsheet reader: every hostile file is refused with a Chinese message before
calamine sees it, within 2 s and 50 MB of extra memory; honest workbooks still read."""

import io
import os
import zipfile

import pytest
from openpyxl import Workbook

from core import spreadsheets
from core.errors import has_chinese
from core.spreadsheets import SpreadsheetError, read_rows
from tests.core import hostile_files as hostile

REFUSALS = {
    "far_corner": "列数超过上限 100 列（第 XFD 列有内容）",
    "far_corner_20000": "列数超过上限 100 列（第 XFD 列有内容）",
    "far_row": "数据行数超过上限 20000 行（工作表第 1048576 行有内容）",
    "implied_columns": "列数超过上限 100 列（第 CW 列有内容）",
    "many_shared_strings": "共享字符串超过 500000 条",
    "huge_styles": "单元格格式（样式）过多",
    "zip_bomb": "压缩比异常",
    "zip_bomb_lying_size": "文件已损坏",
    "many_members": "组成部分过多",
    "encrypted": "设置了打开密码",
    "legacy_xls": "Excel 97-2003（.xls）",
    "xlsm_macros": "包含宏",
    "csv_renamed": "CSV 或文本文件",
    "entity_expansion": "DTD",
}


@pytest.fixture
def no_calamine(monkeypatch):
    """Fails the test if a refused file reaches calamine."""

    class Forbidden:
        @staticmethod
        def from_filelike(*args, **kwargs):
            raise AssertionError("calamine reached")

    monkeypatch.setattr(spreadsheets, "CalamineWorkbook", Forbidden)


def test_every_hostile_file_has_an_expected_refusal():
    assert set(REFUSALS) == set(hostile.CORPUS)


@pytest.mark.parametrize("name", list(REFUSALS))
def test_hostile_file_refused_quickly_in_little_memory(name, no_calamine):
    data = hostile.CORPUS[name]()
    with pytest.raises(SpreadsheetError) as refused:
        read_rows(data, max_rows=20_000)
    assert REFUSALS[name] in refused.value.message
    assert has_chinese(refused.value.message) and refused.value.field == "file"
    # Time and peak memory in a fresh interpreter, where calamine is watched, not replaced.
    result = hostile.measure(data)
    assert result["outcome"] == "SpreadsheetError", result
    assert REFUSALS[name] in result["message"]
    assert result["calamine"] is False, result
    assert result["seconds"] <= 2.0, result
    assert result["extra_mb"] <= 50, result


def test_honest_workbook_reads():
    header, rows = read_rows(hostile.legit(3), max_rows=10)
    assert header == ["名称1", "地址1"]
    assert [(n, cells) for n, cells in rows] == [(2, ["名称2", "地址2"]), (3, ["名称3", "地址3"])]


def openpyxl_file(columns: int, rows: int = 2) -> bytes:
    wb = Workbook()
    for r in range(rows):
        wb.active.append([f"列{c}" if r == 0 else r * c for c in range(1, columns + 1)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_column_cap_is_the_highest_used_column():
    header, _ = read_rows(openpyxl_file(100), max_rows=10)
    assert len(header) == 100
    with pytest.raises(SpreadsheetError, match="第 CW 列有内容"):
        read_rows(openpyxl_file(101), max_rows=10)
    header, _ = read_rows(openpyxl_file(30), max_rows=10, max_columns=30)
    with pytest.raises(SpreadsheetError, match="列数超过上限 29 列"):
        read_rows(openpyxl_file(30), max_rows=10, max_columns=29)


def test_row_cap_counts_the_header_row(no_calamine):
    data = openpyxl_file(3, rows=6)  # header + 5 data rows
    with pytest.raises(SpreadsheetError, match="数据行数超过上限 4 行（工作表第 6 行有内容）"):
        read_rows(data, max_rows=4)


def test_formatted_empty_cells_far_away_do_not_count():
    """Calamine leaves cells without a value out of its grid; so does the check (a colour
    painted over a large area is common in real ledgers)."""
    rows = (
        f'<row r="1">{hostile.cell("A1", "名称")}</row>'
        f'<row r="2">{hostile.cell("A2", "某公司")}<c r="XFD2" s="1"/></row>'
        '<row r="900000"><c r="A900000" s="1"></c></row>'
    )
    header, body = read_rows(hostile.workbook(hostile.sheet(rows)), max_rows=10)
    assert header == ["名称"] and [c[0] for _, c in body] == ["某公司"]


def test_prefixed_elements_are_counted(no_calamine):
    body = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="ZZ1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
        b"</x:row></x:sheetData></x:worksheet>"
    )
    with pytest.raises(SpreadsheetError, match="第 ZZ 列有内容"):
        read_rows(hostile.workbook(body), max_rows=10)


def test_the_first_sheet_is_found_through_the_workbook(no_calamine):
    """The sheet calamine reads first is the workbook's first <sheet>, wherever it lives."""
    data = hostile.workbook(hostile.legit_sheet())
    far = hostile.sheet(
        f'<row r="1">{hostile.cell("A1", "a")}</row><row r="2">{hostile.cell("XFD2", "b")}</row>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"worksheets/sheet1.xml", b"/xl/worksheets/data/first.xml"
                )
            target.writestr(info.filename, content)
        target.writestr("xl/worksheets/data/first.xml", far)
    with pytest.raises(SpreadsheetError, match="第 XFD 列有内容"):
        read_rows(out.getvalue(), max_rows=10)


def test_a_dtd_in_any_part_is_refused(no_calamine):
    app = b'<?xml version="1.0"?><!DOCTYPE p SYSTEM "http://example.invalid/p.dtd"><p/>'
    data = hostile.workbook(hostile.legit_sheet(), extra={"docProps/app.xml": app})
    with pytest.raises(SpreadsheetError, match="DTD"):
        read_rows(data, max_rows=10)


def test_deep_nesting_is_refused(no_calamine):
    deep = b"<a>" * 1000 + b"</a>" * 1000
    data = hostile.workbook(hostile.legit_sheet(), extra={"customXml/item1.xml": deep})
    with pytest.raises(SpreadsheetError, match="嵌套过深"):
        read_rows(data, max_rows=10)


def test_a_huge_attribute_is_refused_while_streaming(no_calamine):
    tag = b'<p a="' + os.urandom(1024 * 1024).hex().encode() + b'"/>'
    data = hostile.workbook(hostile.legit_sheet(), extra={"customXml/item1.xml": tag})
    with pytest.raises(SpreadsheetError, match="单个标记过长"):
        read_rows(data, max_rows=10)


def test_other_files_get_their_own_message(no_calamine):
    with pytest.raises(SpreadsheetError, match="网页或 XML 格式"):
        read_rows(b"<html><table><tr><td>1</td></tr></table></html>", max_rows=10)
    with pytest.raises(SpreadsheetError, match="不是有效的 Excel"):
        read_rows(b"%PDF-1.4 binary \x00\x01\x02", max_rows=10)
    with pytest.raises(SpreadsheetError, match="不是 Excel 工作簿"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
        read_rows(out.getvalue(), max_rows=10)


def test_upload_size_cap(settings, no_calamine):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    data = hostile.legit(3)
    with pytest.raises(
        SpreadsheetError, match=f"文件大小为 {round(len(data) / 1024)} KB，超过 1 KB 的上限"
    ):
        read_rows(data, max_rows=10)


def test_duplicate_member_names_are_refused(no_calamine):
    """Two parts of one name: the check would read one copy and calamine perhaps the other."""
    members = hostile._stored_members(
        **{"xl/worksheets/sheet1.xml": hostile.legit_sheet()}
    ) + hostile._stored_members(**{"xl/worksheets/sheet1.xml": hostile.far_corner_sheet()})
    data = hostile._raw_zip(hostile._frame(members[0])[:-1] + members)
    with pytest.raises(SpreadsheetError, match="重名"):
        read_rows(data, max_rows=10)

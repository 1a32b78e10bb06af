"""Reading uploaded .xlsx files safely: clear Chinese errors, bounded size, no surprises."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from python_calamine import CalamineWorkbook

from core.errors import ServiceError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and legacy .xls
MAX_SHEET_XML_BYTES = 400 * 1024 * 1024
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


class SpreadsheetError(ServiceError):
    """A problem with the uploaded file as a whole; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


def read_rows(data: bytes, *, max_rows: int) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Return the header row and an iterator of (Excel row number, cells) for the first sheet."""
    if not data:
        raise SpreadsheetError("文件是空的，请选择填写好的 .xlsx 文件。")
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            "文件已加密或是旧版 .xls 格式。请取消文件密码，并在 Excel 中另存为 .xlsx 后再上传。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetError("文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写。")
    _check_size(data, max_rows)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows: list[tuple[int, list]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if all(_blank(cell) for cell in row):
                continue
            rows.append((number, row))
            if len(rows) - 1 > max_rows:
                raise SpreadsheetError(f"数据行数超过上限 {max_rows} 行，请拆分后分批导入。")
    except SpreadsheetError:
        raise
    except Exception as exc:  # calamine raises several private error types
        raise SpreadsheetError(f"无法读取该 Excel 文件：{exc.__class__.__name__}。") from exc
    if not rows:
        raise SpreadsheetError("工作表是空的，没有表头和数据。")
    header = [normalize_header(cell) for cell in rows[0][1]]
    return header, iter(rows[1:])


def _check_size(data: bytes, max_rows: int) -> None:
    """Refuse huge sheets before parsing them (a million-row sheet would exhaust memory)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")]
            if not sheets:
                raise SpreadsheetError("文件中没有工作表，不是有效的 Excel 文件。")
            first = min(sheets, key=lambda info: info.filename)
            if first.file_size > MAX_SHEET_XML_BYTES:
                raise SpreadsheetError("工作表过大，请拆分后分批导入。")
            with archive.open(first) as stream:
                head = stream.read(4096)
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError("文件已损坏，无法作为 Excel 文件打开。") from exc
    match = _DIMENSION.search(head)
    if match and match.group(1) and int(match.group(1)) - 1 > max_rows:
        raise SpreadsheetError(
            f"数据行数 {int(match.group(1)) - 1} 超过上限 {max_rows} 行，请拆分后分批导入。"
        )


def normalize_header(cell) -> str:
    text = "" if cell is None else str(cell)
    return re.sub(r"[\s*＊()（）:：]", "", text)


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell) -> str:
    """A cell as trimmed text; whole floats lose their '.0' (phone numbers, codes)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()

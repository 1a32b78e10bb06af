"""Reading an uploaded ledger file: its header, its rows and the cells that need parsing
(dates in the many forms county ledgers use, amounts in 万元)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from core.spreadsheets import SpreadsheetError, normalize_header, read_rows

from .vocabulary import VARIANTS
from .workbook import LEDGER_COLUMNS

IMPORT_MAX_ROWS = 20_000

CANONICAL = {normalize_header(c.header): c.key for c in LEDGER_COLUMNS if c.key != "seq"}
REQUIRED = {
    "description": "隐患描述",
    "level": "隐患级别",
    "found_date": "发现日期",
    "deadline": "整改期限",
}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def read_ledger(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of a ledger file as (row number, {column key: cell}).

    A problem with the file as a whole (too big, hostile, no header, no rows) raises
    SpreadsheetError; core.spreadsheets.read_rows checks the file before reading its cells.
    """
    header, body = read_rows(data, max_rows=IMPORT_MAX_ROWS)
    mapping = map_header(header)
    raw = [
        (number, {k: cells[i] if i < len(cells) else None for k, i in mapping.items()})
        for number, cells in body
    ]
    if not raw:
        raise SpreadsheetError("文件中只有表头，没有隐患数据。")
    return raw


def map_header(header: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        key = CANONICAL.get(name) or VARIANTS.get(name)
        if key and key not in mapping:
            mapping[key] = index
    missing = [label for key, label in REQUIRED.items() if key not in mapping]
    if "enterprise" not in mapping and "credit_code" not in mapping:
        missing.insert(0, "企业名称")
    if missing:
        raise SpreadsheetError(
            f"表头缺少必需的列：{'、'.join(missing)}。请确认第一行是表头"
            "（可使用系统导出的台账格式；“隐患内容”“整改时限”“单位名称”等常见写法也能识别）。"
        )
    return mapping


def parse_date(cell: Any) -> date | None:
    """A date from an Excel date, a serial number or text such as 2024-03-05, 2024年3月5日."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 20000 < cell < 80000:  # an Excel serial day number (1954–2119)
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        text = str(int(cell)) if float(cell).is_integer() else str(cell)
    else:
        text = str(cell).strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_TEXT.match(text) or re.match(r"^(\d{4})-(\d{2})-(\d{2})[ T]", text)
    if not match:
        raise ValueError(text)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def parse_money(text: str) -> Decimal | None:
    text = text.replace("万元", "").replace("万", "").replace(",", "").strip()
    if not text:
        return None
    amount = Decimal(text)
    if amount < 0 or not amount.is_finite():
        raise InvalidOperation(text)
    return amount.quantize(Decimal("0.01"))

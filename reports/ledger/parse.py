"""Reading an uploaded ledger file as a county keeps it: the header row wherever it is (title and
填报单位 rows above it), the column each header names, the total and signature rows to leave
out, and the cells that need parsing (dates in the many forms county ledgers use, amounts in 万元).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from core.spreadsheets import SpreadsheetError, cell_text, normalize_header, read_grid

from .vocabulary import VARIANTS
from .workbook import LEDGER_COLUMNS

IMPORT_MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 15  # the header is looked for among the first non-blank rows
MIN_HEADER_WORDS = 3

CANONICAL = {normalize_header(c.header): c.key for c in LEDGER_COLUMNS if c.key != "seq"}
FIELD_LABELS = {c.key: c.header for c in LEDGER_COLUMNS if c.key != "seq"}
REQUIRED = {
    "description": "隐患描述",
    "level": "隐患级别",
    "found_date": "发现日期",
    "deadline": "整改期限",
}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_UNIT = re.compile(r"[（(][^）)]*[）)]")
_TOTAL = re.compile(r"^(合计|小计|总计|累计|共计)|^共\d+(条|项|处|个|家)")
_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|审核人|审核|负责人|单位负责人|联系电话|填报日期|填表日期)"
)


@dataclass
class Sheet:
    """The ledger's header row, its data rows and what was left out, before validation."""

    header_row: int
    headers: list[str]  # as written in the file
    rows: list[tuple[int, list]]  # (Excel row number, JSON-safe cells), every column
    notes: list[str] = field(default_factory=list)
    formula_cells: list[tuple[int, int]] = field(default_factory=list)


def header_key(text: Any) -> str:
    """The column key a header names ('' when unknown): 整改资金（万元）, 整改期限(年月日) and
    *隐患描述 all name theirs."""
    for candidate in (normalize_header(text), normalize_header(_UNIT.sub("", str(text or "")))):
        key = CANONICAL.get(candidate) or VARIANTS.get(candidate)
        if key:
            return key
    return ""


def guess_columns(headers: list[str]) -> list[str]:
    """The key of each header, each key taken by its first column only."""
    taken: set[str] = set()
    keys = []
    for text in headers:
        key = header_key(text)
        keys.append(key if key and key not in taken else "")
        taken.add(key)
    return keys


def json_cell(cell: Any) -> Any:
    """A cell as JSON keeps it: dates as ISO text (read back by parse_date), numbers as numbers."""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if cell is None or isinstance(cell, bool | int | float):
        return cell
    return str(cell)


def read_ledger(data: bytes) -> Sheet:
    """The ledger's rows below its header. A problem with the file as a whole (too big, hostile,
    no recognisable header, no rows) raises SpreadsheetError."""
    grid = read_grid(data, max_rows=IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS)
    index = _header_index(grid.rows)
    header_row, header_cells = grid.rows[index]
    headers = [cell_text(c) for c in header_cells]
    sheet = Sheet(header_row=header_row, headers=headers, rows=[])
    width = len(headers)
    for number, cells in grid.rows[index + 1 :]:
        cells = [json_cell(c) for c in cells[:width]] + [None] * (width - len(cells))
        why = _left_out(cells)
        if why:
            sheet.notes.append(f"第 {number} 行是{why}，已跳过，不作为隐患导入。")
            continue
        sheet.rows.append((number, cells))
    if len(sheet.rows) > IMPORT_MAX_ROWS:
        raise SpreadsheetError(f"数据行数超过上限 {IMPORT_MAX_ROWS} 行，请拆分后分批导入。")
    if not sheet.rows:
        raise SpreadsheetError("文件中只有表头，没有隐患数据。")
    above = [n for n, _ in grid.rows[:index]]
    if above:
        sheet.notes.insert(
            0, f"表头在第 {header_row} 行；其上的标题、填报单位等 {len(above)} 行未导入。"
        )
    sheet.formula_cells = [(r, c) for r, c in grid.formulas_without_value if r > header_row]
    return sheet


def _header_index(rows: list[tuple[int, list]]) -> int:
    """The first of the top rows naming the most known columns (title rows name none)."""
    best, best_score = 0, -1
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len({k for k in (header_key(c) for c in cells) if k})
        if score > best_score:
            best, best_score = i, score
    if best_score < MIN_HEADER_WORDS:
        raise SpreadsheetError(
            f"表头缺少必需的列：{'、'.join(['企业名称', *REQUIRED.values()])}。"
            f"在前 {HEADER_SEARCH_ROWS} 行中没有找到表头（可使用系统导出的台账格式；"
            "“隐患内容”“整改时限”“单位名称”“完成情况”等常见写法也能识别）。"
        )
    return best


def _left_out(cells: list) -> str:
    """Why a row below the header is not a hazard: a total or a signature line, or ''.
    Only the first three filled cells are read (a 30-column row costs three texts)."""
    filled = []
    for cell in cells:
        if cell is None or cell == "":
            continue
        text = re.sub(r"\s", "", cell_text(cell))
        if text:
            filled.append(text)
            if len(filled) == 3:
                break
    if not filled:
        return ""
    for text in filled:
        if _TOTAL.match(text):
            return f"合计行（“{text[:12]}”）"
    if _FOOTER.match(filled[0]):
        return f"表尾（“{filled[0][:12]}”）"
    if len(filled) == 1 and re.fullmatch(r"\d+", filled[0]) and _only(cells, filled[0]):
        return "空行（只有序号）"
    return ""


def _only(cells: list, text: str) -> bool:
    """Whether the row holds nothing but this one text."""
    return sum(1 for c in cells if c is not None and cell_text(c)) == 1


def missing_columns(keys: list[str]) -> list[str]:
    present = set(keys)
    missing = [label for key, label in REQUIRED.items() if key not in present]
    if "enterprise" not in present and "credit_code" not in present:
        missing.insert(0, "企业名称")
    return missing


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

"""Reading a judgment-standard file an admin uploads into entries of the shared JSON schema:
a JSON file as it is, or an Excel sheet of clauses (ref / text / sub_sector columns) with the
standard's particulars typed in the form. Shape only: hazards.services plans and loads them."""

from __future__ import annotations

import json

from core.errors import ServiceError
from core.spreadsheets import cell_text, read_rows

from .services import reference_numbers

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_CLAUSES = 2000
# Header of a column → the clause key it fills (headers compared after normalize_header).
COLUMNS = {
    "ref": "ref",
    "条款": "ref",
    "条款号": "ref",
    "条款编号": "ref",
    "text": "text",
    "内容": "text",
    "条款内容": "text",
    "情形": "text",
    "sub_sector": "sub_sector",
    "subsector": "sub_sector",
    "类别": "sub_sector",
    "细分行业": "sub_sector",
    "article": "article",
    "条": "article",
    "item": "item",
    "项": "item",
    "lead_in": "lead_in",
    "引语": "lead_in",
}


def _file_error(message: str) -> ServiceError:
    return ServiceError(message, field="file")


def read_standard_file(name: str, data: bytes, particulars: dict | None = None) -> list[dict]:
    """The standards in an uploaded file. A JSON file holds one standard or a list of them; an
    Excel sheet holds the clauses of the one standard described by `particulars`."""
    if not data:
        raise _file_error("文件是空的。")
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。")
    lower = name.lower()
    if lower.endswith(".json"):
        return _read_json(data)
    if lower.endswith(".xlsx"):
        return [_read_sheet(data, particulars or {})]
    raise _file_error("请上传 .json（共享数据格式）或 .xlsx（条款表）文件。")


def _read_json(data: bytes) -> list[dict]:
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _file_error(f"JSON 文件无法解析：{exc}。") from exc
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise _file_error("JSON 文件应为一个标准对象，或标准对象的列表。")
    return items


def _read_sheet(data: bytes, particulars: dict) -> dict:
    if not particulars.get("code") or not particulars.get("name"):
        raise _file_error("导入 Excel 条款表时，请填写标准的代码和名称。")
    header, rows = read_rows(data, max_rows=MAX_CLAUSES)
    keys = [COLUMNS.get(h.lower(), COLUMNS.get(h)) for h in header]
    if "ref" not in keys or "text" not in keys:
        raise _file_error(
            "条款表应有“ref”（条款）和“text”（内容）两列，可另有“sub_sector”（类别）列。"
        )
    clauses = []
    for number, cells in rows:
        values = {k: cell_text(c) for k, c in zip(keys, cells, strict=False) if k}
        if not values.get("ref") and not values.get("text"):
            continue
        if not values.get("ref") or not values.get("text"):
            raise _file_error(f"第 {number} 行缺少条款编号或内容。")
        article, item = reference_numbers(values["ref"])
        clauses.append(
            {
                "ref": values["ref"],
                "text": values["text"],
                "sub_sector": values.get("sub_sector", ""),
                "lead_in": values.get("lead_in", ""),
                "article": values.get("article") or article,
                "item": values.get("item") or item,
            }
        )
    return {**particulars, "clauses": clauses}

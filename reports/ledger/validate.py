"""Validating a ledger's rows: each row's cleaned values and every problem with it, kept as a
preview (reports.models.LedgerImport) for the user to review before the commit.

How states of the old ledger are imported (also explained on the preview page):
- 已销号 (or a 销号日期 with no state): imported as 已销号 with its dates; needs 销号日期 or
  整改完成日期.
- 已整改 / 待复查: imported as 待复查; needs 整改完成日期. 已复查 / 复查通过: imported as
  已复查; needs 整改完成日期 and 复查日期.
- 整改中: imported as 整改中. 未整改 / 已登记 / blank: imported as 已登记.

A row whose 隐患编号 is a hazard of the system, or which names the same enterprise, found date
and description as one, is that hazard: it is recognised as existing and changes nothing.
A row already 已销号, 挂牌督办 or extended needs the authority the workflow gives those steps.
"""

from __future__ import annotations

from datetime import date
from decimal import InvalidOperation
from typing import Any

from django.utils import timezone

from core.errors import Kind, ServiceError
from core.models import Region
from core.spreadsheets import cell_text
from enterprises.credit_code import credit_code_error
from hazards.bulk import import_refusals
from hazards.choices import HazardLevel, HazardSource, HazardState
from hazards.services import REGISTER_ROLES

from .clauses import match_clause, nearest_clauses
from .lookups import Lookups, known_enterprise, load_existing, load_lookups
from .parse import REQUIRED, parse_date, parse_money
from .vocabulary import LEVELS, SOURCE_WORDS, STATES, SUPERVISION_LEVELS, YES
from .workbook import LEDGER_COLUMNS

DATE_KEYS = (
    "found_date",
    "deadline",
    "extended_to",
    "completed_date",
    "recheck_date",
    "closed_date",
)
DATE_LABELS = {c.key: c.header for c in LEDGER_COLUMNS}
SOURCE_LABELS = {label: value for value, label in HazardSource.choices}
# The columns the lookups read before the rows are validated one by one.
LOOKUP_KEYS = ("credit_code", "enterprise", "rechecked_by", "number", "supervision_doc_no")


class _Row:
    """Collects the cleaned values and the problems of one ledger row."""

    def __init__(self, number: int, values: dict[str, Any], formulas: tuple[str, ...] = ()):
        self.number, self.values, self.errors = number, values, []
        self.clean: dict[str, Any] = {"row": number}
        self.formulas = formulas  # keys of cells holding a formula with no stored result

    def text(self, key: str, limit: int | None = None) -> str:
        value = cell_text(self.values.get(key))
        return value[:limit] if limit else value

    def date(self, key: str) -> date | None:
        if key in self.formulas:
            return None
        try:
            return parse_date(self.values.get(key))
        except (ValueError, OverflowError):
            self.errors.append(
                f"{DATE_LABELS[key]}“{self.text(key)}”不是有效日期（例如 2024-03-05）"
            )
            return None


def _region_for(row: _Row, lookups: Lookups) -> Region | None:
    county, town, combined = row.text("county"), row.text("town"), row.text("region")
    if town and county and (county, town) in lookups.regions_by_pair:
        return lookups.regions_by_pair[(county, town)]
    for name in (town, combined, county):
        found = lookups.regions_by_name.get(name, [])
        if len(found) == 1:
            return found[0]
    if combined:
        for (parent, name), region in lookups.regions_by_pair.items():
            if combined == parent + name:
                return region
    return lookups.default_region


def _enterprise(row: _Row, lookups: Lookups) -> None:
    name, code = row.text("enterprise", 128), row.text("credit_code").upper()
    row.clean["enterprise_name"] = name
    found = lookups.by_code.get(code) if code else None
    if found is None and name and not code:
        candidates = lookups.by_name.get(name, [])
        if len(candidates) > 1:
            row.errors.append(f"企业名称“{name}”有重名，请填写统一社会信用代码")
            return
        found = candidates[0] if candidates else None
    if found is not None:
        if found["pk"] not in lookups.scoped_ids:
            row.errors.append(f"企业“{found['name']}”不在您的管辖范围内")
            return
        row.clean["enterprise_id"] = found["pk"]
        row.clean["enterprise_name"] = found["name"]
        row.clean["sector_id"] = found["sector_id"]
        return
    _new_enterprise(row, lookups, name, code)


def _new_enterprise(row: _Row, lookups: Lookups, name: str, code: str) -> None:
    label = name or code
    if not name or not code:
        row.errors.append(
            f"企业“{label}”未在企业名录中登记；请先在企业名录中登记，"
            "或同时填写企业名称和统一社会信用代码以便导入时新建"
        )
        return
    if problem := credit_code_error(code):
        row.errors.append(f"企业“{name}”未登记，且{problem}，无法新建")
        return
    if not lookups.can_create_enterprises:
        row.errors.append(f"企业“{name}”未在企业名录中登记，您的角色不能新建企业")
        return
    region = _region_for(row, lookups)
    sector = lookups.sectors.get(row.text("sector"))
    if region is None:
        row.errors.append(f"新建企业“{name}”需要所属乡镇或县区（且在您的管辖范围内）")
    if sector is None:
        row.errors.append(f"新建企业“{name}”需要有效的行业领域（如：危险化学品、工贸）")
    elif lookups.allowed_sector_ids is not None and sector.pk not in lookups.allowed_sector_ids:
        row.errors.append(f"行业领域“{sector.name}”不属于您所在部门的监管范围")
    if region is None or sector is None:
        return
    entry = lookups.new_enterprises.setdefault(
        code,
        {"credit_code": code, "name": name, "region_id": region.code, "sector_id": sector.pk},
    )
    if entry["name"] != name:
        row.errors.append(f"统一社会信用代码 {code} 在文件中对应了不同的企业名称")
    entry.setdefault("rows", []).append(row.number)
    row.clean["new_enterprise"] = code
    row.clean["sector_id"] = sector.pk


def _sector(row: _Row, lookups: Lookups) -> None:
    """The hazard's sector: the row's when it names a known one, else the enterprise's."""
    named = lookups.sectors.get(row.text("sector"))
    if named is not None and row.clean.get("enterprise_id"):
        if lookups.allowed_sector_ids is None or named.pk in lookups.allowed_sector_ids:
            row.clean["sector_id"] = named.pk


def _clause(row: _Row, lookups: Lookups, level: str | None) -> None:
    text = row.text("clause")
    sector = lookups.sector_by_id.get(row.clean.get("sector_id"))
    on = row.clean.get("found_date")  # a date here: made ISO text at the end of the row
    clause = match_clause(text, sector, lookups, on) if text and sector else None
    if clause is not None:
        row.clean["clause_id"] = clause.pk
    elif level == HazardLevel.MAJOR:
        if not text:
            row.errors.append("重大事故隐患须填写判定依据（判定标准条款）")
        elif sector is not None:
            key = (text, sector.pk, on)
            if key not in lookups.nearest:
                lookups.nearest[key] = nearest_clauses(text, sector, lookups, on)
            near = lookups.nearest[key]
            offer = f"。最接近的条款：{'；'.join(near)}" if near else ""
            row.errors.append(
                f"判定依据“{text[:40]}”无法对应到发现日期施行、适用于“{sector.name}”的"
                f"判定标准条款{offer}"
            )
    elif text:
        row.clean["clause_note"] = text


def _state(row: _Row, found: date | None) -> None:
    raw = row.text("state").replace(" ", "").rstrip("。.")
    completed, rechecked, closed = (
        row.clean.get("completed_date"),
        row.clean.get("recheck_date"),
        row.clean.get("closed_date"),
    )
    if raw not in STATES:
        row.errors.append(
            f"整改状态“{raw}”无法识别（可填：未整改、整改中、已整改/已完成、已复查、已销号）"
        )
        return
    state = STATES[raw]
    if state is None:
        state = (
            HazardState.CLOSED
            if closed
            else HazardState.AWAITING_RECHECK
            if completed
            else HazardState.REGISTERED
        )
    if state == HazardState.CLOSED:
        if not closed and not completed:
            row.errors.append("已销号的隐患须填写销号日期或整改完成日期")
        row.clean["closed_date"] = closed or completed
        row.clean["completed_date"] = completed or closed
    elif state in (HazardState.AWAITING_RECHECK, HazardState.RECHECKED) and not completed:
        row.errors.append(
            f"原台账为“{raw}”（导入为“{HazardState(state).label}”），须填写整改完成日期"
        )
    if state == HazardState.RECHECKED and not rechecked:
        row.errors.append("已复查的隐患须填写复查日期")
    row.clean["state"] = str(state)
    row.clean["state_label"] = HazardState(state).label


def _dates(row: _Row) -> date | None:
    today = timezone.localdate()
    for key in DATE_KEYS:
        value = row.date(key)
        row.clean[key] = value
    found, deadline = row.clean["found_date"], row.clean["deadline"]
    for key, label in REQUIRED.items():
        if key in ("found_date", "deadline") and row.clean[key] is None and row.text(key) == "":
            if key not in row.formulas:
                row.errors.append(f"{label}不能为空")
    if found and found > today:
        row.errors.append("发现日期不能晚于今天")
    if found and deadline and deadline < found:
        row.errors.append("整改期限不能早于发现日期")
    extended = row.clean["extended_to"]
    if extended and deadline and extended < deadline:
        row.errors.append("延期至不能早于整改期限")
    for key in ("completed_date", "recheck_date", "closed_date"):
        value = row.clean[key]
        if value and found and value < found:
            row.errors.append(f"{DATE_LABELS[key]}不能早于发现日期")
        if value and value > today:
            row.errors.append(f"{DATE_LABELS[key]}不能晚于今天")
    return found


def _supervision(row: _Row, lookups: Lookups, level: str | None, seen: dict[str, int]) -> None:
    if row.text("supervised") not in YES:
        return
    if level != HazardLevel.MAJOR:
        row.errors.append("只有重大事故隐患才能挂牌督办")
        return
    grade = SUPERVISION_LEVELS.get(row.text("supervision_level"))
    doc_no = row.text("supervision_doc_no", 64)
    if grade is None:
        row.errors.append("挂牌督办的隐患须填写挂牌级别（省级、市级、县级或部门挂牌）")
    if not doc_no:
        row.errors.append("挂牌督办的隐患须填写挂牌文号")
    elif doc_no in lookups.doc_nos:
        row.errors.append(f"挂牌文号“{doc_no}”已在系统中使用")
    elif doc_no in seen:
        row.errors.append(f"挂牌文号“{doc_no}”与第 {seen[doc_no]} 行重复")
    else:
        seen[doc_no] = row.number
    if grade and doc_no:
        row.clean["supervision"] = {"level": str(grade), "doc_no": doc_no}


def validate_row(row: _Row, lookups: Lookups, seen: dict, by) -> None:
    """Every problem of one row, all at once, and its cleaned values."""
    for key in row.formulas:
        row.errors.append(
            f"“{DATE_LABELS.get(key, key)}”是公式，但文件中没有保存公式的计算结果"
            "（由程序生成、未用 Excel 打开保存过的文件常见）。请用 Excel 或 WPS 打开文件、保存后再上传"
        )
    _enterprise(row, lookups)
    _sector(row, lookups)
    description = row.text("description")
    place = row.text("place", 128) or "（原台账未注明）"
    if not description and "description" not in row.formulas:
        row.errors.append("隐患描述不能为空")
    level_text = row.text("level")
    level = LEVELS.get(level_text)
    if level is None:
        row.errors.append(
            f"隐患级别“{level_text}”无法识别（可填：一般隐患、重大事故隐患）"
            if level_text
            else "隐患级别不能为空"
        )
    source_text, source = row.text("source"), HazardSource.INSPECTION
    if source_text:
        source = SOURCE_LABELS.get(source_text) or next(
            (value for word, value in SOURCE_WORDS if word in source_text), None
        )
        if source is None:
            row.errors.append(f"隐患来源“{source_text}”无法识别")
    found = _dates(row)
    _state(row, found)
    _clause(row, lookups, level)
    _supervision(row, lookups, level, seen["doc_no"])
    try:
        funds = parse_money(row.text("funds"))
    except (InvalidOperation, ValueError):
        row.errors.append(f"整改资金“{row.text('funds')}”应为数字（单位：万元）")
        funds = None
    checker = row.text("rechecked_by")
    row.clean.update(
        {
            "number_old": row.text("number", 40),
            "description": description,
            "place": place,
            "level": str(level) if level else None,
            "source": str(source) if source else None,
            "measures": row.text("measures"),
            "responsible_person": row.text("responsible_person", 64),
            "funds": str(funds) if funds is not None else None,
            "recheck_unit": row.text("recheck_unit", 64),
            "rechecked_by_id": lookups.users.get(checker) if checker else None,
            "rechecked_by_name": checker,
            "recheck_opinion": row.text("recheck_opinion"),
            "supervisor_unit": row.text("supervisor_unit", 64),
            "supervisor_person": row.text("supervisor_person", 32),
            "remarks": row.text("remarks"),
        }
    )
    for key in DATE_KEYS:
        if isinstance(row.clean.get(key), date):
            row.clean[key] = row.clean[key].isoformat()
    if _existing(row, lookups, seen["hazard"]):
        return
    if row.clean.get("state"):
        row.errors += import_refusals(
            by,
            state=row.clean["state"],
            listing_level=(row.clean.get("supervision") or {}).get("level", ""),
            extended=bool(row.clean.get("extended_to")),
        )


def _existing(row: _Row, lookups: Lookups, seen: dict) -> bool:
    """Whether the row is a hazard of the system already (then it changes nothing and its
    other problems do not matter); a repeat of an earlier row of the file is an error."""
    number = row.clean["number_old"]
    owner = row.clean.get("enterprise_id") or row.clean.get("new_enterprise")
    found, description = row.clean.get("found_date"), row.clean.get("description")
    key = (owner, description, found)
    if number in lookups.numbers:
        if not lookups.numbers[number]:
            row.errors = [f"隐患编号 {number} 是您管辖范围以外的隐患，不能导入"]
            return True
        existing = number
    else:
        existing = lookups.existing_numbers.get(key) if owner and found and description else None
    if existing:
        row.errors = []
        row.clean["existing"] = existing
        return True
    if owner and found and description:
        if key in seen:
            row.errors.append(f"与第 {seen[key]} 行重复（同一企业、发现日期和隐患描述）")
        else:
            seen[key] = row.number
    return False


def check_can_import(by) -> None:
    if not by.has_role(*REGISTER_ROLES):
        raise ServiceError("只有执法检查员、审核人员和管理员可以导入隐患台账。", kind=Kind.ROLE)


def validate_rows(
    by, raw: list[tuple[int, dict[str, Any]]], formulas: dict[int, tuple[str, ...]] | None = None
) -> tuple[list, list, list]:
    """The cleaned rows, the problems per bad row and the enterprises to create, for `by`.
    `formulas`: per row number, the keys of its cells holding a formula with no stored result."""
    formulas = formulas or {}
    texts = [
        {k: cell_text(values[k]) for k in LOOKUP_KEYS if k in values}
        | {"found_date": values.get("found_date")}
        for _, values in raw
    ]
    lookups = load_lookups(by, texts)
    load_existing(lookups, [known_enterprise(values, lookups) for values in texts])
    seen: dict[str, dict] = {"hazard": {}, "doc_no": {}}
    cleaned, errors = [], []
    for number, values in raw:
        row = _Row(number, values, formulas.get(number, ()))
        validate_row(row, lookups, seen, by)
        cleaned.append(row.clean)
        if row.errors:
            errors.append(
                {
                    "row": row.number,
                    "enterprise": row.clean.get("enterprise_name", ""),
                    "description": (row.clean.get("description") or "")[:60],
                    "messages": row.errors,
                }
            )
    wanted = {r.get("new_enterprise") for r in cleaned if not r.get("existing")}
    new = [e for code, e in lookups.new_enterprises.items() if code in wanted]
    return cleaned, errors, new

"""Loading a county's old Excel hazard ledger: preview with an error per bad row, then an
all-or-nothing commit that registers every hazard through hazards.services.

How states of the old ledger are imported (also explained on the preview page):
- 已销号 (or a 销号日期 with no state): imported as 已销号 with its dates; needs 销号日期 or
  整改完成日期.
- 已整改 / 待复查: imported as 待复查; needs 整改完成日期. 已复查 / 复查通过: imported as
  已复查; needs 整改完成日期 and 复查日期.
- 整改中: imported as 整改中. 未整改 / 已登记 / blank: imported as 已登记.
The workflow steps of an old hazard are not replayed: each hazard gets its registration
record and one note saying it came from the ledger (with its old number).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.choices import ENTERPRISE_EDITOR_ROLES
from accounts.models import User
from core.errors import Kind, ServiceError
from core.models import Job, Region, Sector
from core.spreadsheets import SpreadsheetError, cell_text, normalize_header, read_rows
from enterprises.credit_code import credit_code_error
from enterprises.models import Enterprise
from enterprises.services import enterprise_create
from hazards.choices import Action, HazardLevel, HazardSource, HazardState, SupervisionLevel
from hazards.models import Clause, Hazard, HazardEvent, JudgmentStandard, Supervision
from hazards.services import REGISTER_ROLES, hazard_register

from .ledger import LEDGER_COLUMNS
from .models import LedgerImport

IMPORT_MAX_ROWS = 20_000
MAX_UPLOAD_BYTES = 30 * 1024 * 1024
JOB_KIND = "ledger_import_commit"
STATUS_LABELS = {
    "preview": "待确认导入",
    "failed": "有错误，未导入",
    "committing": "正在导入",
    "committed": "已导入",
}

# Header variants seen in county ledgers → column key. Canonical headers come from
# LEDGER_COLUMNS; all are compared after normalize_header (no spaces, brackets, * or colons).
VARIANTS = {
    "编号": "number",
    "隐患内容": "description",
    "隐患情况": "description",
    "存在问题": "description",
    "存在的问题": "description",
    "隐患问题": "description",
    "问题描述": "description",
    "隐患名称": "description",
    "整改时限": "deadline",
    "整改完成时限": "deadline",
    "限期整改日期": "deadline",
    "整改截止日期": "deadline",
    "单位名称": "enterprise",
    "企业单位名称": "enterprise",
    "生产经营单位": "enterprise",
    "生产经营单位名称": "enterprise",
    "被检查单位": "enterprise",
    "信用代码": "credit_code",
    "社会信用代码": "credit_code",
    "隐患地点": "place",
    "隐患部位": "place",
    "隐患位置": "place",
    "部位": "place",
    "依据": "clause",
    "判定标准": "clause",
    "判定依据条款": "clause",
    "隐患等级": "level",
    "隐患类别": "level",
    "级别": "level",
    "来源": "source",
    "发现方式": "source",
    "发现时间": "found_date",
    "排查日期": "found_date",
    "排查时间": "found_date",
    "检查日期": "found_date",
    "检查时间": "found_date",
    "整改方案": "measures",
    "责任人": "responsible_person",
    "整改资金": "funds",
    "资金万元": "funds",
    "投入资金万元": "funds",
    "延期期限": "extended_to",
    "延期日期": "extended_to",
    "整改情况": "state",
    "状态": "state",
    "整改进度": "state",
    "是否挂牌督办": "supervised",
    "挂牌督办级别": "supervision_level",
    "督办级别": "supervision_level",
    "督办文号": "supervision_doc_no",
    "完成日期": "completed_date",
    "整改完成时间": "completed_date",
    "实际完成日期": "completed_date",
    "复查时间": "recheck_date",
    "销号时间": "closed_date",
    "监管单位": "supervisor_unit",
    "监管部门": "supervisor_unit",
    "县区": "county",
    "所属旗县区": "county",
    "乡镇街道": "town",
    "所属乡镇": "town",
    "乡镇": "town",
    "所属地区": "region",
    "所属地区县/乡镇": "region",
    "地区": "region",
    "行业": "sector",
    "所属行业": "sector",
}
CANONICAL = {normalize_header(c.header): c.key for c in LEDGER_COLUMNS if c.key != "seq"}
REQUIRED = {
    "description": "隐患描述",
    "level": "隐患级别",
    "found_date": "发现日期",
    "deadline": "整改期限",
}
DATE_KEYS = (
    "found_date",
    "deadline",
    "extended_to",
    "completed_date",
    "recheck_date",
    "closed_date",
)
DATE_LABELS = {c.key: c.header for c in LEDGER_COLUMNS}

LEVELS = {
    "重大": HazardLevel.MAJOR,
    "重大隐患": HazardLevel.MAJOR,
    "重大事故隐患": HazardLevel.MAJOR,
    "重大生产安全事故隐患": HazardLevel.MAJOR,
    "一般": HazardLevel.GENERAL,
    "一般隐患": HazardLevel.GENERAL,
    "一般事故隐患": HazardLevel.GENERAL,
}
SOURCE_WORDS = (
    ("自查", HazardSource.SELF_REPORT),
    ("暗访", HazardSource.UNANNOUNCED),
    ("四不两直", HazardSource.UNANNOUNCED),
    ("交叉", HazardSource.CROSS),
    ("专家", HazardSource.EXPERT),
    ("第三方", HazardSource.EXPERT),
    ("举报", HazardSource.PUBLIC_REPORT),
    ("交办", HazardSource.ASSIGNED),
    ("督导", HazardSource.SUPERVISION),
    ("执法", HazardSource.INSPECTION),
    ("检查", HazardSource.INSPECTION),
)
STATES = {
    "": None,
    "已登记": HazardState.REGISTERED,
    "登记": HazardState.REGISTERED,
    "未整改": HazardState.REGISTERED,
    "待整改": HazardState.REGISTERED,
    "整改中": HazardState.RECTIFYING,
    "正在整改": HazardState.RECTIFYING,
    "未完成": HazardState.RECTIFYING,
    "已整改": HazardState.AWAITING_RECHECK,
    "整改完成": HazardState.AWAITING_RECHECK,
    "已完成整改": HazardState.AWAITING_RECHECK,
    "已完成": HazardState.AWAITING_RECHECK,
    "待复查": HazardState.AWAITING_RECHECK,
    "申请销号": HazardState.AWAITING_RECHECK,
    "已复查": HazardState.RECHECKED,
    "复查通过": HazardState.RECHECKED,
    "已销号": HazardState.CLOSED,
    "销号": HazardState.CLOSED,
    "已闭环": HazardState.CLOSED,
    "闭环": HazardState.CLOSED,
}
SUPERVISION_LEVELS = {
    **{label: value for value, label in SupervisionLevel.choices},
    "省级": SupervisionLevel.PROVINCE,
    "省": SupervisionLevel.PROVINCE,
    "市级": SupervisionLevel.CITY,
    "市": SupervisionLevel.CITY,
    "县级": SupervisionLevel.COUNTY,
    "县": SupervisionLevel.COUNTY,
    "旗级": SupervisionLevel.COUNTY,
    "部门": SupervisionLevel.DEPARTMENT,
}
YES = {"是", "已挂牌", "挂牌", "Y", "y", "1"}
_CITATION = re.compile(r"《(?P<name>[^》]+)》\s*(?P<ref>[^：:\s]+)")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = date(1899, 12, 30)


# ---------------------------------------------------------------- reading cells


def _map_header(header: list[str]) -> dict[str, int]:
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


def _money(text: str) -> Decimal | None:
    text = text.replace("万元", "").replace("万", "").replace(",", "").strip()
    if not text:
        return None
    amount = Decimal(text)
    if amount < 0 or not amount.is_finite():
        raise InvalidOperation(text)
    return amount.quantize(Decimal("0.01"))


def _guard_row_count(data: bytes, max_rows: int) -> None:
    """Count <row> tags while streaming the first sheet, before any parser loads it whole.

    A sheet of a million rows without a truthful <dimension> is refused here at a few
    megabytes of memory instead of being loaded into memory by the reader.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(
                i.filename for i in archive.infolist() if i.filename.startswith("xl/worksheets/")
            )
            if not sheets:
                return
            count, tail = 0, b""
            with archive.open(sheets[0]) as stream:
                while chunk := stream.read(1 << 20):
                    block = tail + chunk
                    count += block.count(b"<row ") + block.count(b"<row>")
                    tail = block[-5:]
                    count -= tail.count(b"<row ") + tail.count(b"<row>")
                    if count > max_rows + 1:
                        raise SpreadsheetError(
                            f"数据行数超过上限 {max_rows} 行，请拆分后分批导入。"
                        )
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return  # read_rows gives the user the proper message for a broken file


# ---------------------------------------------------------------- lookups, once per file


@dataclass
class _Lookups:
    by_code: dict[str, dict]
    scoped_ids: set[int]
    by_name: dict[str, list[dict]]
    sectors: dict[str, Sector]
    sector_by_id: dict[int, Sector]
    allowed_sector_ids: set[int] | None
    regions_by_name: dict[str, list[Region]]
    regions_by_pair: dict[tuple[str, str], Region]
    default_region: Region | None
    clauses: dict[int, Clause]
    clauses_by_standard_ref: dict[tuple[str, str], Clause]
    standard_sectors: dict[int, set[int]]
    users: dict[str, int]
    existing: set[tuple[int, str, date]]
    doc_nos: set[str]
    can_create_enterprises: bool
    new_enterprises: dict[str, dict] = field(default_factory=dict)


def _chunks(items: list, size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_lookups(by, values: list[dict]) -> _Lookups:
    codes = sorted({v["credit_code"] for v in values if v.get("credit_code")})
    names = sorted({v["enterprise"] for v in values if v.get("enterprise")})
    by_code: dict[str, dict] = {}
    columns = ("pk", "name", "credit_code", "region_id", "sector_id")
    for chunk in _chunks(codes):
        for e in Enterprise.objects.filter(credit_code__in=chunk).values(*columns):
            by_code[e["credit_code"]] = e
    by_name: dict[str, list[dict]] = {}
    for chunk in _chunks(names):
        for e in Enterprise.objects.for_user(by).filter(name__in=chunk).values(*columns):
            by_name.setdefault(e["name"], []).append(e)
    ids = [e["pk"] for e in by_code.values()]
    scoped = {e["pk"] for found in by_name.values() for e in found}
    for chunk in _chunks(ids):
        scoped.update(
            Enterprise.objects.for_user(by).filter(pk__in=chunk).values_list("pk", flat=True)
        )
    sectors = list(Sector.objects.all())
    allowed = by.scope_sector_ids
    regions = list(Region.objects.for_user(by).select_related("parent"))
    regions_by_name: dict[str, list[Region]] = {}
    pairs: dict[tuple[str, str], Region] = {}
    for region in regions:
        regions_by_name.setdefault(region.name, []).append(region)
        if region.parent is not None:
            pairs[(region.parent.name, region.name)] = region
    clauses = {c.pk: c for c in Clause.objects.select_related("standard")}
    through = JudgmentStandard.sectors.through.objects.values_list(
        "judgmentstandard_id", "sector_id"
    )
    standard_sectors: dict[int, set[int]] = {}
    for standard_id, sector_id in through:
        standard_sectors.setdefault(standard_id, set()).add(sector_id)
    people = sorted({v["rechecked_by"] for v in values if v.get("rechecked_by")})
    users: dict[str, list[int]] = {}
    if people:
        qs = User.objects.filter(Q(name__in=people) | Q(username__in=people))
        if by.scope_region is not None:
            qs = qs.filter(region__code__startswith=by.scope_region.prefix)
        for pk, name, username in qs.values_list("pk", "name", "username"):
            for key in {name, username}:
                users.setdefault(key, []).append(pk)
    doc_nos = sorted({v["supervision_doc_no"] for v in values if v.get("supervision_doc_no")})
    taken_docs: set[str] = set()
    for chunk in _chunks(doc_nos):
        taken_docs.update(
            Supervision.objects.filter(doc_no__in=chunk).values_list("doc_no", flat=True)
        )
    default_region = by.scope_region
    if default_region is not None and default_region.level not in ("county", "town"):
        default_region = None
    return _Lookups(
        by_code=by_code,
        scoped_ids=scoped,
        by_name=by_name,
        sectors={s.name: s for s in sectors},
        sector_by_id={s.pk: s for s in sectors},
        allowed_sector_ids=set(allowed) if allowed is not None else None,
        regions_by_name=regions_by_name,
        regions_by_pair=pairs,
        default_region=default_region,
        clauses=clauses,
        clauses_by_standard_ref={(c.standard.name, c.ref): c for c in clauses.values()},
        standard_sectors=standard_sectors,
        users={k: v[0] for k, v in users.items() if len(v) == 1},
        existing=set(),
        doc_nos=taken_docs,
        can_create_enterprises=by.has_role(*ENTERPRISE_EDITOR_ROLES),
    )


def _known_enterprise(values: dict[str, str], lookups: _Lookups) -> dict:
    """The registered enterprise a row names, if any (before full validation)."""
    found = lookups.by_code.get(values.get("credit_code", "").upper())
    if found is None and not values.get("credit_code"):
        candidates = lookups.by_name.get(values.get("enterprise", ""), [])
        found = candidates[0] if len(candidates) == 1 else None
    found_date = None
    try:
        found_date = parse_date(values.get("found_date"))
    except (ValueError, OverflowError):
        pass
    return {"enterprise_id": found["pk"] if found else None, "found_date": found_date}


def _load_existing(lookups: _Lookups, rows: list[dict]) -> None:
    """Existing hazards with the same enterprise and found date (for duplicate detection)."""
    ids = sorted({r["enterprise_id"] for r in rows if r.get("enterprise_id")})
    dates = sorted({r["found_date"] for r in rows if r.get("found_date")})
    if not ids or not dates:
        return
    for chunk in _chunks(ids):
        found = Hazard.objects.filter(enterprise_id__in=chunk, found_date__in=dates).values_list(
            "enterprise_id", "description", "found_date"
        )
        lookups.existing.update((e, d.strip(), f.isoformat()) for e, d, f in found)


# ---------------------------------------------------------------- validating one row


class _Row:
    """Collects the cleaned values and the problems of one ledger row."""

    def __init__(self, number: int, values: dict[str, Any]):
        self.number, self.values, self.errors = number, values, []
        self.clean: dict[str, Any] = {"row": number}

    def text(self, key: str, limit: int | None = None) -> str:
        value = cell_text(self.values.get(key))
        return value[:limit] if limit else value

    def date(self, key: str) -> date | None:
        try:
            return parse_date(self.values.get(key))
        except (ValueError, OverflowError):
            self.errors.append(
                f"{DATE_LABELS[key]}“{self.text(key)}”不是有效日期（例如 2024-03-05）"
            )
            return None


def _region_for(row: _Row, lookups: _Lookups) -> Region | None:
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


def _enterprise(row: _Row, lookups: _Lookups) -> None:
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


def _new_enterprise(row: _Row, lookups: _Lookups, name: str, code: str) -> None:
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


def _sector(row: _Row, lookups: _Lookups) -> None:
    """The hazard's sector: the row's when it names a known one, else the enterprise's."""
    named = lookups.sectors.get(row.text("sector"))
    if named is not None and row.clean.get("enterprise_id"):
        if lookups.allowed_sector_ids is None or named.pk in lookups.allowed_sector_ids:
            row.clean["sector_id"] = named.pk


def _clause(row: _Row, lookups: _Lookups, level: str | None) -> None:
    text = row.text("clause")
    sector = lookups.sector_by_id.get(row.clean.get("sector_id"))
    clause = _match_clause(text, sector, lookups) if text and sector else None
    if clause is not None:
        row.clean["clause_id"] = clause.pk
    elif level == HazardLevel.MAJOR:
        if not text:
            row.errors.append("重大事故隐患须填写判定依据（判定标准条款）")
        elif sector is not None:
            row.errors.append(f"判定依据“{text[:40]}”无法对应到适用于“{sector.name}”的判定标准条款")
    elif text:
        row.clean["clause_note"] = text


def _applies(clause: Clause, sector: Sector, lookups: _Lookups) -> bool:
    ids = {sector.pk, sector.parent_id}
    return bool(lookups.standard_sectors.get(clause.standard_id, set()) & ids)


def _match_clause(text: str, sector: Sector, lookups: _Lookups) -> Clause | None:
    """Match 判定依据 text: 《standard》ref, a doc number with a ref, a ref alone, or the text."""
    if match := _CITATION.search(text):
        clause = lookups.clauses_by_standard_ref.get((match["name"], match["ref"]))
        if clause is not None and _applies(clause, sector, lookups):
            return clause
    applicable = [c for c in lookups.clauses.values() if _applies(c, sector, lookups)]
    compact = re.sub(r"\s", "", text)
    by_ref = [c for c in applicable if c.ref in compact]
    if by_ref:
        with_doc = [c for c in by_ref if c.standard.doc_no and c.standard.doc_no in compact]
        for candidates in (with_doc, by_ref):
            longest = max(len(c.ref) for c in candidates) if candidates else 0
            best = [c for c in candidates if len(c.ref) == longest]
            current = [c for c in best if c.standard.superseded_by_id is None]
            if len(best) == 1:
                return best[0]
            if len(current) == 1:
                return current[0]
    by_text = [c for c in applicable if len(c.text) >= 8 and re.sub(r"\s", "", c.text) in compact]
    return by_text[0] if len(by_text) == 1 else None


def _state(row: _Row, found: date | None) -> None:
    raw = row.text("state")
    completed, rechecked, closed = (
        row.clean.get("completed_date"),
        row.clean.get("recheck_date"),
        row.clean.get("closed_date"),
    )
    if raw not in STATES:
        row.errors.append(
            f"整改状态“{raw}”无法识别（可填：已登记、整改中、已整改、已复查、已销号）"
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
        row.errors.append(f"状态为“{HazardState(state).label}”的隐患须填写整改完成日期")
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


def _supervision(row: _Row, lookups: _Lookups, level: str | None, seen: dict[str, int]) -> None:
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


def _validate(row: _Row, lookups: _Lookups, seen: dict) -> None:
    _enterprise(row, lookups)
    _sector(row, lookups)
    description = row.text("description")
    place = row.text("place", 128) or "（原台账未注明）"
    if not description:
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
        labels = {label: value for value, label in HazardSource.choices}
        source = labels.get(source_text) or next(
            (value for word, value in SOURCE_WORDS if word in source_text), None
        )
        if source is None:
            row.errors.append(f"隐患来源“{source_text}”无法识别")
    found = _dates(row)
    _state(row, found)
    _clause(row, lookups, level)
    _supervision(row, lookups, level, seen["doc_no"])
    try:
        funds = _money(row.text("funds"))
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
    _duplicate(row, lookups, seen["hazard"])


def _duplicate(row: _Row, lookups: _Lookups, seen: dict) -> None:
    owner = row.clean.get("enterprise_id") or row.clean.get("new_enterprise")
    found, description = row.clean.get("found_date"), row.clean.get("description")
    if not owner or not found or not description:
        return
    key = (owner, description, found)
    if key in lookups.existing:
        row.errors.append("系统中已有同一企业、同一发现日期、相同描述的隐患（重复导入）")
    elif key in seen:
        row.errors.append(f"与第 {seen[key]} 行重复（同一企业、发现日期和隐患描述）")
    else:
        seen[key] = row.number


# ---------------------------------------------------------------- preview and commit


def _check_can_import(by) -> None:
    if not by.has_role(*REGISTER_ROLES):
        raise ServiceError("只有执法检查员、审核人员和管理员可以导入隐患台账。", kind=Kind.ROLE)


def ledger_import_preview(*, by, data: bytes, file_name: str) -> LedgerImport:
    """Validate an uploaded ledger and keep the result for the user to review and commit.

    A problem with the file as a whole raises SpreadsheetError; row problems are stored.
    """
    _check_can_import(by)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，请拆分后导入。")
    if data[:2] == b"PK":
        _guard_row_count(data, IMPORT_MAX_ROWS)
    header, body = read_rows(data, max_rows=IMPORT_MAX_ROWS)
    mapping = _map_header(header)
    raw = [
        (number, {k: cells[i] if i < len(cells) else None for k, i in mapping.items()})
        for number, cells in body
    ]
    if not raw:
        raise SpreadsheetError("文件中只有表头，没有隐患数据。")
    texts = [{k: cell_text(v) for k, v in values.items()} for _, values in raw]
    lookups = _load_lookups(by, texts)
    _load_existing(lookups, [_known_enterprise(values, lookups) for values in texts])
    seen: dict[str, dict] = {"hazard": {}, "doc_no": {}}
    cleaned, errors = [], []
    for number, values in raw:
        row = _Row(number, values)
        _validate(row, lookups, seen)
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
    return LedgerImport.objects.create(
        file_name=file_name[:255],
        uploaded_by=by,
        region=by.scope_region,
        status="failed" if errors else "preview",
        row_count=len(cleaned),
        rows=cleaned,
        errors=errors,
        new_enterprises=list(lookups.new_enterprises.values()),
    )


def sync_max_rows() -> int:
    return getattr(settings, "LEDGER_IMPORT_SYNC_MAX_ROWS", 500)


def ledger_import_start_commit(*, batch: LedgerImport, by) -> Job | int:
    """Commit a small import now (returns the count) or queue a job for a large one."""
    _check_committable(batch, by)
    if batch.row_count <= sync_max_rows():
        return ledger_import_commit(batch=batch, by=by)
    job = Job.objects.create(
        kind=JOB_KIND,
        title=f"导入隐患台账：{batch.file_name}（{batch.row_count} 条）",
        params={"import_id": batch.pk},
        created_by=by,
    )
    from core.tasks import run_job

    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def _check_committable(batch: LedgerImport, by) -> None:
    _check_can_import(by)
    if batch.uploaded_by_id != by.pk:
        raise ServiceError("只能由上传该文件的用户确认导入。", kind=Kind.CONFLICT)
    if batch.status == "committed":
        raise ServiceError("该文件已经导入过，不能重复导入。", kind=Kind.CONFLICT)
    if batch.status != "preview" or batch.errors:
        raise ServiceError(
            "文件中仍有错误行，整个文件不会导入。请修改后重新上传。", kind=Kind.STATE
        )


def ledger_import_commit(
    *, batch: LedgerImport, by, progress: Callable[[int], None] | None = None
) -> int:
    """Create every hazard (and new enterprise) of a clean preview, or none of them."""
    with transaction.atomic():
        batch = LedgerImport.objects.select_for_update().get(pk=batch.pk)
        _check_committable(batch, by)
        enterprises = _create_enterprises(batch, by)
        clauses = Clause.objects.in_bulk([r["clause_id"] for r in batch.rows if r.get("clause_id")])
        sectors = Sector.objects.in_bulk()
        total = max(len(batch.rows), 1)
        for index, row in enumerate(batch.rows, start=1):
            try:
                _create_hazard(row, by, enterprises, clauses, sectors)
            except ServiceError as exc:
                raise ServiceError(
                    f"第 {row['row']} 行无法导入：{exc.message}", kind=Kind.CONFLICT
                ) from exc
            except Enterprise.DoesNotExist as exc:
                raise ServiceError(
                    f"第 {row['row']} 行无法导入：企业不存在或不在您的管辖范围内。",
                    kind=Kind.CONFLICT,
                ) from exc
            if progress is not None and index % 200 == 0:
                progress(index * 100 // total)
        batch.status = "committed"
        batch.committed_at = timezone.now()
        batch.created_count = len(batch.rows)
        batch.save(update_fields=["status", "committed_at", "created_count", "updated_at"])
    return batch.created_count


def _create_enterprises(batch: LedgerImport, by) -> dict[str, int]:
    codes = [e["credit_code"] for e in batch.new_enterprises]
    taken = set(
        Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
    )
    if taken:
        raise ServiceError(
            f"以下企业在预览后已被登记：{'、'.join(sorted(taken)[:10])}。请重新上传。",
            kind=Kind.CONFLICT,
        )
    created = {}
    for entry in batch.new_enterprises:
        try:
            enterprise = enterprise_create(
                by=by,
                credit_code=entry["credit_code"],
                name=entry["name"],
                region_id=entry["region_id"],
                sector_id=entry["sector_id"],
            )
        except ServiceError as exc:
            raise ServiceError(
                f"无法新建企业“{entry['name']}”：{exc.message}", kind=Kind.CONFLICT
            ) from exc
        created[entry["credit_code"]] = enterprise.pk
    return created


def _create_hazard(row: dict, by, enterprises: dict, clauses: dict, sectors: dict) -> Hazard:
    enterprise_id = row.get("enterprise_id") or enterprises[row["new_enterprise"]]
    deadline = date.fromisoformat(row["deadline"])
    optional_dates = {
        key: date.fromisoformat(row[key]) if row.get(key) else None
        for key in ("completed_date", "recheck_date", "closed_date")
    }
    remarks = row["remarks"]
    if row.get("clause_note"):
        remarks = f"{remarks}\n原判定依据：{row['clause_note']}".strip()
    if row.get("rechecked_by_name") and not row.get("rechecked_by_id"):
        remarks = f"{remarks}\n复查人：{row['rechecked_by_name']}".strip()
    hazard = hazard_register(
        by=by,
        enterprise=enterprise_id,
        level=row["level"],
        place=row["place"],
        description=row["description"],
        deadline=deadline,
        found_date=date.fromisoformat(row["found_date"]),
        clause=clauses.get(row.get("clause_id")),
        sector=sectors[row["sector_id"]],
        source=row["source"],
        state=row["state"],
        measures=row["measures"],
        responsible_person=row["responsible_person"],
        funds=Decimal(row["funds"]) if row.get("funds") else None,
        recheck_unit=row["recheck_unit"],
        rechecked_by_id=row.get("rechecked_by_id"),
        recheck_opinion=row["recheck_opinion"],
        supervisor_unit=row["supervisor_unit"],
        supervisor_person=row["supervisor_person"],
        remarks=remarks,
        **optional_dates,
    )
    _after_register(hazard, row, by)
    return hazard


def _after_register(hazard: Hazard, row: dict, by) -> None:
    """What registration cannot take: an extended deadline, a listing, the import note."""
    changed = []
    if row.get("extended_to") and row["extended_to"] != row["deadline"]:
        hazard.current_deadline = date.fromisoformat(row["extended_to"])
        changed.append("current_deadline")
    listing = row.get("supervision")
    if listing:
        closed = hazard.state == HazardState.CLOSED
        Supervision.objects.create(
            hazard=hazard,
            level=listing["level"],
            doc_no=listing["doc_no"],
            issuing_unit=hazard.supervisor_unit
            or (by.department.name if by.department else "历史台账"),
            deadline=hazard.current_deadline,
            listed_by=by,
            removed_by=by if closed else None,
            removed_at=timezone.now() if closed else None,
        )
        if not closed:
            hazard.supervision_level = listing["level"]
            changed.append("supervision_level")
    if changed:
        hazard._history_user = by
        hazard.save(update_fields=[*changed, "updated_at"])
    old = f"（原台账编号：{row['number_old']}）" if row.get("number_old") else ""
    HazardEvent.objects.create(
        hazard=hazard,
        action=Action.EDIT,
        from_state=hazard.state,
        to_state=hazard.state,
        actor=by,
        comment=f"从历史隐患台账导入，按原台账记为“{hazard.get_state_display()}”{old}。",
        data={"ledger_import": True, "ledger_number": row.get("number_old", "")},
    )


def ledger_import_commit_job(job: Job, progress: Callable[[int], None]) -> None:
    """Job handler for a large commit."""
    batch = LedgerImport.objects.get(pk=job.params["import_id"])
    try:
        count = ledger_import_commit(batch=batch, by=job.created_by, progress=progress)
    except ServiceError as exc:
        job.message = exc.message
        raise
    job.message = f"导入完成：新增隐患 {count} 条。"

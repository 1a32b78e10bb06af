"""The judgment-standard catalog: loading standards and their clauses from the shipped file or
an admin's upload (a plan to preview, then applied), retiring clauses that hazards cite instead
of deleting them, and linking each standard to the one that replaces it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
)

from core.errors import ServiceError
from core.models import Sector

from .models import (
    Clause,
    JudgmentStandard,
)

# The sectors a standard applies to, by the `sector` label of its entry; a label not listed here
# applies to the sector of the same name.
STANDARD_SECTORS = {
    "工贸": [
        "industry",
        "metallurgy",
        "nonferrous",
        "building_materials",
        "machinery",
        "light_industry",
        "textile",
        "tobacco",
        "commerce",
        "dust",
        "confined_space",
        "ammonia",
    ],
    "化工和危险化学品": ["hazchem"],
    "烟花爆竹": ["fireworks"],
    "煤矿": ["coal"],
    "城镇燃气": ["gas"],
    "房屋市政工程": ["construction"],
    "金属非金属矿山": ["noncoal"],
    "渔业船舶": ["fishing_vessel"],
    "电力": ["power"],
    "道路运输": ["road"],
    "民用爆炸物品": ["explosives"],
    "消防": ["fire"],
    "特种设备": ["special_equipment"],
}
# A clause whose 类别 names one of its standard's sectors (冶金, 液氨制冷 …) applies to that
# sector only; these are the standards' own names for sectors that the sector list calls otherwise.
SUB_SECTOR_ALIASES = {"粉尘爆炸": "粉尘涉爆"}
DATA_FILE = Path(__file__).resolve().parent / "data" / "judgment_standards.json"
_SUCCESSOR_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:起)?施行|自\s*(\d{4}-\d{2}-\d{2})\s*起")
_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass
class StandardPlan:
    """What loading one standard entry will do: the standard's fields and its clause changes."""

    code: str
    fields: dict
    sectors: list[Sector]
    clauses: list[dict]
    exists: bool = False
    added: list[str] = dataclass_field(default_factory=list)
    changed: list[str] = dataclass_field(default_factory=list)
    unchanged: int = 0
    retired: list[str] = dataclass_field(default_factory=list)
    deleted: list[str] = dataclass_field(default_factory=list)

    @property
    def name(self) -> str:
        return self.fields["name"]

    @property
    def sector_names(self) -> str:
        return "、".join(s.name for s in self.sectors)


def _entry_error(entry: dict, index: int, message: str) -> ServiceError:
    label = entry.get("name") or entry.get("code") or f"第 {index} 个标准"
    return ServiceError(f"“{label}”：{message}", field="file")


def _entry_text(entry: dict, index: int, key: str, label: str, limit: int | None) -> str:
    value = entry.get(key)
    text = "" if value is None else str(value).strip()
    if limit and len(text) > limit:
        raise _entry_error(entry, index, f"{label}不能超过 {limit} 个字。")
    return text


def _entry_date(entry: dict, index: int, key: str, label: str) -> date | None:
    value = entry.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise _entry_error(
            entry, index, f"{label}“{value}”不是有效日期（如 2026-07-01）。"
        ) from None


def _entry_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _standard_sectors(entry: dict, index: int, sectors: dict[str, Sector]) -> list[Sector]:
    by_name = {s.name: s for s in sectors.values()}
    codes = entry.get("sectors")
    if codes:
        unknown = [c for c in codes if c not in sectors and c not in by_name]
        if unknown:
            raise _entry_error(entry, index, f"行业领域“{'、'.join(unknown)}”不存在。")
        return [sectors.get(c) or by_name[c] for c in codes]
    label = str(entry.get("sector") or "").strip()
    if not label:
        raise _entry_error(entry, index, "请注明适用的行业领域。")
    if label in STANDARD_SECTORS:
        return [sectors[c] for c in STANDARD_SECTORS[label] if c in sectors]
    if label in by_name:
        return [by_name[label]]
    raise _entry_error(entry, index, f"适用行业“{label}”不在行业领域列表中，请注明适用的行业领域。")


def _ends(entry: dict, index: int, successor: str, status: str) -> date | None:
    ends = _entry_date(entry, index, "ends", "废止日期")
    if ends is None:
        for text in (successor, status):
            if match := _SUCCESSOR_DATE.search(text):
                return date.fromisoformat(match.group(1) or match.group(2))
    return ends


def _applies_to(sub_sector: str, sectors: list[Sector]) -> Sector | None:
    name = SUB_SECTOR_ALIASES.get(sub_sector, sub_sector)
    return next((s for s in sectors if s.name == name), None) if len(sectors) > 1 else None


def _plan_entry(entry: dict, index: int, sectors: dict[str, Sector]) -> StandardPlan:
    """One entry of a standards file as a plan to preview. Past 60 lines: one check per field
    of the shared schema, in the file's order."""
    if not isinstance(entry, dict):
        raise ServiceError(f"第 {index} 个标准的格式不对：应为对象。", field="file")
    code = _entry_text(entry, index, "code", "代码", 64)
    if not _CODE.match(code):
        raise _entry_error(entry, index, "代码只能由字母、数字、“-”和“_”组成，例如 xiaofang-2025。")
    name = _entry_text(entry, index, "name", "名称", 128)
    if not name:
        raise _entry_error(entry, index, "缺少标准名称。")
    successor = _entry_text(entry, index, "superseded_by", "替代标准", None)
    status = _entry_text(entry, index, "status_note", "状态说明", None)
    lead_ins = entry.get("lead_ins") if isinstance(entry.get("lead_ins"), dict) else {}
    own_sectors = _standard_sectors(entry, index, sectors)
    fields = {
        "name": name,
        "doc_no": _entry_text(entry, index, "doc_no", "文号", 64),
        "issuer": _entry_text(entry, index, "issuer", "发布机关", 64),
        "sector_label": _entry_text(entry, index, "sector", "适用行业", 32),
        "published": _entry_date(entry, index, "published", "发布日期"),
        "effective": _entry_date(entry, index, "effective", "施行日期"),
        "ends": _ends(entry, index, successor, status),
        "successor_note": successor,
        "supersedes_note": _entry_text(entry, index, "supersedes", "替代的旧标准", None),
        "status_note": status,
        "complete": entry.get("complete") is not False,
        "missing": _entry_text(entry, index, "missing", "缺少的部分", None),
        "notes": _entry_text(entry, index, "note", "说明", None),
        "source": _entry_text(entry, index, "source", "来源", None),
    }
    raw = entry.get("clauses")
    if not isinstance(raw, list) or not raw:
        raise _entry_error(entry, index, "没有条款（clauses）。")
    clauses, seen = [], set()
    for number, item in enumerate(raw, start=1):
        ref = str((item or {}).get("ref") or "").strip() if isinstance(item, dict) else ""
        text = str(item.get("text") or "").strip() if isinstance(item, dict) else ""
        if not ref or not text:
            raise _entry_error(entry, index, f"第 {number} 条缺少条款编号（ref）或内容（text）。")
        if len(ref) > 64:
            raise _entry_error(entry, index, f"条款编号“{ref[:20]}…”超过 64 个字。")
        if ref in seen:
            raise _entry_error(entry, index, f"条款编号“{ref}”重复。")
        seen.add(ref)
        sub_sector = str(item.get("sub_sector") or "").strip()[:255]
        article = _entry_int(item.get("article"))
        lead_in = lead_ins.get(str(article)) if article is not None else None
        clauses.append(
            {
                "ref": ref,
                "article": article,
                "item": _entry_int(item.get("item")),
                "sub_sector": sub_sector,
                "applies_to": _applies_to(sub_sector, own_sectors),
                "lead_in": str(
                    item.get("lead_in") or lead_in or entry.get("lead_in") or ""
                ).strip(),
                "text": text,
                "order": number,
            }
        )
    return StandardPlan(code=code, fields=fields, sectors=own_sectors, clauses=clauses)


def _cited() -> Q:
    """Clauses that anything refers to (hazards, inspection checklists and findings)."""
    condition = Q(pk__in=[])
    for relation in Clause._meta.get_fields(include_hidden=True):
        if relation.one_to_many and relation.auto_created:
            model, name = relation.related_model, relation.field.name
            condition |= Q(Exists(model._default_manager.filter(**{name: OuterRef("pk")})))
    return condition


_CLAUSE_FIELDS = ("article", "item", "sub_sector", "applies_to", "lead_in", "text", "order")


def standards_plan(items: list) -> list[StandardPlan]:
    """What loading these entries (the shared JSON schema) would do, without doing it: new and
    changed clauses, and the clauses that are no longer listed, retired where something cites
    them and deleted otherwise."""
    if not isinstance(items, list) or not items:
        raise ServiceError("文件中没有判定标准。", field="file")
    sectors = {s.code: s for s in Sector.objects.all()}
    plans = [_plan_entry(entry, i, sectors) for i, entry in enumerate(items, start=1)]
    codes = [p.code for p in plans]
    if len(set(codes)) != len(codes):
        raise ServiceError("文件中有代码重复的标准。", field="file")
    existing = {s.code: s for s in JudgmentStandard.objects.filter(code__in=codes)}
    for plan in plans:
        standard = existing.get(plan.code)
        if standard is None:
            plan.added = [c["ref"] for c in plan.clauses]
            continue
        plan.exists = True
        cited = ExpressionWrapper(_cited(), output_field=BooleanField())
        current = {c.ref: c for c in standard.clauses.annotate(cited=cited)}
        for clause in plan.clauses:
            old = current.pop(clause["ref"], None)
            if old is None:
                plan.added.append(clause["ref"])
            elif old.retired or any(
                getattr(old, f"{name}_id" if name == "applies_to" else name)
                != (clause[name].pk if name == "applies_to" and clause[name] else clause[name])
                for name in _CLAUSE_FIELDS
            ):
                plan.changed.append(clause["ref"])
            else:
                plan.unchanged += 1
        for old in current.values():
            if old.cited:
                if not old.retired:
                    plan.retired.append(old.ref)
            else:
                plan.deleted.append(old.ref)
    return plans


def _differs(clause: Clause, name: str, value) -> bool:
    if name == "applies_to":  # compare keys: reading the relation would cost a query a clause
        return clause.applies_to_id != (value.pk if value else None)
    return getattr(clause, name) != value


@transaction.atomic
def standards_apply(plans: list[StandardPlan]) -> tuple[int, int]:
    """Create or update the planned standards and clauses (loading again changes nothing)."""
    clauses = 0
    for plan in plans:
        standard, _ = JudgmentStandard.objects.update_or_create(
            code=plan.code, defaults=plan.fields
        )
        standard.sectors.set(plan.sectors)
        # One read per standard, then only the new and changed clauses are written: loading the
        # bundled file again (every test session, every `make run`) costs a few queries.
        current = {c.ref: c for c in standard.clauses.all()}
        added, changed = [], []
        for clause in plan.clauses:
            values = {**{k: v for k, v in clause.items() if k != "ref"}, "retired": False}
            old = current.get(clause["ref"])
            if old is None:
                added.append(Clause(standard=standard, ref=clause["ref"], **values))
            elif any(_differs(old, name, value) for name, value in values.items()):
                for name, value in values.items():
                    setattr(old, name, value)
                changed.append(old)
            clauses += 1
        Clause.objects.bulk_create(added)
        if changed:
            Clause.objects.bulk_update(changed, ["retired", *_CLAUSE_FIELDS])
        gone = standard.clauses.exclude(ref__in=[c["ref"] for c in plan.clauses])
        cited = gone.filter(_cited())
        cited.update(retired=True)
        gone.exclude(pk__in=cited.values("pk")).delete()
    _link_successors()
    return len(plans), clauses


def standards_load(*, path: Path = DATA_FILE) -> tuple[int, int]:
    """Create or update the standards and clauses of the bundled JSON file (idempotent)."""
    return standards_apply(standards_plan(json.loads(path.read_text(encoding="utf-8"))))


def _compact(text: str) -> str:
    return re.sub(r"[\s\-—–－]", "", text or "")


def _succeeds(new: JudgmentStandard, old: JudgmentStandard, sectors: dict[int, set]) -> bool:
    """Whether `new` replaces `old`: it shares a sector and is named as its successor, names
    `old` as what it replaces, or is a later revision under the same name."""
    if new.pk == old.pk or not sectors[new.pk] & sectors[old.pk]:
        return False
    if new.doc_no and _compact(new.doc_no) in _compact(old.successor_note):
        return True
    if old.doc_no and _compact(old.doc_no) in _compact(new.supersedes_note):
        return True
    return (
        new.name == old.name
        and new.effective is not None
        and (old.effective is None or new.effective > old.effective)
    )


def _link_successors() -> None:
    standards = list(JudgmentStandard.objects.prefetch_related("sectors"))
    sectors = {s.pk: {x.pk for x in s.sectors.all()} for s in standards}
    for old in standards:
        successors = [s for s in standards if _succeeds(s, old, sectors)]
        if not successors:
            continue
        new = min(successors, key=lambda s: s.effective or date.max)
        ends = new.effective or old.ends
        if (old.superseded_by_id, old.ends) != (new.pk, ends):
            JudgmentStandard.objects.filter(pk=old.pk).update(superseded_by=new, ends=ends)

"""Hazard services: registration with gap-free numbering, edits, photos, standards, queues."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from accounts.choices import Role
from core.errors import Kind, ServiceError, full_clean
from core.models import Sector
from enterprises.models import Enterprise

from .choices import (
    OPEN_STATES,
    Action,
    ExtensionStatus,
    HazardLevel,
    HazardState,
    PhotoKind,
    StandardStatus,
)
from .models import (
    Clause,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardSequence,
    JudgmentStandard,
    Supervision,
)
from .photos import check_image
from .versioning import bump_on_commit
from .workflow import EDIT_STATES, PHOTO_STATES, TABLE

REGISTER_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER, Role.ADMIN})
EDITABLE_FIELDS = (
    "level",
    "clause",
    "other_basis",
    "source",
    "place",
    "description",
    "stoppage",
    "supervisor_unit",
    "supervisor_person",
    "remarks",
    "deadline",
)


def next_number(county_code: str, year: int) -> str:
    """Take the next number of a county and year. Call inside the registering transaction:
    the sequence row stays locked until it commits, and a rollback returns the number."""
    HazardSequence.objects.bulk_create(
        [HazardSequence(county_code=county_code, year=year)], ignore_conflicts=True
    )
    sequence = HazardSequence.objects.select_for_update().get(county_code=county_code, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{county_code}-{year}-{sequence.last:05d}"


OTHER_BASIS_MIN_LENGTH = 6


def _check_basis(
    *,
    level: str,
    clause: Clause | None,
    other_basis: str,
    enterprise: Enterprise,
    sector: Sector,
    found_date: date,
) -> None:
    """A 重大 hazard cites a clause of a standard in force on its found date that applies to the
    enterprise; where the sector's standard is missing, incomplete or replaced by one not loaded
    yet, it may cite 其他依据 instead, with the legal basis written out."""
    if clause is not None and other_basis:
        raise ServiceError("判定依据只能是一项：判定标准条款，或其他依据。", field="other_basis")
    if other_basis:
        if level != HazardLevel.MAJOR:
            raise ServiceError("只有重大事故隐患需要填写其他依据。", field="other_basis")
        if not basis_gap(sector, found_date):
            raise ServiceError(
                f"“{sector.name}”行业的判定标准已完整录入，请从判定标准条款中选择判定依据。",
                field="other_basis",
            )
        if len(other_basis) < OTHER_BASIS_MIN_LENGTH:
            raise ServiceError(
                "请写明其他依据：法律法规或标准的名称及条款，以及认定为重大事故隐患的理由。",
                field="other_basis",
            )
        return
    if level == HazardLevel.MAJOR and clause is None:
        if basis_gap(sector, found_date):
            raise ServiceError(
                "重大事故隐患必须选择判定依据：从判定标准条款中选择，或选择“其他依据”并写明法律依据。",
                field="clause",
            )
        raise ServiceError("重大事故隐患必须选择判定依据（判定标准条款）。", field="clause")
    if clause is None:
        return
    sectors = hazard_sectors(enterprise, sector)
    if clause_offer(sectors=sectors, on=found_date).filter(pk=clause.pk).exists():
        return
    if clause.retired:
        raise ServiceError("所选条款已停用，请重新选择判定依据。", field="clause")
    if not clause_search(sectors=sectors, current_only=False).filter(pk=clause.pk).exists():
        raise ServiceError("所选判定依据不适用于该企业的行业领域。", field="clause")
    standard = clause.standard
    raise ServiceError(
        f"所选条款所属的《{standard.name}》在发现日期 {found_date:%Y-%m-%d} 不适用"
        f"（{standard.warning_on(found_date)}），请选择当时施行的标准的条款。",
        field="clause",
    )


def _check_registration(
    level: str, found_date: date, deadline: date, place: str, description: str
) -> None:
    if level not in HazardLevel.values:
        raise ServiceError("请选择隐患级别。", field="level")
    if found_date > timezone.localdate():
        raise ServiceError("发现日期不能晚于今天。", field="found_date")
    if deadline < found_date:
        raise ServiceError("整改期限不能早于发现日期。", field="deadline")
    if not place.strip() or not description.strip():
        raise ServiceError(
            "请填写隐患地点/部位和隐患描述。", field="description" if place.strip() else "place"
        )


def _registration_sector(by, enterprise: Enterprise, sector: Sector | None) -> Sector:
    """The hazard's sector: one of the enterprise's sectors, and one the user's department
    supervises (the enterprise's main sector when none is given)."""
    sector = sector or enterprise.sector
    if sector != enterprise.sector and not enterprise.other_sectors.filter(pk=sector.pk).exists():
        raise ServiceError("行业领域应为该企业登记的行业领域之一。", field="sector")
    if by.scope_sector_ids is not None and sector.pk not in by.scope_sector_ids:
        raise ServiceError("该行业领域不属于您所在部门的监管范围。", field="sector")
    return sector


def hazard_register(
    *,
    by,
    enterprise: Enterprise | int,
    level: str,
    place: str,
    description: str,
    deadline: date,
    found_date: date | None = None,
    clause: Clause | None = None,
    other_basis: str = "",
    photos: list[tuple[str, bytes]] = (),
    **fields: Any,
) -> Hazard:
    """Register a hazard found at an enterprise the user can see; photos are 'before' photos."""
    if not by.has_role(*REGISTER_ROLES):
        raise ServiceError("您的角色不能登记隐患。", kind=Kind.ROLE)
    pk = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    enterprise = Enterprise.objects.for_user(by).select_related("sector").get(pk=pk)
    found_date = found_date or timezone.localdate()
    _check_registration(level, found_date, deadline, place, description)
    sector = _registration_sector(by, enterprise, fields.pop("sector", None))
    other_basis = (other_basis or "").strip()
    _check_basis(
        level=level,
        clause=clause,
        other_basis=other_basis,
        enterprise=enterprise,
        sector=sector,
        found_date=found_date,
    )
    checked = [check_image(data, name) for name, data in photos]
    with transaction.atomic():
        hazard = Hazard(
            number=next_number(enterprise.region_id[:6], found_date.year),
            enterprise=enterprise,
            region_id=enterprise.region_id,
            sector=sector,
            level=level,
            clause=clause,
            other_basis=other_basis,
            place=place.strip(),
            description=description.strip(),
            found_date=found_date,
            found_by=by,
            deadline=deadline,
            current_deadline=deadline,
            **fields,
        )
        hazard._history_user = by
        full_clean(hazard, exclude=["number", "found_by"], validate_constraints=False)
        hazard.save()
        bump_on_commit()
        event = HazardEvent.objects.create(
            hazard=hazard,
            action=Action.REGISTER,
            from_state="",
            to_state=hazard.state,
            actor=by,
            data={
                "level": level,
                "deadline": deadline.isoformat(),
                **({"other_basis": other_basis} if other_basis else {}),
            },
        )
        for image in checked:
            _save_photo(hazard, image, PhotoKind.BEFORE, by, event)
    return hazard


def hazard_update(*, hazard: Hazard | int, by, comment: str = "", **changes: Any) -> Hazard:
    """Edit a hazard's description fields while it is open; each edit is an event, with
    `comment` saying why (for instance the document that ordered it)."""
    pk = hazard.pk if isinstance(hazard, Hazard) else hazard
    with transaction.atomic():
        hazard = Hazard.objects.for_user(by).select_for_update(of=("self",)).get(pk=pk)
        if not by.has_role(*REGISTER_ROLES):
            raise ServiceError("您的角色不能修改隐患信息。", kind=Kind.ROLE)
        if hazard.state not in EDIT_STATES:
            raise ServiceError(
                f"隐患当前状态为“{hazard.get_state_display()}”，不能修改。", kind=Kind.STATE
            )
        changed = []
        for name, value in changes.items():
            if name not in EDITABLE_FIELDS:
                raise ServiceError(f"字段“{name}”不能在这里修改。", field=name)
            if name == "other_basis":
                value = (value or "").strip()
            if getattr(hazard, name) != value:
                setattr(hazard, name, value)
                changed.append(name)
        if "deadline" in changed:
            if hazard.state != HazardState.REGISTERED:
                raise ServiceError("整改开始后不能直接修改期限，请申请延期。", field="deadline")
            if hazard.deadline < hazard.found_date:
                raise ServiceError("整改期限不能早于发现日期。", field="deadline")
            hazard.current_deadline = hazard.deadline
        if not changed:
            return hazard
        if {"level", "clause", "other_basis"} & set(changed):
            _check_basis(
                level=hazard.level,
                clause=hazard.clause,
                other_basis=hazard.other_basis,
                enterprise=hazard.enterprise,
                sector=hazard.sector,
                found_date=hazard.found_date,
            )
        if "other_basis" in changed:
            # A basis written anew is confirmed anew before sign-off.
            hazard.basis_confirmed_by = hazard.basis_confirmed_at = None
        hazard._history_user = by
        full_clean(hazard, exclude=["number", "found_by"], validate_constraints=False)
        hazard.save()
        bump_on_commit()
        HazardEvent.objects.create(
            hazard=hazard,
            action=Action.EDIT,
            from_state=hazard.state,
            to_state=hazard.state,
            actor=by,
            comment=comment.strip(),
            data={"fields": [str(Hazard._meta.get_field(n).verbose_name) for n in changed]},
        )
    return hazard


def hazard_add_photo(
    *, hazard: Hazard | int, by, kind: str, data: bytes, name: str = ""
) -> HazardPhoto:
    """Add a before or after photo; the step is written to the timeline."""
    pk = hazard.pk if isinstance(hazard, Hazard) else hazard
    if kind not in PhotoKind.values:
        raise ServiceError("照片类型应为 before（整改前）或 after（整改后）。", field="kind")
    image = check_image(data, name)
    with transaction.atomic():
        hazard = Hazard.objects.for_user(by).select_for_update(of=("self",)).get(pk=pk)
        if not by.has_role(*REGISTER_ROLES):
            raise ServiceError("您的角色不能上传照片。", kind=Kind.ROLE)
        if hazard.state not in PHOTO_STATES[kind]:
            raise ServiceError(
                f"隐患当前状态为“{hazard.get_state_display()}”，不能上传{PhotoKind(kind).label}照片。",
                kind=Kind.STATE,
            )
        event = HazardEvent.objects.create(
            hazard=hazard,
            action=Action.ADD_PHOTO,
            from_state=hazard.state,
            to_state=hazard.state,
            actor=by,
            data={"kind": kind},
        )
        return _save_photo(hazard, image, kind, by, event)


def _save_photo(hazard, image, kind, by, event) -> HazardPhoto:
    photo = HazardPhoto(
        hazard=hazard,
        event=event,
        kind=kind,
        extension=image.extension,
        width=image.width,
        height=image.height,
        size=len(image.data),
        uploaded_by=by,
    )
    photo.image.save(f"photo.{image.extension}", ContentFile(image.data), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(image.thumbnail), save=False)
    photo.save()
    return photo


# ---------------------------------------------------------------- judgment standards

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


@transaction.atomic
def standards_apply(plans: list[StandardPlan]) -> tuple[int, int]:
    """Create or update the planned standards and clauses (loading again changes nothing)."""
    clauses = 0
    for plan in plans:
        standard, _ = JudgmentStandard.objects.update_or_create(
            code=plan.code, defaults=plan.fields
        )
        standard.sectors.set(plan.sectors)
        for clause in plan.clauses:
            Clause.objects.update_or_create(
                standard=standard,
                ref=clause["ref"],
                defaults={**{k: v for k, v in clause.items() if k != "ref"}, "retired": False},
            )
            clauses += 1
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


def standards_in_force(on: date) -> QuerySet[JudgmentStandard]:
    """The standards that apply to a hazard found on a day: in force since, and not replaced by
    a loaded successor. One whose successor is not loaded yet stays (with a warning)."""
    return JudgmentStandard.objects.exclude(effective__gt=on).exclude(
        Q(superseded_by__isnull=False) & (Q(ends__isnull=True) | Q(ends__lte=on))
    )


def hazard_sectors(enterprise: Enterprise, sector: Sector | None = None) -> list[Sector]:
    """The sector a hazard is registered under, then the enterprise's other sectors (the special
    marks such as 液氨制冷 or 有限空间 that bring their own clauses)."""
    first = sector or enterprise.sector
    return [first, *(s for s in enterprise.other_sectors.all() if s.pk != first.pk)]


def _sector_clauses(sectors: list[Sector]) -> Q:
    ids = {s.pk for s in sectors}
    broad = ids | {s.parent_id for s in sectors if s.parent_id}
    standards = JudgmentStandard.objects.filter(sectors__in=broad).values("pk")
    return Q(standard__in=standards) & (
        Q(applies_to__isnull=True) | Q(applies_to__in=ids) | Q(applies_to__parent__in=ids)
    )


def clause_offer(*, sectors: list[Sector], on: date | None = None) -> QuerySet[Clause]:
    """The clauses offered for a hazard of these sectors found on a day: those of the standards
    in force that day, by sub-sector where the standard has them (a 冶金 enterprise gets the
    general and the 冶金 items of the 工贸 standard, not the 有色 ones; 液氨制冷 items only where
    the enterprise is marked with it). Retired clauses are not offered."""
    on = on or timezone.localdate()
    return (
        Clause.objects.filter(_sector_clauses(sectors), retired=False)
        .filter(standard__in=standards_in_force(on).values("pk"))
        .select_related("standard__superseded_by", "applies_to")
    )


def clause_choices(sector: Sector) -> QuerySet[Clause]:
    """Clauses offered today for a hazard of a sector (or its parent sector)."""
    return clause_offer(sectors=[sector])


_NUMERAL = "零〇一二两三四五六七八九十百\\d"
_REFERENCE = re.compile(
    rf"^(?:(?P<doc>[^第\s]*?\d+)号令?)?"
    rf"(?:第(?P<article>[{_NUMERAL}]+)条)?"
    rf"(?:第?[（(](?P<item>[{_NUMERAL}]+)[）)]项?|第(?P<item_only>[{_NUMERAL}]+)项)?$"
)
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零三 → 103; Arabic digits as they are."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total, digit = total + (digit or 1) * 100, 0
        elif char == "十":
            total, digit = total + (digit or 1) * 10, 0
        else:
            digit = _DIGITS[char]
    return total + digit


def reference_numbers(ref: str) -> tuple[int | None, int | None]:
    """The article and item numbers of a clause reference: 第四条第（一）项 → (4, 1)."""
    match = _REFERENCE.match(re.sub(r"\s", "", ref))
    if not match:
        return None, None
    item = match["item"] or match["item_only"]
    return (
        chinese_number(match["article"]) if match["article"] else None,
        chinese_number(item) if item else None,
    )


def _reference(word: str) -> Q | None:
    """A citation such as 121号第六项, 10号令第四条第（一）项, 第十二条 or 第（三）项, as a
    condition on clauses; None when the word is not one."""
    match = _REFERENCE.match(word)
    if not match or not any(match.groupdict().values()):
        return None
    condition = Q()
    if match["doc"]:
        condition &= Q(standard__doc_no__regex=rf"(^|[^0-9]){re.escape(match['doc'])}号")
    article = chinese_number(match["article"]) if match["article"] else None
    item_text = match["item"] or match["item_only"]
    item = chinese_number(item_text) if item_text else None
    if article is not None:
        condition &= Q(article=article)
        if item is not None:
            condition &= Q(item=item)
    elif item is not None:
        # Standards numbered 一、二… under one lead-in record their items as articles (第六条).
        condition &= Q(item=item) | Q(item__isnull=True, article=item)
    return condition


def _keyword(qs: QuerySet[Clause], keyword: str) -> QuerySet[Clause]:
    for word in keyword.split():
        condition = _reference(word)
        if condition is None:
            condition = (
                Q(text__icontains=word)
                | Q(ref__icontains=word)
                | Q(sub_sector__icontains=word)
                | Q(lead_in__icontains=word)
                | Q(standard__doc_no__icontains=word)
            )
        qs = qs.filter(condition)
    return qs


def clause_search(
    *,
    sector: Sector | None = None,
    sectors: list[Sector] | None = None,
    keyword: str = "",
    current_only: bool = True,
    on: date | None = None,
) -> QuerySet[Clause]:
    """One search across all standards, or those of some sectors: words of the clause text, or
    references such as 121号第六项. `current_only`: only clauses offered on `on` (default
    today); otherwise every clause, including those of replaced standards and retired ones."""
    sectors = sectors if sectors is not None else [sector] if sector else []
    if current_only:
        qs = (
            clause_offer(sectors=sectors, on=on)
            if sectors
            else Clause.objects.filter(
                retired=False,
                standard__in=standards_in_force(on or timezone.localdate()).values("pk"),
            ).select_related("standard__superseded_by", "applies_to")
        )
    else:
        qs = Clause.objects.select_related("standard__superseded_by", "applies_to")
        if sectors:
            qs = qs.filter(_sector_clauses(sectors))
    return _keyword(qs, keyword).order_by("standard__code", "order")


def basis_gap(sector: Sector, on: date | None = None) -> str:
    """Why the catalog cannot give a 重大 hazard of this sector found on a day its clause
    (no standard, an incomplete one, or one replaced by a successor not loaded yet), or ''."""
    on = on or timezone.localdate()
    ids = [sector.pk] + ([sector.parent_id] if sector.parent_id else [])
    standards = (
        standards_in_force(on)
        .filter(pk__in=JudgmentStandard.objects.filter(sectors__in=ids).values("pk"))
        .select_related("superseded_by")
        .order_by("code")
    )
    found = False
    for standard in standards:
        found = True
        if standard.status_on(on) == StandardStatus.ENDED:
            return f"《{standard.name}》{standard.warning_on(on)}"
        if not standard.complete:
            return f"《{standard.name}》条款未完整收录"
    return "" if found else f"“{sector.name}”行业尚未录入重大事故隐患判定标准"


def standard_tasks() -> list[dict]:
    """What admins should do to the catalog: load the successor of a standard that has been
    replaced by one not in the catalog yet, and complete the standards marked incomplete."""
    today = timezone.localdate()
    tasks = []
    for standard in JudgmentStandard.objects.select_related("superseded_by").order_by("code"):
        if standard.status_on(today) == StandardStatus.ENDED:
            tasks.append(
                {
                    "standard": standard,
                    "title": f"录入 {standard.successor_label}",
                    "text": f"《{standard.name}》自 {standard.ends:%Y-%m-%d} 起已被取代，"
                    f"新准则（{standard.successor_note}）尚未录入。",
                }
            )
        elif not standard.complete and standard.is_current:
            tasks.append(
                {
                    "standard": standard,
                    "title": f"补全《{standard.name}》",
                    "text": f"条款未完整收录（已录入 {standard.clauses.count()} 条），"
                    "缺少的部分见标准说明。",
                }
            )
    return tasks


# ---------------------------------------------------------------- 待我处理


# What each role is expected to act on; admins see everything waiting for anyone.
QUEUE_ACTIONS = {
    Role.INSPECTOR: (Action.START_RECTIFICATION, Action.SUBMIT_RECTIFICATION, Action.RECHECK_PASS),
    Role.REVIEWER: (Action.SIGN_OFF, Action.APPROVE_EXTENSION, Action.CONFIRM_BASIS),
}


def hazard_queue(user) -> QuerySet[Hazard]:
    """Hazards waiting for a step this user's role is expected to take, within their scope."""
    if user.is_superuser or user.role == Role.ADMIN:
        actions = {a for group in QUEUE_ACTIONS.values() for a in group}
    else:
        actions = set(QUEUE_ACTIONS.get(user.role, ()))
    condition = Q(pk__in=[])
    pending = ExtensionRequest.objects.filter(hazard=OuterRef("pk"), status=ExtensionStatus.PENDING)
    for action in actions:
        if action == Action.APPROVE_EXTENSION:
            condition |= Q(Exists(pending))
        elif action == Action.CONFIRM_BASIS:
            condition |= (
                Q(state__in=TABLE[action].sources)
                & ~Q(other_basis="")
                & Q(basis_confirmed_at__isnull=True)
            )
        else:
            condition |= Q(state__in=TABLE[action].sources)
    return Hazard.objects.for_user(user).filter(condition)


# ---------------------------------------------------------------- progress reports under 挂牌督办


@dataclass(frozen=True)
class ProgressDue:
    """When a listed hazard's next progress report (进展报告) is due, and how late it is."""

    due: date
    late_days: int


def progress_reports_due(hazards, today: date | None = None) -> dict[int, ProgressDue]:
    """For the open, listed hazards among `hazards`: the next progress report falls due one
    reporting interval (default 90 days) after the last report, or after the listing. One
    query, whatever the number of hazards (a list page, or one detail page)."""
    today = today or timezone.localdate()
    ids = [h.pk for h in hazards if h.supervision_level and h.state in OPEN_STATES]
    if not ids:
        return {}
    last_report = (
        HazardEvent.objects.filter(hazard_id=OuterRef("hazard_id"), action=Action.REPORT_PROGRESS)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    listings = {
        s.hazard_id: s
        for s in Supervision.objects.filter(hazard_id__in=ids, removed_at__isnull=True).annotate(
            last_report=Subquery(last_report)
        )
    }
    result = {}
    for hazard_id, listing in listings.items():
        since = max(filter(None, [listing.listed_at, listing.last_report]))
        due = timezone.localtime(since).date() + timedelta(days=listing.report_interval_days)
        result[hazard_id] = ProgressDue(due, max(0, (today - due).days))
    return result

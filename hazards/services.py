"""Hazard services: registration with gap-free numbering, edits, photos, standards, queues."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
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


def _check_clause(level: str, clause: Clause | None, sector: Sector) -> None:
    if level == HazardLevel.MAJOR and clause is None:
        raise ServiceError("重大事故隐患必须选择判定依据（判定标准条款）。", field="clause")
    if clause is not None and not clause_choices(sector).filter(pk=clause.pk).exists():
        raise ServiceError("所选判定依据不适用于该企业的行业领域。", field="clause")


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
    photos: list[tuple[str, bytes]] = (),
    **fields: Any,
) -> Hazard:
    """Register a hazard found at an enterprise the user can see; photos are 'before' photos."""
    if not by.has_role(*REGISTER_ROLES):
        raise ServiceError("您的角色不能登记隐患。", kind=Kind.ROLE)
    pk = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    enterprise = Enterprise.objects.for_user(by).select_related("sector").get(pk=pk)
    found_date = found_date or timezone.localdate()
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
    sector = fields.pop("sector", None) or enterprise.sector
    if sector != enterprise.sector and not enterprise.other_sectors.filter(pk=sector.pk).exists():
        raise ServiceError("行业领域应为该企业登记的行业领域之一。", field="sector")
    if by.scope_sector_ids is not None and sector.pk not in by.scope_sector_ids:
        raise ServiceError("该行业领域不属于您所在部门的监管范围。", field="sector")
    _check_clause(level, clause, sector)
    checked = [check_image(data, name) for name, data in photos]
    with transaction.atomic():
        hazard = Hazard(
            number=next_number(enterprise.region_id[:6], found_date.year),
            enterprise=enterprise,
            region_id=enterprise.region_id,
            sector=sector,
            level=level,
            clause=clause,
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
            data={"level": level, "deadline": deadline.isoformat()},
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
            if getattr(hazard, name) != value:
                setattr(hazard, name, value)
                changed.append(name)
        if "deadline" in changed:
            if hazard.state != HazardState.REGISTERED:
                raise ServiceError("整改开始后不能直接修改期限，请申请延期。", field="deadline")
            if hazard.deadline < hazard.found_date:
                raise ServiceError("整改期限不能早于发现日期。", field="deadline")
            hazard.current_deadline = hazard.deadline
        _check_clause(hazard.level, hazard.clause, hazard.sector)
        if not changed:
            return hazard
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
}
DATA_FILE = Path(__file__).resolve().parent / "data" / "judgment_standards.json"


@transaction.atomic
def standards_load(*, path: Path = DATA_FILE) -> tuple[int, int]:
    """Create or update standards and clauses from the JSON file (idempotent)."""
    items = json.loads(path.read_text(encoding="utf-8"))
    sectors = {s.code: s for s in Sector.objects.all()}
    clauses = 0
    by_code = {}
    for item in items:
        standard, _ = JudgmentStandard.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "doc_no": item.get("doc_no") or "",
                "issuer": item.get("issuer") or "",
                "sector_label": item.get("sector") or "",
                "published": item.get("published"),
                "effective": item.get("effective"),
                "complete": bool(item.get("complete")),
                "notes": item.get("note") or "",
                "source": item.get("source") or "",
            },
        )
        by_code[item["code"]] = standard
        standard.sectors.set(
            [sectors[c] for c in STANDARD_SECTORS.get(item.get("sector"), []) if c in sectors]
        )
        for order, clause in enumerate(item["clauses"], start=1):
            Clause.objects.update_or_create(
                standard=standard,
                ref=clause["ref"],
                defaults={
                    "article": clause.get("article"),
                    "item": clause.get("item"),
                    "sub_sector": clause.get("sub_sector") or "",
                    "text": clause["text"],
                    "order": order,
                },
            )
            clauses += 1
    # The 2026 coal-mine revision replaces the 2020 standard from its effective date.
    if "meikuang-2020" in by_code and "meikuang-2026" in by_code:
        JudgmentStandard.objects.filter(code="meikuang-2020").update(
            superseded_by=by_code["meikuang-2026"]
        )
    return len(items), clauses


def clause_choices(sector: Sector) -> QuerySet[Clause]:
    """Clauses of the standards that apply to a sector (or its parent sector)."""
    ids = [sector.pk] + ([sector.parent_id] if sector.parent_id else [])
    return Clause.objects.filter(standard__sectors__in=ids).select_related("standard").distinct()


def clause_search(
    *, sector: Sector | None, keyword: str = "", current_only: bool = True
) -> QuerySet[Clause]:
    qs = clause_choices(sector) if sector else Clause.objects.select_related("standard")
    if current_only:
        qs = qs.exclude(standard__superseded_by__effective__lte=timezone.localdate())
    for word in keyword.split():
        qs = qs.filter(
            Q(text__icontains=word) | Q(ref__icontains=word) | Q(sub_sector__icontains=word)
        )
    return qs.order_by("standard__code", "order")


# ---------------------------------------------------------------- 待我处理


# What each role is expected to act on; admins see everything waiting for anyone.
QUEUE_ACTIONS = {
    Role.INSPECTOR: (Action.START_RECTIFICATION, Action.SUBMIT_RECTIFICATION, Action.RECHECK_PASS),
    Role.REVIEWER: (Action.SIGN_OFF, Action.APPROVE_EXTENSION),
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

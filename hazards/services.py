"""Hazard services: registration with gap-free numbering, edits, photos, queues and progress
reports. The judgment-standard catalog (`catalog`) and the clauses a hazard may cite (`clauses`)
have their own modules; their public functions are named here too, for one entry point."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from core.errors import Kind, ServiceError, full_clean
from core.models import Sector
from enterprises.models import Enterprise

from .catalog import DATA_FILE, STANDARD_SECTORS, standards_apply, standards_load, standards_plan
from .choices import (
    Action,
    HazardLevel,
    HazardSource,
    HazardState,
    PhotoKind,
)
from .clauses import (
    basis_gap,
    chinese_number,
    clause_choices,
    clause_offer,
    clause_search,
    hazard_sectors,
    reference_numbers,
    standard_tasks,
    standards_in_force,
)
from .models import (
    Clause,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardSequence,
)
from .photos import check_image
from .progress import ProgressDue, progress_reports_due
from .queue import QUEUE_ACTIONS, hazard_queue, queue_reasons
from .versioning import bump_on_commit
from .workflow import EDIT_STATES, PHOTO_STATES

__all__ = [
    "ProgressDue",
    "progress_reports_due",
    "QUEUE_ACTIONS",
    "hazard_queue",
    "queue_reasons",
    "DATA_FILE",
    "EDITABLE_FIELDS",
    "PHOTO_ROLES",
    "REGISTER_ROLES",
    "SELF_REPORT_ROLES",
    "STANDARD_SECTORS",
    "basis_gap",
    "check_photo_count",
    "chinese_number",
    "clause_choices",
    "clause_offer",
    "clause_search",
    "hazard_add_photo",
    "hazard_add_photos",
    "hazard_register",
    "hazard_sectors",
    "hazard_update",
    "next_number",
    "progress_reports_due",
    "reference_numbers",
    "standard_tasks",
    "standards_apply",
    "standards_in_force",
    "standards_load",
    "standards_plan",
]

REGISTER_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER, Role.ADMIN})
# An enterprise registers what its own self-inspection finds (source 企业自查上报) and adds
# photos to its own hazards; it never edits a registered hazard, imports, or registers for others.
SELF_REPORT_ROLES = frozenset({Role.ENTERPRISE})
PHOTO_ROLES = REGISTER_ROLES | SELF_REPORT_ROLES
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
    """Register a hazard found at an enterprise the user can see; photos are 'before' photos.

    Past 60 lines: the checks are each one call, and the row, its event and its photos are
    written in one transaction that reads best in order."""
    if not by.has_role(*REGISTER_ROLES, *SELF_REPORT_ROLES):
        raise ServiceError("您的角色不能登记隐患。", kind=Kind.ROLE)
    if by.is_enterprise_account:
        if fields.setdefault("source", HazardSource.SELF_REPORT) != HazardSource.SELF_REPORT:
            raise ServiceError(
                "企业只能登记自查发现的隐患（隐患来源：企业自查上报）。", field="source"
            )
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
    check_photo_count(len(photos))
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
        bump_on_commit([hazard.region_id])
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
        bump_on_commit([hazard.region_id])
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


def check_photo_count(new: int, existing: int = 0) -> None:
    """At most HAZARD_PHOTOS_PER_REQUEST photos in one upload and HAZARD_PHOTOS_PER_HAZARD on a
    hazard in all."""
    per_request = settings.HAZARD_PHOTOS_PER_REQUEST
    per_hazard = settings.HAZARD_PHOTOS_PER_HAZARD
    if new > per_request:
        raise ServiceError(
            f"一次最多上传 {per_request} 张照片（本次 {new} 张），请分批上传。", field="photos"
        )
    if existing + new > per_hazard:
        raise ServiceError(
            f"每条隐患最多 {per_hazard} 张照片，已有 {existing} 张，"
            f"最多还能上传 {max(per_hazard - existing, 0)} 张。",
            field="photos",
        )


def hazard_add_photo(
    *, hazard: Hazard | int, by, kind: str, data: bytes, name: str = ""
) -> HazardPhoto:
    """Add one before or after photo; the step is written to the timeline."""
    return hazard_add_photos(hazard=hazard, by=by, kind=kind, photos=[(name, data)])[0]


def hazard_add_photos(
    *, hazard: Hazard | int, by, kind: str, photos: list[tuple[str, bytes]]
) -> list[HazardPhoto]:
    """Add before or after photos, all or none, as one step on the timeline."""
    pk = hazard.pk if isinstance(hazard, Hazard) else hazard
    if kind not in PhotoKind.values:
        raise ServiceError("照片类型应为 before（整改前）或 after（整改后）。", field="kind")
    if not photos:
        raise ServiceError("请选择或拍摄照片。", field="photos")
    check_photo_count(len(photos))
    images = [check_image(data, name) for name, data in photos]
    with transaction.atomic():
        hazard = Hazard.objects.for_user(by).select_for_update(of=("self",)).get(pk=pk)
        if not by.has_role(*PHOTO_ROLES):
            raise ServiceError("您的角色不能上传照片。", kind=Kind.ROLE)
        if hazard.state not in PHOTO_STATES[kind]:
            raise ServiceError(
                f"隐患当前状态为“{hazard.get_state_display()}”，不能上传{PhotoKind(kind).label}照片。",
                kind=Kind.STATE,
            )
        check_photo_count(len(images), hazard.photos.count())
        bump_on_commit([hazard.region_id])  # the hazard page shows its photos
        event = HazardEvent.objects.create(
            hazard=hazard,
            action=Action.ADD_PHOTO,
            from_state=hazard.state,
            to_state=hazard.state,
            actor=by,
            data={"kind": kind, **({"count": len(images)} if len(images) > 1 else {})},
        )
        return [_save_photo(hazard, image, kind, by, event) for image in images]


def _save_photo(hazard, image, kind, by, event) -> HazardPhoto:
    photo = HazardPhoto(
        hazard=hazard,
        event=event,
        kind=kind,
        extension=image.extension,
        width=image.width,
        height=image.height,
        size=len(image.data),
        taken_at=image.taken_at,
        latitude=image.latitude,
        longitude=image.longitude,
        uploaded_by=by,
    )
    photo.image.save(f"photo.{image.extension}", ContentFile(image.data), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(image.thumbnail), save=False)
    photo.save()
    return photo

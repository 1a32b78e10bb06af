"""Registering many hazards at once (an old ledger brought into the system).

The checks of `hazard_register` run over the whole batch with a few queries instead of a few per
hazard, and the rows are written with COPY. Numbers are reserved first, in a short transaction
of their own (numbers_reserve), so a county's numbering lock is held for milliseconds, not while
the batch is written; the caller keeps the reserved blocks and uses them again if the batch's
transaction fails or its process dies, or gives them back (numbers_release).

A hazard that arrives already signed off, listed or with an extended deadline needs the authority
the workflow table gives those steps (`import_refusals`); the steps themselves are recorded as
events marked `ledger_import`, taken by the importer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from core.bulk import copy_objects, copy_rows, take_ids
from core.errors import Kind, ServiceError
from core.models import Sector
from enterprises.models import Enterprise

from .choices import (
    SUPERVISION_RANK,
    Action,
    ExtensionStatus,
    HazardLevel,
    HazardState,
    SupervisionLevel,
)
from .clauses import _sector_clauses, standards_in_force
from .models import Clause, ExtensionRequest, Hazard, HazardEvent, Supervision
from .numbering import number_key
from .services import REGISTER_ROLES, _check_registration
from .steps import user_rank
from .versioning import bump_on_commit
from .workflow import TABLE

IMPORT_MARK = "历史台账导入"


@dataclass
class Draft:
    """One hazard to register from a ledger row, with what happened to it before."""

    row: int
    enterprise_id: int
    sector_id: int
    level: str
    place: str
    description: str
    found_date: date
    deadline: date
    clause_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # state, plan, dates, people, remarks
    extended_to: date | None = None
    listing: dict[str, str] | None = None  # level, doc_no, issuing_unit
    note: str = ""  # what the import event says (old number, the ledger's own state)
    ledger_number: str = ""


class StandardsInForce:
    """Which standards are in force on a day (clauses.standards_in_force), asked once a day."""

    def __init__(self):
        self._days: dict[date, set[int]] = {}

    def on(self, day: date) -> set[int]:
        if day not in self._days:
            self._days[day] = set(standards_in_force(day).values_list("pk", flat=True))
        return self._days[day]


def import_refusals(by, *, state: str, listing_level: str = "", extended: bool = False) -> list:
    """Why `by` may not bring in a hazard already at these steps: each step needs the role (and
    for a listing, the level) that the workflow table requires for taking it."""
    problems = []
    if state == HazardState.CLOSED and not by.has_role(*TABLE[Action.SIGN_OFF].roles):
        problems.append(
            f"原台账为“已销号”：销号须由审核人员办理，您的角色（{by.get_role_display()}）"
            "不能导入已销号的隐患"
        )
    if listing_level:
        roles = TABLE[Action.LIST_SUPERVISION].roles
        if state == HazardState.CLOSED:
            roles = roles & TABLE[Action.REMOVE_SUPERVISION].roles
        label = SupervisionLevel(listing_level).label
        if not by.has_role(*roles):
            problems.append(
                f"原台账为“{label}”：挂牌督办须由审核人员或领导办理，"
                f"您的角色（{by.get_role_display()}）不能导入挂牌督办的隐患"
            )
        elif user_rank(by) < SUPERVISION_RANK[listing_level]:
            problems.append(f"原台账为“{label}”，高于您所在的层级，不能以高于本级的级别挂牌督办")
    if extended and not by.has_role(*TABLE[Action.APPROVE_EXTENSION].roles):
        problems.append(
            f"原台账填写了“延期至”：批准延期须由审核人员办理，您的角色（{by.get_role_display()}）"
            "不能导入已批准的延期"
        )
    return problems


def _check_batch(by, drafts: list[Draft]) -> dict[int, dict]:
    """hazard_register's checks over the batch; the first failing row names itself."""
    if not by.has_role(*REGISTER_ROLES):
        raise ServiceError("您的角色不能登记隐患。", kind=Kind.ROLE)
    enterprises = _enterprises(by, {d.enterprise_id for d in drafts})
    offered = _offered(drafts, enterprises)
    allowed = by.scope_sector_ids
    for d in drafts:
        try:
            enterprise = enterprises.get(d.enterprise_id)
            if enterprise is None:
                raise ServiceError("企业不存在或不在您的管辖范围内。", kind=Kind.SCOPE)
            _check_registration(d.level, d.found_date, d.deadline, d.place, d.description)
            if d.sector_id not in enterprise["sectors"]:
                raise ServiceError("行业领域应为该企业登记的行业领域之一。", field="sector")
            if allowed is not None and d.sector_id not in allowed:
                raise ServiceError("该行业领域不属于您所在部门的监管范围。", field="sector")
            if d.level == HazardLevel.MAJOR and d.clause_id is None:
                raise ServiceError("重大事故隐患必须选择判定依据（判定标准条款）。", field="clause")
            if d.clause_id is not None and d.row not in offered:
                raise ServiceError(
                    "判定依据不是发现日期施行、适用于该企业行业领域的判定标准条款。",
                    field="clause",
                )
            problems = import_refusals(
                by,
                state=d.fields.get("state", HazardState.REGISTERED),
                listing_level=(d.listing or {}).get("level", ""),
                extended=d.extended_to is not None,
            )
            if problems:
                raise ServiceError("；".join(problems), kind=Kind.ROLE)
        except ServiceError as exc:
            raise ServiceError(
                f"第 {d.row} 行无法导入：{exc.message}", kind=exc.kind, field=exc.field
            ) from exc
    return enterprises


def _enterprises(by, ids: set[int]) -> dict[int, dict]:
    """The enterprises the user may see among `ids`: region, main sector first, then others."""
    found: dict[int, dict] = {}
    others = Enterprise.other_sectors.through.objects
    for chunk in _chunks(sorted(ids)):
        scoped = Enterprise.objects.for_user(by).filter(pk__in=chunk)
        for pk, region, sector in scoped.values_list("pk", "region_id", "sector_id"):
            found[pk] = {"region_id": region, "sectors": [sector]}
        for pk, sector in others.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "sector_id"
        ):
            if pk in found and sector not in found[pk]["sectors"]:
                found[pk]["sectors"].append(sector)
    return found


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _offered(drafts: list[Draft], enterprises: dict[int, dict]) -> set[int]:
    """The citing rows whose clause is one clause_offer gives them (a clause of the hazard's
    sectors, of a standard in force on its found date, not retired), with one query per
    distinct set of sectors and one per distinct found date instead of a few per row."""
    citing = [d for d in drafts if d.clause_id and d.enterprise_id in enterprises]
    standards = dict(
        Clause.objects.filter(pk__in={d.clause_id for d in citing}).values_list("pk", "standard_id")
    )
    applicable: dict[tuple, set[int]] = {}
    in_force = StandardsInForce()
    rows = set()
    for d in citing:
        key = (d.sector_id, *sorted(set(enterprises[d.enterprise_id]["sectors"]) - {d.sector_id}))
        if key not in applicable:
            sectors = list(Sector.objects.filter(pk__in=key))
            applicable[key] = set(
                Clause.objects.filter(_sector_clauses(sectors), retired=False).values_list(
                    "pk", flat=True
                )
            )
        if d.clause_id in applicable[key] and standards[d.clause_id] in in_force.on(d.found_date):
            rows.add(d.row)
    return rows


def hazards_register_bulk(
    *,
    by,
    drafts: list[Draft],
    numbers: dict[str, list[int]],
    progress: Callable[[int], None] | None = None,
) -> list[Hazard]:
    """Register every draft or none (call inside the caller's transaction, or one is opened),
    numbered from the blocks taken for them beforehand with numbers_reserve."""
    report = progress or (lambda n: None)
    with transaction.atomic():
        enterprises = _check_batch(by, drafts)
        report(10)
        now = timezone.now()
        hazards = [
            _hazard(d, enterprises[d.enterprise_id], by, number)
            for d, number in zip(drafts, _numbers(drafts, enterprises, numbers), strict=True)
        ]
        copy_objects(hazards)
        report(35)
        events = []
        for d, h in zip(drafts, hazards, strict=True):
            events += _events(d, h, by, now)
        _listings_and_extensions(drafts, hazards, by, now, events)
        copy_objects(events)
        report(70)
        _history(hazards, by, now)
        bump_on_commit(h.region_id for h in hazards)
    return hazards


def _hazard(d: Draft, enterprise: dict, by, number: str) -> Hazard:
    fields = dict(d.fields)
    state = fields.get("state", HazardState.REGISTERED)
    if state == HazardState.CLOSED:
        fields["closed_by"] = by
    return Hazard(
        number=number,
        enterprise_id=d.enterprise_id,
        region_id=enterprise["region_id"],
        sector_id=d.sector_id,
        level=d.level,
        clause_id=d.clause_id,
        place=d.place.strip(),
        description=d.description.strip(),
        found_date=d.found_date,
        found_by=None,
        deadline=d.deadline,
        current_deadline=d.extended_to or d.deadline,
        supervision_level=(d.listing["level"] if d.listing and state != HazardState.CLOSED else ""),
        **fields,
    )


def _events(d: Draft, h: Hazard, by, now) -> list[HazardEvent]:
    mark = {"ledger_import": True, "ledger_number": d.ledger_number}
    events = [
        HazardEvent(
            hazard=h,
            action=Action.REGISTER,
            from_state="",
            to_state=h.state,
            actor=by,
            created_at=now,
            comment=f"{IMPORT_MARK}：{d.note}" if d.note else IMPORT_MARK,
            data={"level": d.level, "deadline": d.deadline.isoformat(), **mark},
        ),
    ]
    if h.state == HazardState.CLOSED:
        events.append(
            HazardEvent(
                hazard=h,
                action=Action.SIGN_OFF,
                from_state=HazardState.RECHECKED,
                to_state=HazardState.CLOSED,
                actor=by,
                created_at=now,
                comment=f"{IMPORT_MARK}：原台账销号日期 {h.closed_date:%Y-%m-%d}，由导入人记为销号人。",
                data=mark,
            )
        )
    return events


def _listings_and_extensions(drafts, hazards, by, now, events: list) -> None:
    """The approved extension and the listing a ledger row carries, each with its event."""
    extensions, listings = [], []
    for d, h in zip(drafts, hazards, strict=True):
        mark = {"ledger_import": True, "ledger_number": d.ledger_number}
        if d.extended_to is not None:
            extensions.append(
                ExtensionRequest(
                    hazard=h,
                    requested_by=by,
                    requested_at=now,
                    reason=IMPORT_MARK,
                    interim_measures=IMPORT_MARK,
                    old_deadline=d.deadline,
                    requested_deadline=d.extended_to,
                    status=ExtensionStatus.APPROVED,
                    decided_by=by,
                    decided_at=now,
                    approved_deadline=d.extended_to,
                    decision_comment=f"{IMPORT_MARK}：原台账“延期至”{d.extended_to:%Y-%m-%d}",
                )
            )
            events.append(
                HazardEvent(
                    hazard=h,
                    action=Action.APPROVE_EXTENSION,
                    from_state=h.state,
                    to_state=h.state,
                    actor=by,
                    created_at=now,
                    comment=IMPORT_MARK,
                    data={**mark, "approved_deadline": d.extended_to.isoformat()},
                )
            )
        if d.listing:
            closed = h.state == HazardState.CLOSED
            listings.append(
                Supervision(
                    hazard=h,
                    level=d.listing["level"],
                    doc_no=d.listing["doc_no"],
                    issuing_unit=d.listing["issuing_unit"],
                    deadline=h.current_deadline,
                    listed_by=by,
                    listed_at=now,
                    removed_by=by if closed else None,
                    removed_at=now if closed else None,
                )
            )
            events.append(
                HazardEvent(
                    hazard=h,
                    action=Action.LIST_SUPERVISION,
                    from_state=h.state,
                    to_state=h.state,
                    actor=by,
                    created_at=now,
                    comment=IMPORT_MARK + ("（已销号，同时摘牌）" if closed else ""),
                    data={**mark, "level": d.listing["level"], "doc_no": d.listing["doc_no"]},
                )
            )
    copy_objects(extensions)
    copy_objects(listings)


def _history(hazards: list[Hazard], by, now) -> None:
    """One creation record per hazard in its field history, as a saved hazard would have."""
    model = get_history_model_for_model(Hazard)
    extra = {
        "history_date": now,
        "history_type": "+",
        "history_user_id": by.pk,
        "history_change_reason": IMPORT_MARK,
    }
    fields = [f for f in model._meta.concrete_fields if f.attname != "history_id"]
    ids = take_ids(model, len(hazards))
    columns = ["history_id", *(f.column for f in fields)]
    copy_rows(
        model._meta.db_table,
        columns,
        (
            [
                history_id,
                *(
                    extra[f.attname] if f.attname in extra else _plain(getattr(h, f.attname))
                    for f in fields
                ),
            ]
            for history_id, h in zip(ids, hazards, strict=True)
        ),
    )


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _numbers(drafts: list[Draft], enterprises: dict, blocks: dict[str, list[int]]) -> list[str]:
    """Each draft's number from the reserved blocks, in the batch's order; every block used."""
    taken = {key: first for key, (first, _) in blocks.items()}
    numbers = []
    for d in drafts:
        key = number_key(enterprises[d.enterprise_id]["region_id"], d.found_date)
        if key not in taken or taken[key] > blocks[key][1]:
            raise ServiceError(
                "预留的隐患编号与导入的隐患不符，请重新上传文件。", kind=Kind.CONFLICT
            )
        numbers.append(f"{key}-{taken[key]:05d}")
        taken[key] += 1
    if any(taken[key] != last + 1 for key, (_, last) in blocks.items()):
        raise ServiceError("预留的隐患编号与导入的隐患不符，请重新上传文件。", kind=Kind.CONFLICT)
    return numbers

"""Committing a clean ledger preview: every hazard (and new enterprise) of the file is registered
through hazards.services, or none of them. The workflow steps of an old hazard are not replayed:
each hazard gets its registration record and one note saying it came from the ledger (with its
old number). Large files are committed by a core Job."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import AuditKind, audit_record
from core.errors import Kind, ServiceError
from core.jobs import job_enqueue
from core.logs import timed
from core.models import Job, Sector
from enterprises.models import Enterprise
from enterprises.services import enterprise_create
from hazards.choices import Action, HazardState
from hazards.models import Clause, Hazard, HazardEvent, Supervision
from hazards.services import hazard_register

from ..choices import ImportStatus
from ..models import LedgerImport
from .validate import check_can_import

log = logging.getLogger(__name__)

JOB_KIND = "ledger_import_commit"


def sync_max_rows() -> int:
    return getattr(settings, "LEDGER_IMPORT_SYNC_MAX_ROWS", 500)


def ledger_import_start_commit(*, batch: LedgerImport, by) -> Job | int:
    """Commit a small import now (returns the count) or queue a job for a large one."""
    _check_committable(batch, by)
    with timed(log, "ledger import commit", by=by, batch=batch.pk, rows=batch.row_count) as figures:
        if batch.row_count <= sync_max_rows():
            figures["created"] = ledger_import_commit(batch=batch, by=by)
            return figures["created"]
        job = Job.objects.create(
            kind=JOB_KIND,
            title=f"导入隐患台账：{batch.file_name}（{batch.row_count} 条）",
            params={"import_id": batch.pk},
            created_by=by,
        )
        job_enqueue(job)
        # The job runner logs the commit itself when it has run.
        figures["queued_job"] = job.pk
        return job


def _check_committable(batch: LedgerImport, by) -> None:
    check_can_import(by)
    if batch.uploaded_by_id != by.pk:
        raise ServiceError("只能由上传该文件的用户确认导入。", kind=Kind.CONFLICT)
    if batch.status == ImportStatus.COMMITTED:
        raise ServiceError("该文件已经导入过，不能重复导入。", kind=Kind.CONFLICT)
    if batch.status != ImportStatus.PREVIEW or batch.errors:
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
        _create_all(batch, by, progress)
        batch.status = ImportStatus.COMMITTED
        batch.committed_at = timezone.now()
        batch.created_count = len(batch.rows)
        batch.save(update_fields=["status", "committed_at", "created_count", "updated_at"])
        audit_record(
            AuditKind.IMPORT,
            f"导入隐患台账（{batch.created_count} 条）",
            user=by,
            target=f"台账导入 #{batch.pk} {batch.file_name}",
        )
    return batch.created_count


def _create_all(batch: LedgerImport, by, progress: Callable[[int], None] | None) -> None:
    """The new enterprises, then each row's hazard; a row that fails names its row number."""
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

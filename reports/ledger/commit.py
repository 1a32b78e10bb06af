"""Committing a clean ledger preview: the new enterprises and every new hazard of the file, or
none of them. Rows recognised as hazards of the system change nothing.

First the numbers the new hazards need are reserved in a short transaction of their own and
kept on the import, so a county's numbering lock is held for milliseconds and registrations in
the county go on during the commit. Then the commit is one transaction, written in bulk
(hazards.bulk). If the process dies part-way, PostgreSQL rolls that transaction back: nothing
of the file is in the database, the preview stays 待确认导入, and committing it again imports
it whole with the numbers kept for it (no gap). A commit refused for a reason gives its numbers
back when nobody took one after them. Progress is written on a connection of its own, so it is
visible while the transaction runs. Large files are committed by a core Job."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from core.audit import AuditKind, audit_record
from core.errors import Kind, ServiceError
from core.jobs import job_enqueue
from core.logs import timed
from core.models import Job
from enterprises.models import Enterprise
from enterprises.services import enterprise_create
from hazards.bulk import Draft, hazards_register_bulk
from hazards.choices import HazardState
from hazards.numbering import number_key, numbers_release, numbers_reserve

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
    """Create every new hazard (and new enterprise) of a clean preview, or none of them."""
    report = progress or (lambda n: None)
    numbers = _reserve(batch, by)
    report(5)
    try:
        with transaction.atomic():
            batch = _locked(batch.pk)
            _check_committable(batch, by)
            enterprises = _create_enterprises(batch, by)
            drafts = [_draft(row, enterprises) for row in batch.rows if not row.get("existing")]
            if drafts:
                hazards_register_bulk(
                    by=by,
                    drafts=drafts,
                    numbers=numbers,
                    progress=lambda n: report(5 + n * 90 // 100),
                )
            batch.status = ImportStatus.COMMITTED
            batch.committed_at = timezone.now()
            batch.created_count = len(drafts)
            batch.save(update_fields=["status", "committed_at", "created_count", "updated_at"])
            audit_record(
                AuditKind.IMPORT,
                f"导入隐患台账（{batch.created_count} 条）",
                user=by,
                target=f"台账导入 #{batch.pk} {batch.file_name}",
            )
    except ServiceError:
        ledger_import_release(batch=batch)
        raise
    return batch.created_count


def _locked(pk: int) -> LedgerImport:
    """The import, locked, without the original sheet it keeps for re-mapping (the commit
    reads only the validated rows)."""
    return LedgerImport.objects.select_for_update().defer("source").get(pk=pk)


def _reserve(batch: LedgerImport, by) -> dict[str, list[int]]:
    """The numbers of the file's new hazards: those kept from an earlier attempt, or a block
    per county and year taken now and kept on the import (its own short transaction)."""
    with transaction.atomic():
        batch = _locked(batch.pk)
        _check_committable(batch, by)
        if not batch.numbers:
            counts: dict[str, int] = {}
            new = {e["credit_code"]: e["region_id"] for e in batch.new_enterprises}
            rows = [r for r in batch.rows if not r.get("existing")]
            regions = dict(
                Enterprise.objects.filter(
                    pk__in={r["enterprise_id"] for r in rows if r.get("enterprise_id")}
                ).values_list("pk", "region_id")
            )
            for r in rows:
                region = regions.get(r.get("enterprise_id")) or new.get(r.get("new_enterprise"))
                key = number_key(region, date.fromisoformat(r["found_date"]))
                counts[key] = counts.get(key, 0) + 1
            batch.numbers = numbers_reserve(counts) if counts else {}
            batch.save(update_fields=["numbers", "updated_at"])
        return batch.numbers


def ledger_import_release(*, batch: LedgerImport) -> None:
    """Give back the numbers kept for an import that was not committed (those nobody took a
    number after); the rest stay with it for its next attempt."""
    with transaction.atomic():
        batch = _locked(batch.pk)
        if batch.status == ImportStatus.COMMITTED or not batch.numbers:
            return
        batch.numbers = numbers_release(batch.numbers)
        batch.save(update_fields=["numbers", "updated_at"])


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


def _draft(row: dict, enterprises: dict[str, int]) -> Draft:
    """A validated ledger row as a hazard to register."""

    def day(key: str) -> date | None:
        return date.fromisoformat(row[key]) if row.get(key) else None

    remarks = row["remarks"]
    if row.get("clause_note"):
        remarks = f"{remarks}\n原判定依据：{row['clause_note']}".strip()
    if row.get("rechecked_by_name") and not row.get("rechecked_by_id"):
        remarks = f"{remarks}\n复查人：{row['rechecked_by_name']}".strip()
    state = HazardState(row["state"])
    old = f"（原台账编号：{row['number_old']}）" if row.get("number_old") else ""
    deadline = day("deadline")
    extended = day("extended_to")
    listing = row.get("supervision")
    return Draft(
        row=row["row"],
        enterprise_id=row.get("enterprise_id") or enterprises[row["new_enterprise"]],
        sector_id=row["sector_id"],
        level=row["level"],
        place=row["place"],
        description=row["description"],
        found_date=day("found_date"),
        deadline=deadline,
        clause_id=row.get("clause_id"),
        fields={
            "state": state,
            "source": row["source"],
            "measures": row["measures"],
            "responsible_person": row["responsible_person"],
            "funds": Decimal(row["funds"]) if row.get("funds") else None,
            "completed_date": day("completed_date"),
            "recheck_unit": row["recheck_unit"],
            "rechecked_by_id": row.get("rechecked_by_id"),
            "recheck_date": day("recheck_date"),
            "recheck_opinion": row["recheck_opinion"],
            "closed_date": day("closed_date"),
            "supervisor_unit": row["supervisor_unit"],
            "supervisor_person": row["supervisor_person"],
            "remarks": remarks,
        },
        extended_to=extended if extended and extended != deadline else None,
        listing=(
            {**listing, "issuing_unit": row["supervisor_unit"] or "历史台账"} if listing else None
        ),
        note=f"按原台账记为“{state.label}”{old}。",
        ledger_number=row.get("number_old", ""),
    )


def progress_outside(job_id: int) -> Callable[[int], None]:
    """A progress recorder writing on its own connection, so the job page sees the progress
    while the commit's transaction is still open (an update on the commit's own connection
    would only show once it commits)."""
    last = {"value": -1}

    def record(percent: int) -> None:
        value = max(0, min(99, int(percent)))
        if value == last["value"]:
            return
        last["value"] = value
        side = connections.create_connection("default")
        try:
            side.set_autocommit(True)
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET progress = %s WHERE id = %s", [value, job_id]
                )
        finally:
            side.close()

    return record


def ledger_import_commit_job(job: Job, progress: Callable[[int], None]) -> None:
    """Job handler for a large commit."""
    batch = LedgerImport.objects.defer("source").get(pk=job.params["import_id"])
    try:
        count = ledger_import_commit(
            batch=batch, by=job.created_by, progress=progress_outside(job.pk)
        )
    except ServiceError as exc:
        job.message = exc.message
        raise
    job.message = f"导入完成：新增隐患 {count} 条。"
    if batch.existing_count:
        job.message += f"系统中已有的 {batch.existing_count} 条未作改动。"

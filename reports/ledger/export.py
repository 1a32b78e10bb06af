"""Ledger export: the hazard list as the user filtered it, streamed into the 台账 workbook.

Small exports are built in the request; larger ones become a core Job run by Celery
(`ledger_export_job` is registered under settings.JOB_HANDLERS["ledger_export"]).
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from core.audit import AuditKind, audit_record
from core.choices import RegionLevel
from core.errors import ServiceError
from core.jobs import job_enqueue
from core.logs import timed
from core.models import Job
from hazards.choices import (
    ExtensionStatus,
    HazardLevel,
    HazardSource,
    HazardState,
    SupervisionLevel,
)
from hazards.filtersets import HazardFilterSet
from hazards.models import ExtensionRequest, Hazard, Supervision

from .workbook import write_ledger

log = logging.getLogger(__name__)

JOB_KIND = "ledger_export"
CHUNK = 5000

# Only these columns are read: no model instances, one query for the whole ledger.
VALUE_FIELDS = (
    "number",
    "region__name",
    "region__level",
    "region__parent__name",
    "sector__name",
    "enterprise__name",
    "enterprise__credit_code",
    "place",
    "description",
    "clause__standard__name",
    "clause__ref",
    "clause__text",
    "level",
    "source",
    "found_date",
    "measures",
    "responsible_person",
    "funds",
    "deadline",
    "current_deadline",
    "state",
    "supervision_level",
    "completed_date",
    "recheck_unit",
    "rechecked_by__name",
    "rechecked_by__username",
    "recheck_date",
    "recheck_opinion",
    "closed_date",
    "supervisor_unit",
    "supervisor_person",
    "remarks",
)
LEVELS = dict(HazardLevel.choices)
SOURCES = dict(HazardSource.choices)
STATES = dict(HazardState.choices)
SUPERVISION_LEVELS = dict(SupervisionLevel.choices)


@dataclass
class _Request:
    """What HazardFilterSet needs of a request when it runs inside a job."""

    user: Any


def ledger_queryset(user, params: QueryDict | dict, *, strict: bool = False) -> QuerySet[Hazard]:
    """The hazards of the list page for these filters, in the list's order.

    strict: raise an input ServiceError on bad filters (API); otherwise behave like the list page,
    which shows everything the user may see when the filters do not validate.
    """
    if not isinstance(params, QueryDict):
        params = _querydict(params)
    base = Hazard.objects.for_user(user)
    filterset = HazardFilterSet(params or None, queryset=base, request=_Request(user))
    if filterset.is_bound and not filterset.is_valid():
        if strict:
            fields = {k: [str(e) for e in v] for k, v in filterset.errors.items()}
            name, problems = next(iter(fields.items()))
            raise ServiceError(f"筛选条件有误（{name}）：{problems[0]}", fields=fields)
        return base
    return filterset.qs if filterset.is_bound else base


def _querydict(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values if isinstance(values, list) else [values])
    return query


def params_of(query: QueryDict) -> dict[str, list[str]]:
    """Filters as JSON for a job, without paging (the export is never one page)."""
    return {k: query.getlist(k) for k in query if k not in ("page", "page_size")}


def ledger_rows(queryset: QuerySet[Hazard]) -> Iterator[tuple]:
    """Stream ledger rows in column order with .values_list().iterator(): no N+1, no models."""
    # Few hazards are ever listed: read their latest 文号 in one pass instead of a subquery per row.
    doc_numbers: dict[int, str] = {}
    listings = (
        Supervision.objects.filter(hazard__in=_ids(queryset))
        .order_by("hazard_id", "listed_at")
        .values_list("hazard_id", "doc_no")
    )
    for hazard_id, doc_no in listings.iterator(chunk_size=CHUNK):
        doc_numbers[hazard_id] = doc_no  # later listings overwrite earlier ones
    extended = _approved_extensions(queryset)
    for r in queryset.values_list(*VALUE_FIELDS, "pk").iterator(chunk_size=CHUNK):
        yield _row((*r[:-1], doc_numbers.get(r[-1]), extended.get(r[-1])))


def _approved_extensions(queryset: QuerySet[Hazard]) -> dict[int, Any]:
    """The deadline of each hazard's latest approved extension: 延期至 shows only those, never
    a deadline moved otherwise (a failed re-check sets a new one, which is no extension)."""
    approved = (
        ExtensionRequest.objects.filter(hazard__in=_ids(queryset), status=ExtensionStatus.APPROVED)
        .order_by("hazard_id", "decided_at", "pk")
        .values_list("hazard_id", "approved_deadline")
    )
    return dict(approved.iterator(chunk_size=CHUNK))  # later approvals overwrite earlier ones


def _ids(queryset: QuerySet[Hazard]) -> QuerySet:
    """The hazard ids of the export as a subquery (ordering dropped unless it limits the rows)."""
    return queryset.values("pk") if queryset.query.is_sliced else queryset.order_by().values("pk")


def _row(r: tuple) -> tuple:
    """One hazard's values (VALUE_FIELDS, its 文号 and 延期至) as the ledger's columns.

    Longer than most functions on purpose: one unpacking and one tuple in column order keep
    every column next to its source, and it runs once per exported row without further calls.
    """
    (
        number,
        region,
        region_level,
        parent,
        sector,
        enterprise,
        credit_code,
        place,
        description,
        standard,
        ref,
        clause_text,
        level,
        source,
        found_date,
        measures,
        responsible_person,
        funds,
        deadline,
        current_deadline,
        state,
        supervision_level,
        completed_date,
        recheck_unit,
        checker_name,
        checker_username,
        recheck_date,
        recheck_opinion,
        closed_date,
        supervisor_unit,
        supervisor_person,
        remarks,
        doc_no,
        extended_to,
    ) = r
    town = region_level == RegionLevel.TOWN
    listed = bool(supervision_level)
    return (
        number,
        parent if town else region,
        region if town else None,
        sector,
        enterprise,
        credit_code,
        place or None,
        description or None,
        f"《{standard}》{ref}：{clause_text}" if ref else None,
        LEVELS.get(level, level),
        SOURCES.get(source, source),
        found_date,
        measures or None,
        responsible_person or None,
        float(funds) if funds is not None else None,
        deadline,
        extended_to,
        STATES.get(state, state),
        "是" if listed else "否",
        SUPERVISION_LEVELS.get(supervision_level) if listed else None,
        doc_no if listed else None,
        completed_date,
        recheck_unit or None,
        checker_name or checker_username or None,
        recheck_date,
        recheck_opinion or None,
        closed_date,
        supervisor_unit or None,
        supervisor_person or None,
        remarks or None,
    )


def ledger_file_name() -> str:
    return f"隐患台账_{timezone.localtime():%Y%m%d_%H%M}.xlsx"


def sync_max_rows() -> int:
    return getattr(settings, "LEDGER_SYNC_MAX_ROWS", 5000)


@dataclass
class ExportResult:
    """Either the finished file (small exports) or the job building it (large ones)."""

    content: bytes | None = None
    file_name: str = ""
    job: Job | None = None


def ledger_export(*, by, params: QueryDict) -> ExportResult:
    """Build a small ledger now, or queue a job for a large one (enqueued after commit)."""
    queryset = ledger_queryset(by, params, strict=True)
    with timed(log, "ledger export", by=by) as figures:
        total = figures["rows"] = queryset.count()
        if total <= sync_max_rows():
            out = io.BytesIO()
            write_ledger(ledger_rows(queryset), out)
            audit_record(
                AuditKind.EXPORT, f"导出隐患台账（{total} 条）", user=by, filters=params_of(params)
            )
            return ExportResult(content=out.getvalue(), file_name=ledger_file_name())
        job = Job.objects.create(
            kind=JOB_KIND,
            title=f"导出隐患台账（{total} 条）",
            params={"filters": params_of(params), "total": total},
            created_by=by,
        )
        job_enqueue(job)
        # The job runner logs the export itself when it has run.
        figures["queued_job"] = job.pk
        return ExportResult(job=job)


def ledger_export_job(job: Job, progress: Callable[[int], None]) -> None:
    """Job handler: write the ledger to a temporary file and attach it to the job."""
    queryset = ledger_queryset(job.created_by, job.params.get("filters", {}))
    total = max(job.params.get("total") or 0, 1)
    name = ledger_file_name()
    with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
        write_ledger(
            ledger_rows(queryset), tmp, progress=lambda n: progress(min(99, n * 100 // total))
        )
        tmp.seek(0)
        job.result.save(f"ledger-{job.pk}.xlsx", File(tmp), save=False)
    job.result_name = name
    audit_record(
        AuditKind.EXPORT,
        f"导出隐患台账（后台任务，{job.params.get('total')} 条）",
        user=job.created_by,
        target=f"任务 #{job.pk}",
        filters=job.params.get("filters", {}),
    )
    job.message = "台账已生成，可以下载。"

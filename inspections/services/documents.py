"""执法文书: numbered enforcement documents rendered once to PDF and kept with their hash.

Past 400 lines: issuing, voiding and verifying share the numbering, the team and certificate
checks and the per-type content; one module keeps each rule in one place."""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import Role
from core.audit import AuditKind, audit_record
from core.errors import Kind, ServiceError
from core.pdf import render_pdf
from core.services import next_document_number
from hazards.choices import Action, HazardLevel, Stoppage
from hazards.models import Clause, Hazard, HazardEvent
from hazards.services import hazard_update

from ..choices import (
    DOCUMENT_KINDS,
    DOCUMENT_TEMPLATES,
    CheckResult,
    DocumentType,
    InspectionStatus,
)
from ..models import EnforcementDocument, Inspection, IssuingUnit
from ..selectors import checklist_summary
from .common import (
    VISIT_ROLES,
    check_enforcement_scope,
    inspection_for_user,
    logged,
    pk_of,
    ref,
    require_role,
)

logger = logging.getLogger(__name__)

# Who may void a document besides the visit's team.
VOID_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})

LAW = "《中华人民共和国安全生产法》"
LEGAL_BASIS = {
    DocumentType.RECORD: f"{LAW}第六十五条第一款第（一）项",
    DocumentType.ORDER: f"{LAW}第六十五条第一款第（三）项",
    DocumentType.RECHECK: f"{LAW}第六十五条第一款第（三）项",
    DocumentType.MEASURES: f"{LAW}第六十五条第一款第（三）项",
}

RECHECK_ACTIONS = (Action.RECHECK_PASS, Action.RECHECK_FAIL)


def document_kind(type_: str) -> str:
    return getattr(settings, "INSPECTION_DOCUMENT_KINDS", {}).get(type_) or DOCUMENT_KINDS[type_]


def _issuing_unit(inspection: Inspection) -> IssuingUnit:
    unit = IssuingUnit.objects.select_related("department").filter(department=inspection.department)
    unit = unit.first()
    if unit is None:
        raise ServiceError(
            f"“{inspection.department}”尚未设置发文字号简称，请联系管理员在系统管理中设置发文单位。",
            kind=Kind.STATE,
        )
    return unit


@dataclass
class Item:
    """One problem as a document prints it: read from its hazard as the hazard is at issue
    time (place, description, level, clause, current deadline), never from the finding's copy
    made at the visit."""

    number: str
    place: str
    description: str
    level: str
    clause: Clause | None
    deadline: date
    hazard: Hazard | None = None

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    def get_level_display(self) -> str:
        return HazardLevel(self.level).label


def document_items(inspection: Inspection) -> list[Item]:
    """The visit's problems in the order they were found, each as its hazard is now."""
    findings = inspection.findings.select_related(
        "clause__standard", "hazard__clause__standard"
    ).order_by("created_at", "pk")
    items = []
    for finding in findings:
        hazard = finding.hazard
        if hazard is None:  # never registered as a hazard: the finding is all there is
            items.append(
                Item(
                    "",
                    finding.place,
                    finding.description,
                    finding.level,
                    finding.clause,
                    finding.deadline,
                )
            )
            continue
        items.append(
            Item(
                hazard.number,
                hazard.place,
                hazard.description,
                hazard.level,
                hazard.clause,
                hazard.current_deadline,
                hazard,
            )
        )
    return items


def _document_context(
    inspection: Inspection, type_: str, unit: IssuingUnit, number: str, extra: dict
) -> dict[str, Any]:
    enterprise = inspection.enterprise
    items = document_items(inspection)
    order = _live(inspection, DocumentType.ORDER, 0) if type_ == DocumentType.RECHECK else None
    deadlines = [item.deadline for item in items]
    return {
        "type": type_,
        "title": DocumentType(type_).label,
        "unit": unit,
        "number": number,
        "issued_on": timezone.localdate(),
        "inspection": inspection,
        "enterprise": enterprise,
        "inspectors": list(inspection.inspectors.order_by("pk")),
        "findings": items,
        "majors": "、".join(str(n) for n, item in enumerate(items, start=1) if item.is_major),
        "checklist": checklist_summary(inspection),
        "failed_items": list(
            inspection.checklist.filter(result=CheckResult.FAIL).select_related("clause__standard")
        ),
        "legal_basis": LEGAL_BASIS[type_],
        "law": LAW,
        "deadline": max(deadlines) if deadlines else None,
        "order": order,
        **extra,
    }


_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _pages(pdf: bytes) -> int:
    """Page objects, counted in the file and in its compressed object streams."""
    count = len(_PAGE.findall(pdf))
    for body in _STREAM.findall(pdf):
        try:
            count += len(_PAGE.findall(zlib.decompress(body)))
        except zlib.error:
            continue
    return max(1, count)


def _check_signers(by, inspection: Inspection) -> None:
    """Only a member of the visit's team issues its documents, and every inspector the
    document names (the team) has a 执法证号 to print beside the signature."""
    team = list(inspection.inspectors.order_by("pk"))
    if by.pk not in {person.pk for person in team}:
        names = "、".join(person.display_name for person in team)
        raise ServiceError(
            f"只有本次检查的执法人员（{names}）可以出具本次检查的执法文书。", kind=Kind.ROLE
        )
    missing = [person.display_name for person in team if not person.certificate_no.strip()]
    if missing:
        raise ServiceError(
            f"以下执法人员没有执法证号：{'、'.join(missing)}，不能出具文书。", kind=Kind.STATE
        )


@dataclass
class Recheck:
    """The latest re-check of one of the visit's hazards, as the 整改复查意见书 states it."""

    item: Item
    passed: bool
    date: date | None
    opinion: str
    new_deadline: date | None


def _rechecks(inspection: Inspection) -> tuple[list[Recheck], int]:
    """Each hazard of the visit with its latest recorded re-check, in the order of the visit's
    documents, and the round: how many re-checks the most re-checked hazard has had. Refused
    while a hazard has never been re-checked."""
    items = [item for item in document_items(inspection) if item.hazard is not None]
    if not items:
        raise ServiceError("本次检查没有登记隐患，无需制作整改复查意见书。", kind=Kind.STATE)
    counts: dict[int, int] = {}
    latest: dict[int, str] = {}
    events = HazardEvent.objects.filter(
        hazard__in=[item.hazard for item in items], action__in=RECHECK_ACTIONS
    ).order_by("created_at", "pk")
    for hazard_id, action in events.values_list("hazard_id", "action"):
        counts[hazard_id] = counts.get(hazard_id, 0) + 1
        latest[hazard_id] = action
    missing = [item.number for item in items if item.hazard.pk not in latest]
    if missing:
        raise ServiceError(
            f"以下隐患尚未复查：{'、'.join(missing)}。请先在隐患中记录复查结果，"
            "再制作整改复查意见书。",
            kind=Kind.STATE,
        )
    rows = []
    for item in items:
        hazard = item.hazard
        passed = latest[hazard.pk] == Action.RECHECK_PASS
        rows.append(
            Recheck(
                item=item,
                passed=passed,
                date=hazard.recheck_date,
                opinion=hazard.recheck_opinion,
                new_deadline=None if passed else hazard.current_deadline,
            )
        )
    return rows, max(counts.values())


def _check_issuable(inspection: Inspection, type_: str, extra: dict) -> int:
    """Refuse a document the visit cannot have yet, and complete the extra fields its type
    needs: the re-checks for 整改复查意见书, the measures and stoppage for 现场处理措施决定书.
    Returns the document's round (the re-check round of a 整改复查意见书, else 0)."""
    if inspection.status != InspectionStatus.DONE:
        raise ServiceError("请先提交检查结果，再制作执法文书。", kind=Kind.STATE)
    has_findings = inspection.findings.exists()
    if type_ == DocumentType.ORDER and not has_findings:
        raise ServiceError("本次检查未发现问题，无需下达责令限期整改指令书。", kind=Kind.STATE)
    if type_ == DocumentType.RECHECK:
        if _live(inspection, DocumentType.ORDER, 0) is None:
            raise ServiceError(
                "请先下达责令限期整改指令书，再制作整改复查意见书。", kind=Kind.STATE
            )
        extra["opinion"] = (extra.get("opinion") or "").strip()
        extra["rechecks"], round_ = _rechecks(inspection)
        extra["round"] = round_
        extra["failed"] = "、".join(
            str(n) for n, row in enumerate(extra["rechecks"], start=1) if not row.passed
        )
        return round_
    if type_ == DocumentType.MEASURES:
        stoppage = extra.get("stoppage") or Stoppage.NONE
        if stoppage not in Stoppage.values:
            raise ServiceError("请选择停产停业措施。", field="stoppage")
        extra["stoppage"] = stoppage
        extra["measures"] = (extra.get("measures") or inspection.measures or "").strip()
        if stoppage != Stoppage.NONE:
            numbered = list(enumerate(document_items(inspection), start=1))
            majors = [(n, item) for n, item in numbered if item.is_major and item.hazard]
            if not majors:
                raise ServiceError(
                    "责令停产停业只适用于重大事故隐患（安全生产法第六十五条），本次检查未发现重大事故隐患。",
                    field="stoppage",
                )
            extra["stopped"] = "、".join(str(n) for n, _ in majors)
            extra["stopped_hazards"] = [item.hazard for _, item in majors]
            extra["stoppage_label"] = Stoppage(stoppage).label
        if not extra["measures"] and stoppage == Stoppage.NONE:
            raise ServiceError("请填写现场处理措施。", field="measures")
    return 0


def _order_stoppage(by, extra: dict, number: str) -> None:
    """A 现场处理措施决定书 ordering 停产停业 sets the stoppage of each 重大 hazard it names,
    through the hazard's own edit step (an event says which document ordered it)."""
    for hazard in extra.pop("stopped_hazards", []):
        try:
            hazard_update(
                hazard=hazard,
                by=by,
                stoppage=extra["stoppage"],
                comment=f"现场处理措施决定书{number}责令{extra['stoppage_label']}。",
            )
        except ServiceError as exc:
            raise ServiceError(
                f"隐患{hazard.number}不能记录停产停业：{exc.message}", kind=exc.kind
            ) from exc


def _issued(document: EnforcementDocument) -> str:
    return f"{document.number}, {document.pages} page(s), {document.size} bytes"


def _document_about(call: dict) -> str:
    type_ = call.get("type")
    label = DocumentType(type_).label if type_ in DocumentType.values else type_
    return f"{label} for inspection {ref(call.get('inspection'))}"


def _live(inspection: Inspection, type_: str, round_: int) -> EnforcementDocument | None:
    return (
        inspection.documents.filter(type=type_, round=round_, voided_at__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )


def _duplicate(type_: str, live: EnforcementDocument) -> ServiceError:
    label = DocumentType(type_).label
    return ServiceError(
        f"本次检查已出具{label}（{live.number}），不能重复出具；如需重新出具，请先作废原文书并写明原因。",
        kind=Kind.CONFLICT,
    )


@logged(
    logger,
    "issue an enforcement document",
    about=_document_about,
    done=_issued,
)
def document_issue(
    *, by, inspection: Inspection | int, type: str, **extra: Any
) -> EnforcementDocument:
    """Number, render and store an enforcement document once. The visit stays locked from the
    checks to the commit, so a second request for the same document (a double click) waits and
    is then refused, and no number is taken for it; the number is taken inside the transaction
    that stores the document, so concurrent documents get consecutive numbers and a failure
    leaves no gap. Extra fields: `opinion` (整改复查意见书), `measures` (现场处理措施决定书).

    Past 60 lines: numbering, rendering and storing happen under one lock, in order.
    """
    require_role(by, VISIT_ROLES, "制作执法文书")
    if type not in DocumentType.values:
        raise ServiceError("请选择文书类型。", field="type")
    with transaction.atomic():
        inspection = inspection_for_user(by, inspection, lock=True)
        _check_signers(by, inspection)
        check_enforcement_scope(inspection, what="出具执法文书")
        round_ = _check_issuable(inspection, type, extra)
        if live := _live(inspection, type, round_):
            raise _duplicate(type, live)
        unit = _issuing_unit(inspection)
        kind = document_kind(type)
        year = timezone.localdate().year
        sequence, number = next_document_number(issuer=unit.short_name, kind=kind, year=year)
        _order_stoppage(by, extra, number)
        context = _document_context(inspection, type, unit, number, extra)
        pdf = render_pdf(DOCUMENT_TEMPLATES[type], context)
        document = EnforcementDocument(
            inspection=inspection,
            type=type,
            round=round_,
            issuer=unit.short_name,
            kind=kind,
            year=year,
            sequence=sequence,
            number=number,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            pages=_pages(pdf),
            data={
                "enterprise": inspection.enterprise.name,
                "findings": [
                    {
                        "hazard": item.number,
                        "place": item.place,
                        "description": item.description,
                        "deadline": item.deadline.isoformat(),
                    }
                    for item in context["findings"]
                ],
                "deadline": context["deadline"].isoformat() if context["deadline"] else None,
                "opinion": extra.get("opinion", ""),
                "measures": extra.get("measures", ""),
                "stoppage": extra["stoppage"] if type == DocumentType.MEASURES else "",
                "rechecks": [
                    {
                        "hazard": row.item.number,
                        "passed": row.passed,
                        "date": row.date.isoformat() if row.date else None,
                        "new_deadline": row.new_deadline.isoformat() if row.new_deadline else None,
                    }
                    for row in extra.get("rechecks", [])
                ],
            },
            issued_by=by,
        )
        document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError as exc:  # the constraint, should a request get past the lock
            live = _live(inspection, type, round_)
            if live is None:
                raise
            raise _duplicate(type, live) from exc
        audit_record(
            AuditKind.DOCUMENT_ISSUE,
            f"出具{document.get_type_display()}",
            user=by,
            target=document.number,
            region=inspection.region_id,
            inspection=inspection.pk,
        )
    return document


def document_void_allowed(by, inspection: Inspection) -> bool:
    """Who may void a visit's document: its team, reviewers and admins."""
    return by.has_role(*VOID_ROLES) or inspection.inspectors.filter(pk=by.pk).exists()


def _voided(document: EnforcementDocument) -> str:
    return f"{document.number} voided: {document.void_reason}"


@logged(
    logger,
    "void document",
    about=lambda call: ref(call.get("document")),
    done=_voided,
    done_level=lambda document: logging.WARNING,
)
def document_void(*, by, document: EnforcementDocument | int, reason: str) -> EnforcementDocument:
    """作废 a document: it stays in the register with its 文号, marked void with the reason, who
    and when; the visit may then have a new document of that type. A 责令限期整改指令书 is voided
    only after the 整改复查意见书 that cites it."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写作废原因。", field="reason")
    limit = EnforcementDocument._meta.get_field("void_reason").max_length
    if len(reason) > limit:
        raise ServiceError(f"作废原因不能超过 {limit} 个字。", field="reason")
    with transaction.atomic():
        visit_pk = (
            EnforcementDocument.objects.for_user(by)
            .values_list("inspection_id", flat=True)
            .get(pk=pk_of(document))
        )
        inspection = inspection_for_user(by, visit_pk, lock=True)
        document = inspection.documents.select_for_update().get(pk=pk_of(document))
        if not document_void_allowed(by, inspection):
            raise ServiceError("只有本次检查的执法人员或审核人员可以作废执法文书。", kind=Kind.ROLE)
        if document.is_void:
            raise ServiceError(
                f"该文书已于{timezone.localtime(document.voided_at):%Y-%m-%d %H:%M}作废。",
                kind=Kind.STATE,
            )
        if document.type == DocumentType.ORDER:
            recheck = inspection.documents.filter(
                type=DocumentType.RECHECK, voided_at__isnull=True
            ).first()
            if recheck is not None:
                raise ServiceError(
                    f"整改复查意见书（{recheck.number}）引用了该指令书，请先作废整改复查意见书。",
                    kind=Kind.STATE,
                )
        document.voided_at, document.voided_by, document.void_reason = timezone.now(), by, reason
        document.save(update_fields=["voided_at", "voided_by", "void_reason"])
        audit_record(
            AuditKind.DOCUMENT_VOID,
            f"作废{document.get_type_display()}",
            user=by,
            target=document.number,
            region=inspection.region_id,
            reason=reason,
        )
    return document


@logged(
    logger,
    "hand out the PDF of document",
    about=lambda call: getattr(call.get("document"), "number", ""),
    refusal_level=logging.WARNING,
)
def document_bytes(document: EnforcementDocument, *, by=None) -> bytes:
    """The PDF exactly as issued; refuses a file whose hash no longer matches. A download by
    someone (`by`) is recorded in the audit log with the client's address."""
    with document.pdf.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise ServiceError("文书文件与制作时的校验值不一致，可能已被篡改，请联系管理员。")
    if by is not None:
        audit_record(
            AuditKind.DOCUMENT_DOWNLOAD,
            f"下载{document.get_type_display()}",
            user=by,
            target=document.number,
            region=document.inspection.region_id,
            inspection=document.inspection_id,
        )
    return data

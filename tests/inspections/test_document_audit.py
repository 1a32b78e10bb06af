"""Issuing and voiding an enforcement document are recorded in the audit log with its 文号."""

from core.audit import AuditEntry, AuditKind
from inspections import services
from inspections.choices import DocumentType

from .conftest import checked_visit


def test_issue_and_void_are_audited(team, enterprise):
    inspection, _, _ = checked_visit(team, enterprise)
    document = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.ORDER
    )
    services.document_void(by=team.reviewer, document=document, reason="整改期限写错")
    issued = AuditEntry.objects.get(kind=AuditKind.DOCUMENT_ISSUE)
    voided = AuditEntry.objects.get(kind=AuditKind.DOCUMENT_VOID)
    assert issued.target == voided.target == document.number
    assert issued.username == "inspector" and issued.summary == "出具责令限期整改指令书"
    assert voided.username == "reviewer" and voided.details["reason"] == "整改期限写错"

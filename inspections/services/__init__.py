"""Inspection services: plans, 双随机 draws and their verification, conflicts of interest,
visits with their checklists and findings that become hazards, and numbered enforcement
documents. Views, the API and the demo call these; each rule lives in one of the modules."""

from .common import CONFLICT_MANAGERS, DRAW_ROLES, INSPECTOR_ROLES, PLAN_ROLES, VISIT_ROLES
from .conflicts import conflict_declare, conflict_inspectors, conflict_withdraw, conflicts_visible
from .documents import (
    LAW,
    LEGAL_BASIS,
    document_bytes,
    document_issue,
    document_kind,
    document_void,
    document_void_allowed,
)
from .draws import DrawCheck, draw_enterprise_pool, draw_inspector_pool, draw_run, draw_verify
from .plans import plan_create
from .visits import (
    checklist_pass_unchecked,
    checklist_record,
    deadline_days,
    draw_target_schedule,
    finding_add,
    finding_remove,
    finding_update,
    inspection_create,
    inspection_findings_commit,
    unchecked_count,
)

__all__ = [
    "CONFLICT_MANAGERS",
    "DRAW_ROLES",
    "INSPECTOR_ROLES",
    "LAW",
    "LEGAL_BASIS",
    "PLAN_ROLES",
    "VISIT_ROLES",
    "DrawCheck",
    "checklist_pass_unchecked",
    "checklist_record",
    "unchecked_count",
    "conflict_declare",
    "conflict_inspectors",
    "conflict_withdraw",
    "conflicts_visible",
    "deadline_days",
    "document_bytes",
    "document_issue",
    "document_kind",
    "document_void",
    "document_void_allowed",
    "draw_enterprise_pool",
    "draw_inspector_pool",
    "draw_run",
    "draw_target_schedule",
    "draw_verify",
    "finding_add",
    "finding_remove",
    "finding_update",
    "inspection_create",
    "inspection_findings_commit",
    "plan_create",
]

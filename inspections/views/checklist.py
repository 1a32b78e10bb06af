"""The visit's checklist: sections with their progress, one save per item, and 本节全部合格.

Each item saves on its own (htmx, queued so no tap is dropped) and the answer changes only the
item's status line and the counters (out-of-band), never the inputs the inspector is typing in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import ServiceError

from .. import selectors, services
from ..choices import RESULT_BADGES, CheckResult
from ..models import Inspection

# The checklist's result buttons: value, label and the colour of the result.
RESULT_BUTTONS = [(result.value, result.label, RESULT_BADGES[result]) for result in CheckResult]


@dataclass
class Section:
    """The clauses of one standard's part (its 类别), or of the whole standard when it has none."""

    key: str
    title: str
    rows: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def checked(self) -> int:
        return sum(1 for row in self.rows if row["item"])

    @property
    def unchecked(self) -> int:
        return self.total - self.checked


def checklist_sections(inspection: Inspection) -> list[Section]:
    items = {i.clause_id: i for i in inspection.checklist.all()}
    sections: dict[tuple, Section] = {}
    for clause in selectors.checklist_clauses(inspection):
        group = (clause.standard_id, clause.sub_sector or "")
        if group not in sections:
            title = clause.standard.name + (f" · {clause.sub_sector}" if clause.sub_sector else "")
            sections[group] = Section(key=f"s{len(sections) + 1}", title=title)
        sections[group].rows.append({"clause": clause, "item": items.get(clause.pk)})
    return list(sections.values())


def checklist_context(inspection: Inspection) -> dict:
    sections = checklist_sections(inspection)
    total = sum(s.total for s in sections)
    checked = sum(s.checked for s in sections)
    return {
        "sections": sections,
        "summary": selectors.checklist_summary(inspection),
        "progress": {
            "checked": checked,
            "total": total,
            "percent": round(100 * checked / total) if total else 100,
        },
        "results": RESULT_BUTTONS,
    }


def _visit(request, pk: int) -> Inspection:
    return get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)


@login_required
@require_POST
def checklist_record(request, pk: int, clause_pk: int):
    inspection = _visit(request, pk)
    result, remark = request.POST.get("result", ""), request.POST.get("remark", "")
    status, error = "", ""
    if not result:
        # A remark typed before the result: kept in the form, saved with the result.
        status = "选择检查结果后，备注会一并保存。" if remark.strip() else ""
    else:
        try:
            services.checklist_record(
                by=request.user,
                inspection=inspection,
                clause=clause_pk,
                result=result,
                remark=remark,
            )
            status = "已保存"
        except ServiceError as exc:
            error = exc.message
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(inspection.get_absolute_url() + f"#clause-{clause_pk}")
    context = checklist_context(inspection)
    section = next(
        (s for s in context["sections"] if any(r["clause"].pk == clause_pk for r in s.rows)),
        None,
    )
    if section is None:
        raise Http404
    response = render(
        request,
        "inspections/includes/checklist_saved.html",
        {
            **context,
            "inspection": inspection,
            "clause_pk": clause_pk,
            "section": section,
            "status": status,
            "error": error,
        },
    )
    response["HX-Trigger"] = "findings-changed"
    return response


@login_required
@require_POST
def checklist_pass_section(request, pk: int):
    inspection = _visit(request, pk)
    try:
        count = services.checklist_pass_unchecked(
            by=request.user, inspection=inspection, clauses=request.POST.getlist("clause")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将 {count} 项记为合格。")
    key = request.POST.get("section", "")
    return redirect(inspection.get_absolute_url() + (f"#section-{key}" if key else "#checklist"))

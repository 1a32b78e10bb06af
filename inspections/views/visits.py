"""Visit pages: today's and upcoming visits, the list, scheduling, and the visit itself with
its checklist, findings and commit."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import ServiceError, add_to_form
from core.filtering import filter_results

from .. import selectors, services
from ..choices import InspectionMethod, InspectionStatus
from ..filtersets import InspectionFilterSet
from ..forms import CommitForm, DocumentForm, DocumentVoidForm, FindingForm, InspectionForm
from ..models import Finding, Inspection
from ..services import VISIT_ROLES
from . import PAGE_SIZE
from .checklist import checklist_context


@login_required
def home(request):
    today = selectors.today_visits(request.user)
    upcoming = (
        Inspection.objects.for_user(request.user)
        .filter(inspectors=request.user, date__gt=timezone.localdate())
        .select_related("enterprise")
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("date")[:10]
    )
    # Most recent first: visits already made (today's included), newest date first.
    recent = (
        Inspection.objects.for_user(request.user)
        .filter(date__lte=timezone.localdate())
        .select_related("enterprise")
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("-date", "-pk")[:10]
    )
    return render(
        request,
        "inspections/home.html",
        {
            "today": today,
            "upcoming": upcoming,
            "recent": recent,
            "can_visit": request.user.has_role(*VISIT_ROLES),
        },
    )


@login_required
def inspection_list(request):
    queryset = selectors.visible_inspections(request.user).select_related("department")
    filterset = InspectionFilterSet(request.GET or None, queryset=queryset, request=request)
    results, filter_errors = filter_results(filterset, queryset)
    results = results.annotate(finding_count=Count("findings", distinct=True)).order_by(
        "-date", "-pk"
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page": page,
            "filter_errors": filter_errors,
            "statuses": InspectionStatus.choices,
            "methods": InspectionMethod.choices,
            "can_visit": request.user.has_role(*VISIT_ROLES),
        },
    )


@login_required
def inspection_create(request):
    form = InspectionForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            inspection = services.inspection_create(by=request.user, **data)
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已安排现场检查：{inspection.enterprise.name}")
            return redirect(inspection)
    return render(request, "inspections/inspection_form.html", {"form": form})


def _initial(request) -> dict:
    initial = {}
    if request.GET.get("enterprise"):
        initial["enterprise"] = request.GET["enterprise"]
    if request.GET.get("plan"):
        initial["plan"] = request.GET["plan"]
    return initial


def _documents(inspection: Inspection, user) -> list:
    """The visit's documents, each live one with its 作废 form when the user may void it."""
    documents = list(inspection.documents.select_related("voided_by", "acknowledged_by"))
    if services.document_void_allowed(user, inspection):
        for document in documents:
            if not document.is_void:
                document.void_form = DocumentVoidForm(auto_id=f"void-{document.pk}-%s")
    return documents


@login_required
def inspection_detail(request, pk: int):
    return _detail(request, pk)


def _detail(request, pk: int, *, commit_form: CommitForm | None = None):
    inspection = get_object_or_404(
        Inspection.objects.for_user(request.user).select_related(
            "enterprise__region", "department", "plan", "draw_target__draw", "sector"
        ),
        pk=pk,
    )
    user = request.user
    in_team = inspection.inspectors.filter(pk=user.pk).exists()
    is_inspector = user.is_superuser or in_team
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "inspectors": inspection.inspectors.order_by("pk"),
            **checklist_context(inspection),
            "findings": inspection.findings.select_related("clause__standard", "hazard"),
            "hazards": selectors.inspection_hazards(inspection).select_related("clause__standard"),
            "documents": _documents(inspection, user),
            "can_edit": is_inspector and not inspection.is_done,
            "can_issue": inspection.is_done and in_team and user.has_role(*VISIT_ROLES),
            "finding_form": FindingForm(),
            "commit_form": commit_form
            or CommitForm(initial={"representative": inspection.representative}),
            "unchecked": services.unchecked_count(inspection),
            "document_form": DocumentForm(),
        },
    )


@login_required
def findings_panel(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    return render(
        request,
        "inspections/includes/findings_body.html",
        {
            "inspection": inspection,
            "findings": inspection.findings.select_related("clause__standard", "hazard"),
            "can_edit": not inspection.is_done,
        },
    )


@login_required
@require_POST
def finding_add(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.finding_add(by=request.user, inspection=inspection, **form.cleaned_data)
            messages.success(request, "已记录发现的问题。")
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写隐患地点/部位和问题描述。")
    return redirect(inspection.get_absolute_url() + "#findings")


@login_required
@require_POST
def finding_remove(request, pk: int, finding_pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    finding = get_object_or_404(Finding, pk=finding_pk, inspection=inspection)
    try:
        services.finding_remove(by=request.user, finding=finding)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(inspection.get_absolute_url() + "#findings")


@login_required
@require_POST
def finding_edit(request, pk: int, finding_pk: int):
    """Place, description and deadline of a finding, set on site before the visit is submitted."""
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    finding = get_object_or_404(Finding, pk=finding_pk, inspection=inspection)
    data = {k: request.POST.get(k, "") for k in ("place", "description", "deadline")}
    errors: list[str] = []
    try:
        deadline = date.fromisoformat(data["deadline"]) if data["deadline"] else None
    except ValueError:
        errors.append("整改期限不是有效日期（格式：2026-05-31）。")
    if not errors:
        try:
            finding = services.finding_update(
                by=request.user,
                finding=finding,
                place=data["place"],
                description=data["description"],
                deadline=deadline,
            )
            data = {}
        except ServiceError as exc:
            errors = [m for texts in exc.fields.values() for m in texts] or [exc.message]
    if not request.htmx:
        for error in errors:
            messages.error(request, error)
        return redirect(inspection.get_absolute_url() + f"#finding-{finding.pk}")
    response = render(
        request,
        "inspections/includes/finding_item.html",
        {
            "f": Finding.objects.select_related("clause__standard", "hazard").get(pk=finding.pk),
            "inspection": inspection,
            "can_edit": True,
            "edit": data,
            "edit_errors": errors,
        },
    )
    if not errors:
        response["HX-Trigger"] = "findings-changed"
    return response


@login_required
@require_POST
def inspection_commit(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    form = CommitForm(request.POST)
    form.is_valid()
    try:
        hazards = services.inspection_findings_commit(
            by=request.user, inspection=inspection, **form.cleaned_data
        )
    except ServiceError as exc:
        # The page again with what was typed, and the error next to its field.
        add_to_form(form, exc, request=request)
        return _detail(request, pk, commit_form=form)
    else:
        messages.success(
            request,
            f"检查结果已提交，登记隐患 {len(hazards)} 条。"
            if hazards
            else "检查结果已提交，未发现隐患。",
        )
    return redirect(inspection)

"""Inspection pages. Views declare what to show and call services; nothing more."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.models import User
from core.choices import RegionLevel
from core.errors import ServiceError, add_to_form
from core.filtering import filter_results
from core.models import Region
from enterprises.models import Enterprise

from . import indicators, selectors, services
from .choices import (
    RESULT_BADGES,
    CheckResult,
    DocumentType,
    InspectionMethod,
    InspectionStatus,
)
from .filtersets import DocumentFilterSet, InspectionFilterSet, PlanFilterSet
from .forms import (
    CommitForm,
    ConflictForm,
    DocumentForm,
    DrawForm,
    FindingForm,
    InspectionForm,
    PeriodForm,
    PlanForm,
)
from .models import (
    DrawTarget,
    EnforcementDocument,
    Finding,
    Inspection,
    InspectionPlan,
    RandomDraw,
)
from .services import DRAW_ROLES, PLAN_ROLES, VISIT_ROLES

PAGE_SIZE = 20
# The checklist's result buttons: value, label and the colour of the result.
RESULT_BUTTONS = [(result.value, result.label, RESULT_BADGES[result]) for result in CheckResult]


# ---------------------------------------------------------------- home and visits


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
    recent = (
        Inspection.objects.for_user(request.user)
        .select_related("enterprise")
        .annotate(finding_count=Count("findings", distinct=True))[:10]
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


def _checklist_rows(inspection: Inspection) -> list[dict]:
    items = {i.clause_id: i for i in inspection.checklist.all()}
    return [
        {"clause": clause, "item": items.get(clause.pk)}
        for clause in selectors.checklist_clauses(inspection)
    ]


@login_required
def inspection_detail(request, pk: int):
    inspection = get_object_or_404(
        Inspection.objects.for_user(request.user).select_related(
            "enterprise__region", "department", "plan", "draw_target__draw", "sector"
        ),
        pk=pk,
    )
    user = request.user
    is_inspector = user.is_superuser or inspection.inspectors.filter(pk=user.pk).exists()
    rows = _checklist_rows(inspection)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "inspectors": inspection.inspectors.order_by("pk"),
            "rows": rows,
            "summary": selectors.checklist_summary(inspection),
            "findings": inspection.findings.select_related("clause__standard", "hazard"),
            "hazards": selectors.inspection_hazards(inspection).select_related("clause__standard"),
            "documents": inspection.documents.all(),
            "can_edit": is_inspector and not inspection.is_done,
            "can_issue": inspection.is_done and user.has_role(*VISIT_ROLES),
            "finding_form": FindingForm(),
            "commit_form": CommitForm(initial={"representative": inspection.representative}),
            "document_form": DocumentForm(),
            "results": RESULT_BUTTONS,
        },
    )


@login_required
@require_POST
def checklist_record(request, pk: int, clause_pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    error = ""
    try:
        item = services.checklist_record(
            by=request.user,
            inspection=inspection,
            clause=clause_pk,
            result=request.POST.get("result", ""),
            remark=request.POST.get("remark", ""),
        )
    except ServiceError as exc:
        error, item = exc.message, inspection.checklist.filter(clause_id=clause_pk).first()
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(inspection.get_absolute_url() + f"#clause-{clause_pk}")
    clause = selectors.checklist_clauses(inspection).filter(pk=clause_pk).first()
    if clause is None:
        raise Http404
    inspection.refresh_from_db()
    response = render(
        request,
        "inspections/includes/checklist_item.html",
        {
            "inspection": inspection,
            "row": {"clause": clause, "item": item},
            "can_edit": True,
            "results": RESULT_BUTTONS,
            "error": error,
        },
    )
    response["HX-Trigger"] = "findings-changed"
    return response


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
def inspection_commit(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    form = CommitForm(request.POST)
    form.is_valid()
    try:
        hazards = services.inspection_findings_commit(
            by=request.user, inspection=inspection, **form.cleaned_data
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"检查结果已提交，登记隐患 {len(hazards)} 条。"
            if hazards
            else "检查结果已提交，未发现隐患。",
        )
    return redirect(inspection)


@login_required
@require_POST
def document_issue(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    form = DocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择文书类型。")
        return redirect(inspection)
    try:
        document = services.document_issue(
            by=request.user, inspection=inspection, **form.cleaned_data
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已制作{document.get_type_display()}：{document.number}")
    return redirect(inspection.get_absolute_url() + "#documents")


@login_required
def document_list(request):
    queryset = EnforcementDocument.objects.for_user(request.user).select_related(
        "inspection__enterprise", "issued_by"
    )
    filterset = DocumentFilterSet(request.GET or None, queryset=queryset, request=request)
    results, filter_errors = filter_results(filterset, queryset)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/document_list.html",
        {"page": page, "filter_errors": filter_errors, "types": DocumentType.choices},
    )


@login_required
def document_download(request, pk: int):
    document = get_object_or_404(EnforcementDocument.objects.for_user(request.user), pk=pk)
    try:
        data = services.document_bytes(document, by=request.user)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("download") == "1", document.file_name
    )
    response["X-Content-SHA256"] = document.sha256
    return response


# ---------------------------------------------------------------- plans and draws


@login_required
def plan_list(request):
    queryset = selectors.visible_plans(request.user)
    filterset = PlanFilterSet(request.GET or None, queryset=queryset, request=request)
    results, filter_errors = filter_results(filterset, queryset)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(plan, selectors.plan_progress(plan)) for plan in page]
    return render(
        request,
        "inspections/plan_list.html",
        {
            "page": page,
            "rows": rows,
            "filter_errors": filter_errors,
            "can_plan": request.user.has_role(*PLAN_ROLES),
        },
    )


@login_required
def plan_create(request):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已制定检查计划：{plan.name}")
            return redirect(plan)
    return render(request, "inspections/plan_form.html", {"form": form})


@login_required
def plan_detail(request, pk: int):
    plan = get_object_or_404(
        InspectionPlan.objects.for_user(request.user).select_related("region", "department"),
        pk=pk,
    )
    inspected = set(
        plan.inspections.filter(status=InspectionStatus.DONE).values_list(
            "enterprise_id", flat=True
        )
    )
    drawn = set(DrawTarget.objects.filter(draw__plan=plan).values_list("enterprise_id", flat=True))
    targets = plan.enterprises.select_related("region", "sector").order_by("name")
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "progress": selectors.plan_progress(plan),
            "targets": targets,
            "inspected": inspected,
            "drawn": drawn,
            "draws": plan.draws.order_by("-created_at"),
            "can_draw": request.user.has_role(*DRAW_ROLES),
        },
    )


@login_required
def draw_create(request, pk: int):
    plan = get_object_or_404(InspectionPlan.objects.for_user(request.user), pk=pk)
    form = DrawForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.draw_run(by=request.user, plan=plan, **form.cleaned_data)
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"抽取完成：抽中企业 {draw.count} 家。")
            return redirect(draw)
    return render(request, "inspections/draw_form.html", {"form": form, "plan": plan})


def _draw_rows(draw: RandomDraw) -> list[DrawTarget]:
    return list(
        draw.targets.select_related("enterprise__region", "enterprise__sector").prefetch_related(
            Prefetch("inspectors", queryset=User.objects.order_by("pk")),
            Prefetch("inspections", queryset=Inspection.objects.order_by("-date")),
        )
    )


@login_required
def draw_detail(request, pk: int):
    draw = get_object_or_404(
        RandomDraw.objects.for_user(request.user).select_related("plan", "region", "sector"),
        pk=pk,
    )
    return render(
        request,
        "inspections/draw_detail.html",
        {
            "draw": draw,
            "targets": _draw_rows(draw),
            "check": request.session.pop(f"draw-check-{draw.pk}", None),
            "can_schedule": request.user.has_role(*VISIT_ROLES),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def draw_verify(request, pk: int):
    draw = get_object_or_404(RandomDraw.objects.for_user(request.user), pk=pk)
    check = services.draw_verify(draw=draw, by=request.user)
    request.session[f"draw-check-{draw.pk}"] = {"ok": check.ok, "problems": check.problems}
    return redirect(draw.get_absolute_url() + "#verify")


@login_required
@require_POST
def draw_schedule(request, pk: int, target_pk: int):
    draw = get_object_or_404(RandomDraw.objects.for_user(request.user), pk=pk)
    target = get_object_or_404(DrawTarget, pk=target_pk, draw=draw)
    try:
        day = date.fromisoformat(request.POST.get("date") or "")
    except ValueError:
        day = timezone.localdate()
    try:
        inspection = services.draw_target_schedule(by=request.user, target=target, date=day)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(draw)
    messages.success(request, f"已安排检查：{target.enterprise.name}（{day:%Y-%m-%d}）")
    return redirect(inspection)


def draw_public(request, public_id):
    """双随机一公开: the result for everybody, no login; names only, no phone numbers."""
    draw = get_object_or_404(
        RandomDraw.objects.select_related("plan", "region", "department", "sector"),
        public_id=public_id,
    )
    return render(
        request,
        "inspections/draw_public.html",
        {"draw": draw, "targets": _draw_rows(draw), "pool_size": len(draw.enterprise_pool)},
    )


# ---------------------------------------------------------------- indicators


@login_required
def indicator_page(request):
    form = PeriodForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    region = data.get("region") or request.user.region
    if region is None:
        region = Region.objects.filter(level=RegionLevel.PROVINCE).first()
    start = data.get("start") or date(today.year, 1, 1)
    end = data.get("end") or today
    caps = indicators.visits_against_caps(user=request.user, region=region, year=end.year)
    return render(
        request,
        "inspections/indicators.html",
        {
            "form": form,
            "region": region,
            "start": start,
            "end": end,
            "coverage": indicators.key_supervision_coverage(
                user=request.user, region=region, start=start, end=end
            ),
            "caps": caps[:100],
            "over_cap": sum(1 for row in caps if row.visits > row.cap),
            "cap_table": indicators.yearly_caps(),
            "workload": indicators.inspector_workload(
                user=request.user, region=region, start=start, end=end
            ),
            "enterprise_count": Enterprise.objects.for_user(request.user).count(),
        },
    )


# ---------------------------------------------------------------- conflicts of interest (回避)


@login_required
def conflict_list(request):
    form = ConflictForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            conflict = services.conflict_declare(by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                f"已登记回避：{conflict.inspector.display_name} 今后不会被抽中检查“{conflict.enterprise.name}”。",
            )
            return redirect("inspections:conflict_list")
    chosen = None
    if form.is_bound and str(form.data.get("enterprise", "")).isdigit():
        chosen = (
            Enterprise.objects.for_user(request.user)
            .select_related("region", "sector")
            .filter(pk=form.data["enterprise"])
            .first()
        )
    conflicts = services.conflicts_visible(request.user)
    page = Paginator(conflicts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/conflict_list.html",
        {"form": form, "page": page, "chosen": chosen},
    )


@login_required
@require_POST
def conflict_withdraw(request, pk: int):
    try:
        services.conflict_withdraw(by=request.user, conflict=pk)
    except ServiceError:
        raise Http404 from None
    messages.success(request, "已撤销该回避申报。")
    return redirect("inspections:conflict_list")

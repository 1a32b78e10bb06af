"""Plan and 双随机 draw pages: plans with their progress, draws, verifying and scheduling a
drawn target, and the public result."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from core.errors import ServiceError, add_to_form
from core.filtering import filter_results
from enterprises.models import Enterprise

from .. import selectors, services
from ..choices import InspectionStatus
from ..filtersets import PlanFilterSet
from ..forms import DrawForm, PlanForm
from ..models import DrawTarget, Inspection, InspectionPlan, RandomDraw
from ..services import DRAW_ROLES, PLAN_ROLES, VISIT_ROLES
from . import PAGE_SIZE


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
    targets = (
        plan.enterprises.filter(pk__in=Enterprise.objects.for_user(request.user))
        .select_related("region", "sector")
        .order_by("name")
    )
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


def _draw_rows(draw: RandomDraw, user) -> list[DrawTarget]:
    visible = Enterprise.objects.for_user(user)
    return list(
        draw.targets.filter(enterprise__in=visible)
        .select_related("enterprise__region", "enterprise__sector")
        .prefetch_related(
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
            "targets": _draw_rows(draw, request.user),
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
    """双随机一公开: for everybody, no login. What the publication asks for and no more: the
    inspecting body, the task, each drawn enterprise (name, credit code) and whether it has been
    inspected; no risk grades, selection filters, pools, inspectors or phone numbers."""
    draw = get_object_or_404(
        RandomDraw.objects.select_related("plan", "region", "department", "sector"),
        public_id=public_id,
    )
    done = Inspection.objects.filter(status=InspectionStatus.DONE).order_by("date")
    targets = draw.targets.select_related("enterprise").prefetch_related(
        Prefetch("inspections", queryset=done, to_attr="done_visits")
    )
    return render(request, "inspections/draw_public.html", {"draw": draw, "targets": targets})

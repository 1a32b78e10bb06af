"""企业端 pages (/qiye/): the enterprise account's home, self-inspection, registering what it
finds and rectifying its hazards. Each write calls the hazard services or the workflow; the
pages only collect input and show the result."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core.clientip import client_key
from core.errors import ServiceError, add_to_form
from core.idempotency import idempotent
from hazards import services as hazard_services
from hazards import workflow
from hazards.choices import Action, ExtensionStatus, HazardLevel, PhotoKind
from hazards.forms import StepForm, read_photos
from hazards.models import Hazard
from hazards.views.common import EVENT_DATA_LABELS, EVENT_DATA_VALUES

from . import services
from .forms import AccountRequestForm, PhotoForm, ProgressForm, SelfReportForm

# The steps shown as their own forms on the hazard page (progress has photos with it).
SEPARATE = (Action.REPORT_PROGRESS,)
STEP_HELP = {
    Action.START_RECTIFICATION: "重大事故隐患须落实整改措施、责任、资金、时限和预案（五落实）。",
    Action.REQUEST_EXTENSION: "在整改期限前申请，由监管部门审批；批准前仍按原期限整改。",
    Action.SUBMIT_RECTIFICATION: "整改完成后提交，由监管部门现场复查、销号。"
    "重大事故隐患须先上传整改后照片。",
}


def enterprise_page(view):
    """A page of the enterprise side: signed in, and an enterprise account (staff use their own
    pages; to them the enterprise side does not exist)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_enterprise_account:
            raise Http404("未找到该页面。")
        return view(request, *args, **kwargs)

    return wrapper


def _hazard(request, pk: int) -> Hazard:
    return get_object_or_404(services.hazards_of(request.user), pk=pk)


@enterprise_page
def home(request):
    groups = services.home_groups(request.user)
    return render(
        request,
        "portal/home.html",
        {
            "groups": groups,
            "todo": services.todo_count(groups),
            "enterprises": list(services.enterprises_of(request.user)),
            "today": timezone.localdate(),
        },
    )


@enterprise_page
def selfcheck(request, pk: int):
    enterprise = get_object_or_404(services.enterprises_of(request.user), pk=pk)
    groups = services.checklist(enterprise)
    return render(
        request,
        "portal/selfcheck.html",
        {
            "enterprise": enterprise,
            "groups": groups,
            "count": sum(len(clauses) for _, clauses in groups),
        },
    )


def _clauses_for(enterprise):
    if enterprise is None:
        return hazard_services.clause_offer(sectors=[]).none()
    sectors = hazard_services.hazard_sectors(enterprise, enterprise.sector)
    return hazard_services.clause_offer(sectors=sectors).order_by("standard__code", "order")


@enterprise_page
@idempotent
def hazard_create(request):
    enterprises = services.enterprises_of(request.user)
    chosen = str((request.POST if request.method == "POST" else request.GET).get("enterprise", ""))
    enterprise = enterprises.filter(pk=chosen).first() if chosen.isdigit() else None
    if enterprise is None and enterprises.count() == 1:
        enterprise = enterprises.first()
    initial = {"enterprise": enterprise}
    if str(request.GET.get("clause") or "").isdigit():
        initial.update(clause=request.GET["clause"], level=HazardLevel.MAJOR)
    form = SelfReportForm(
        request.POST or None,
        request.FILES or None,
        enterprises=enterprises,
        clauses=_clauses_for(enterprise),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard_services.check_photo_count(len(data["photos"]))
            hazard = services.self_report(
                by=request.user,
                enterprise=data["enterprise"],
                level=data["level"],
                clause=data["clause"],
                place=data["place"],
                description=data["description"],
                found_date=data["found_date"],
                deadline=data["deadline"],
                photos=read_photos(data["photos"]),
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, f"已登记隐患 {hazard.number}，请填写整改方案并开始整改。")
            return redirect("portal:hazard_detail", pk=hazard.pk)
    return render(
        request,
        "portal/hazard_create.html",
        {"form": form, "enterprise": enterprise, "single": enterprises.count() == 1},
    )


def _event_rows(event) -> list[tuple[str, str]]:
    rows = []
    for key, value in (event.data or {}).items():
        if key not in EVENT_DATA_LABELS:
            continue
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        rows.append((EVENT_DATA_LABELS[key], EVENT_DATA_VALUES.get(key, {}).get(value, value)))
    return rows


def _initial(hazard: Hazard, transition) -> dict:
    today = timezone.localdate().isoformat()
    initial = {}
    for name in transition.fields:
        if name == "completed_date":
            initial[name] = today
        elif name == "plan_deadline":
            initial[name] = hazard.plan_deadline or hazard.current_deadline.isoformat()
        elif name in ("measures", "responsible_person", "emergency_plan", "stoppage", "funds"):
            value = getattr(hazard, name)
            if value not in (None, ""):
                initial[name] = value
    return initial


def _detail(request, hazard: Hazard, *, failed=None, progress=None, photo_form=None, status=200):
    user = request.user
    steps = []
    for transition in workflow.available(hazard, user):
        if transition.action in SEPARATE:
            continue
        if failed is not None and failed.action == transition.action:
            form = failed
        else:
            form = StepForm(transition=transition, initial=_initial(hazard, transition))
        steps.append(
            {"form": form, "open": form is failed, "help": STEP_HELP.get(transition.action, "")}
        )
    can_report = any(t.action == Action.REPORT_PROGRESS for t in workflow.available(hazard, user))
    can_add_photos = hazard.state in workflow.PHOTO_STATES[PhotoKind.AFTER]
    photos = list(hazard.photos.all())
    return render(
        request,
        "portal/hazard_detail.html",
        {
            "hazard": hazard,
            "next_step": services.NEXT_STEP.get(hazard.state, ""),
            "steps": steps,
            "blocked": workflow.blocked(hazard, user),
            "progress_form": (progress or ProgressForm()) if can_report else None,
            "photo_form": (photo_form or PhotoForm()) if can_add_photos else None,
            "before_photos": [p for p in photos if p.kind == PhotoKind.BEFORE],
            "after_photos": [p for p in photos if p.kind == PhotoKind.AFTER],
            "extensions": list(hazard.extensions.all()),
            "pending_extension": hazard.extensions.filter(status=ExtensionStatus.PENDING).exists(),
            "events": [(e, _event_rows(e)) for e in hazard.events.select_related("actor")],
        },
        status=status,
    )


@enterprise_page
def hazard_detail(request, pk: int):
    return _detail(request, _hazard(request, pk))


@enterprise_page
@require_POST
@idempotent
def hazard_step(request, pk: int, action: str):
    hazard = _hazard(request, pk)
    try:
        transition = workflow.TABLE[Action(action)]
    except (ValueError, KeyError) as exc:
        raise Http404 from exc
    form = StepForm(request.POST, transition=transition)
    if form.is_valid():
        comment, payload = form.payload()
        try:
            workflow.apply(
                hazard=hazard, action=action, by=request.user, comment=comment, **payload
            )
        except Hazard.DoesNotExist as exc:
            raise Http404 from exc
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
            hazard.refresh_from_db()
            return _detail(request, hazard, failed=form)
        messages.success(request, f"已{transition.action.label}。")
        return redirect("portal:hazard_detail", pk=hazard.pk)
    return _detail(request, hazard, failed=form)


@enterprise_page
@require_POST
@idempotent
def hazard_progress(request, pk: int):
    hazard = _hazard(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            hazard_services.check_photo_count(len(form.cleaned_data["photos"]))
            services.report_progress(
                by=request.user,
                hazard=hazard,
                comment=form.cleaned_data["comment"],
                photos=read_photos(form.cleaned_data["photos"]),
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, "已报告整改进展。")
            return redirect("portal:hazard_detail", pk=hazard.pk)
    hazard.refresh_from_db()
    return _detail(request, hazard, progress=form)


@enterprise_page
@require_POST
@idempotent
def hazard_photos(request, pk: int):
    hazard = _hazard(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            hazard_services.check_photo_count(len(form.cleaned_data["photos"]))
            hazard_services.hazard_add_photos(
                hazard=hazard,
                by=request.user,
                kind=PhotoKind.AFTER,
                photos=read_photos(form.cleaned_data["photos"]),
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, f"已上传 {len(form.cleaned_data['photos'])} 张整改后照片。")
            return redirect(reverse("portal:hazard_detail", args=[hazard.pk]) + "#photos")
    return _detail(request, hazard, photo_form=form)


def _request_rate(group, request) -> str:
    return settings.ENTERPRISE_REQUEST_RATE


@ratelimit(key=client_key, rate=_request_rate, method="POST", block=False)
def account_request(request):
    """Public: an enterprise asks for an account with its 统一社会信用代码; one client
    address may send only so many requests (settings.ENTERPRISE_REQUEST_RATE)."""
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "portal/account_request_ratelimited.html", status=429)
    form = AccountRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_submit(**form.cleaned_data)
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            return render(request, "portal/account_request_done.html", {})
    return render(request, "portal/account_request.html", {"form": form})

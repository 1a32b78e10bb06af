"""The public report page (no sign-in) and the staff's triage pages. Every rule is in
tipoffs.services and tipoffs.workflow; every staff query starts from Tipoff.objects.for_user."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from core.clientip import client_key
from core.errors import ServiceError, add_to_form, message_user
from core.filtering import filter_results
from core.media import photo_response
from hazards.forms import read_photos

from . import services
from .choices import TipoffState
from .filtersets import TipoffFilterSet
from .forms import RewardForm, StatusForm, TipoffForm, step_form
from .models import Tipoff, TipoffPhoto
from .workflow import APPROVERS, HANDLERS, TABLE

PAGE_SIZE = 20
DONE_MESSAGES = {
    "accept": "已受理。",
    "reject": "已作不予受理处理。",
    "transfer": "已转办。",
    "verify": "已查实，隐患已登记。",
    "not-verified": "已按未查实办结。",
}


def _rate(setting: str):
    return lambda group, request: getattr(settings, setting)


def _too_many(request):
    return render(request, "tipoffs/ratelimited.html", status=429)


# ---------------------------------------------------------------- public pages


@ratelimit(key=client_key, rate=_rate("TIPOFF_RATE"), method="POST", block=False)
def tipoff_create(request):
    """The public form: what, where, town, photos, an optional phone number."""
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    form = TipoffForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tipoff = services.tipoff_submit(
                region=data["region"],
                what=data["what"],
                where=data["where"],
                phone=data["phone"],
                photos=read_photos(request.FILES.getlist("photos")),
            )
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            # The code is shown once, on this answer, and never put in a URL.
            return render(request, "tipoffs/tipoff_done.html", {"code": tipoff.code})
    return render(request, "tipoffs/tipoff_create.html", {"form": form})


@ratelimit(key=client_key, rate=_rate("TIPOFF_STATUS_RATE"), method="POST", block=False)
def tipoff_status(request):
    """A tracking code gives the report's state and its date, nothing else."""
    if request.method == "POST" and getattr(request, "limited", False):
        return _too_many(request)
    form = StatusForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        status = services.tipoff_status(form.cleaned_data["code"])
        if status is None:
            form.add_error("code", "没有找到这个查询码，请核对后重新输入。")
    return render(request, "tipoffs/tipoff_status.html", {"form": form, "status": status})


# ---------------------------------------------------------------- staff pages


def _scoped(request, pk: int) -> Tipoff:
    return get_object_or_404(
        Tipoff.objects.for_user(request.user).select_related(
            "region", "department", "sector", "enterprise", "hazard"
        ),
        pk=pk,
    )


@login_required
@require_GET
def tipoff_list(request):
    queryset = Tipoff.objects.for_user(request.user).select_related("region", "department")
    filterset = TipoffFilterSet(request.GET or None, queryset=queryset, request=request)
    results, filter_errors = filter_results(filterset, queryset)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tipoffs/tipoff_list.html",
        {"form": filterset.form, "page": page, "filter_errors": filter_errors},
    )


def _detail(request, tipoff: Tipoff, *, forms=None, reward_form=None, phone=None, status=200):
    user = request.user
    steps = services.available(tipoff, user)
    forms = forms or {}
    step_forms = [
        (t, forms.get(t.action.value) or step_form(t.action.value, user, tipoff)) for t in steps
    ]
    can_reward = (
        tipoff.state == TipoffState.VERIFIED
        and not tipoff.reward_approved_by_id
        and user.has_role(*HANDLERS)
    )
    can_approve = (
        tipoff.reward_amount is not None
        and not tipoff.reward_approved_by_id
        and user.has_role(*APPROVERS)
        and tipoff.reward_recorded_by_id != user.pk
    )
    return render(
        request,
        "tipoffs/tipoff_detail.html",
        {
            "tipoff": tipoff,
            "events": tipoff.events.select_related("actor"),
            "photos": tipoff.photos.all(),
            "step_forms": step_forms,
            "can_see_identity": services.can_see_identity(user, tipoff),
            "phone": phone,
            "can_reward": can_reward,
            "reward_form": reward_form or RewardForm(),
            "can_approve": can_approve,
        },
        status=status,
    )


@login_required
@require_GET
def tipoff_detail(request, pk: int):
    return _detail(request, _scoped(request, pk))


@login_required
@require_POST
def tipoff_step(request, pk: int, action: str):
    tipoff = _scoped(request, pk)
    transition = next((t for t in TABLE.values() if t.action.value == action), None)
    if transition is None:
        raise Http404("没有这个操作。")
    form = step_form(action, request.user, tipoff, request.POST)
    if form.is_valid():
        try:
            services.apply(tipoff=tipoff, action=action, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, DONE_MESSAGES[action])
            return redirect(tipoff.get_absolute_url())
    tipoff.refresh_from_db()
    return _detail(request, tipoff, forms={action: form}, status=400)


@login_required
@require_POST
def tipoff_identity(request, pk: int):
    """Show the reporter's number to the staff handling the report; each showing is audited."""
    tipoff = _scoped(request, pk)
    try:
        phone = services.tipoff_identity(tipoff=tipoff, by=request.user, request=request)
    except ServiceError as exc:
        message_user(request, exc)
        return redirect(tipoff.get_absolute_url())
    return _detail(request, tipoff, phone=phone or "匿名举报，未留电话")


@login_required
@require_POST
def tipoff_reward(request, pk: int):
    tipoff = _scoped(request, pk)
    form = RewardForm(request.POST)
    if form.is_valid():
        try:
            services.reward_record(
                tipoff=tipoff, by=request.user, amount=form.cleaned_data["amount"]
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, "已登记举报奖励，等待其他人员审批。")
            return redirect(tipoff.get_absolute_url())
    return _detail(request, tipoff, reward_form=form, status=400)


@login_required
@require_POST
def tipoff_reward_approve(request, pk: int):
    tipoff = _scoped(request, pk)
    try:
        services.reward_approve(tipoff=tipoff, by=request.user)
    except ServiceError as exc:
        message_user(request, exc)
    else:
        messages.success(request, "已审批举报奖励。")
    return redirect(tipoff.get_absolute_url())


def _photo_response(request, pk: int, thumbnail: bool):
    photo = get_object_or_404(
        TipoffPhoto.objects.filter(tipoff__in=Tipoff.objects.for_user(request.user)), pk=pk
    )
    return photo_response(photo.thumbnail if thumbnail else photo.image)


@login_required
@require_GET
def photo(request, pk: int):
    return _photo_response(request, pk, thumbnail=False)


@login_required
@require_GET
def photo_thumbnail(request, pk: int):
    return _photo_response(request, pk, thumbnail=True)

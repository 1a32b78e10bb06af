"""用户管理 → 企业账号申请: list, read, approve or reject (administrators of the county)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import users as user_admin
from accounts.models import AccountRequestStatus
from core.errors import ServiceError, add_to_form, message_user

from . import services
from .forms import RejectForm

PAGE_SIZE = 30


def _manager(request) -> None:
    if not user_admin.can_manage_users(request.user):
        raise Http404("未找到该页面。")


def _request(request, pk: int):
    found = services.requests_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该申请。")
    return found


@login_required
def request_list(request):
    _manager(request)
    queryset = services.requests_for(request.user)
    status = request.GET.get("status", AccountRequestStatus.PENDING)
    if status in AccountRequestStatus.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/requests/list.html",
        {"page": page, "status": status, "statuses": AccountRequestStatus.choices},
    )


@login_required
def request_detail(request, pk: int, reject_form=None):
    _manager(request)
    found = _request(request, pk)
    return render(
        request,
        "portal/requests/detail.html",
        {"item": found, "reject_form": reject_form or RejectForm()},
    )


@login_required
@require_POST
def request_approve(request, pk: int):
    _manager(request)
    found = _request(request, pk)
    try:
        user = services.request_approve(by=request.user, pk=found.pk)
    except ServiceError as exc:
        message_user(request, exc)
        return redirect("account_requests:request_detail", pk=found.pk)
    messages.success(
        request,
        f"已批准：企业用户 {user.username} 已开通，可查看和办理{found.enterprise.name}的事项。",
    )
    return redirect("account_requests:request_list")


@login_required
@require_POST
def request_reject(request, pk: int):
    _manager(request)
    found = _request(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.request_reject(
                by=request.user, pk=found.pk, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, f"已不予批准 {found.enterprise.name} 的账号申请。")
            return redirect("account_requests:request_list")
    return request_detail(request, pk, reject_form=form)

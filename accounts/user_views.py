"""用户管理 pages: list, create, change, reset a password, deactivate or reactivate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import ServiceError, add_to_form

from . import users
from .forms import PasswordResetForm, UserForm
from .models import AccountRequest, AccountRequestStatus, User

PAGE_SIZE = 30


def _manager(request) -> None:
    if not users.can_manage_users(request.user):
        raise Http404("未找到该页面。")


def _target(request, pk: int) -> User:
    user = users.manageable_users(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404("未找到该用户。")
    return user


@login_required
def user_list(request):
    _manager(request)
    queryset = users.user_search(
        users.manageable_users(request.user).select_related("region", "department"),
        request.GET.get("q", ""),
    )
    if request.GET.get("active") in ("0", "1"):
        queryset = queryset.filter(is_active=request.GET["active"] == "1")
    page = Paginator(queryset.order_by("region__code", "username"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Account requests of the administrator's territory waiting for a decision.
    pending = AccountRequest.objects.for_user(request.user).filter(
        status=AccountRequestStatus.PENDING
    )
    return render(
        request,
        "accounts/users/list.html",
        {"page": page, "q": request.GET.get("q", ""), "pending_requests": pending.count()},
    )


@login_required
def user_create(request):
    _manager(request)
    form = UserForm(request.POST or None, by=request.user, initial={"region": request.user.region})
    if request.method == "POST" and form.is_valid():
        try:
            user = users.user_save(request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, f"已创建用户 {user.username}（{user.display_name}）。")
            return redirect("accounts:user_list")
    return render(request, "accounts/users/form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, pk: int):
    _manager(request)
    target = _target(request, pk)
    initial = {name: getattr(target, name) for name in users.EDITABLE}
    initial["enterprises"] = list(target.enterprises.all())
    form = UserForm(request.POST or None, by=request.user, editing=True, initial=initial)
    password_form = PasswordResetForm()
    if request.method == "POST" and form.is_valid():
        try:
            users.user_save(request.user, user=target, **form.cleaned_data)
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, f"已保存用户 {target.username} 的信息。")
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/users/form.html",
        {"form": form, "target": target, "password_form": password_form},
    )


@login_required
@require_POST
def user_password(request, pk: int):
    _manager(request)
    target = _target(request, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            users.user_set_password(
                request.user, user=target, password=form.cleaned_data["password"]
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, f"已重置 {target.username} 的密码，请通知本人登录后修改。")
            return redirect("accounts:user_edit", pk=target.pk)
    initial = {name: getattr(target, name) for name in users.EDITABLE}
    initial["enterprises"] = list(target.enterprises.all())
    return render(
        request,
        "accounts/users/form.html",
        {
            "form": UserForm(by=request.user, editing=True, initial=initial),
            "target": target,
            "password_form": form,
        },
    )


@login_required
@require_POST
def user_active(request, pk: int):
    _manager(request)
    target = _target(request, pk)
    active = request.POST.get("active") == "1"
    try:
        users.user_set_active(request.user, user=target, active=active)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}用户 {target.username}。")
    return redirect("accounts:user_list")

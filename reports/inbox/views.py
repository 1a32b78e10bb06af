"""The enterprise's inbox page and its 签收 buttons; the rules live in reports.inbox.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import Kind, ServiceError, message_user

from . import services


@login_required
@require_GET
def inbox(request):
    user = request.user
    return render(
        request,
        "reports/inbox/inbox.html",
        {
            "is_enterprise": getattr(user, "is_enterprise_account", False),
            "notices": services.inbox_notices(user),
            "documents": services.inbox_documents(user),
            "unacknowledged": services.inbox_unacknowledged_count(user),
        },
    )


def _acknowledge(request, step, label: str):
    try:
        item = step()
    except ServiceError as exc:
        if exc.kind == Kind.SCOPE:
            raise Http404(exc.message) from exc
        if exc.kind == Kind.ROLE:
            raise PermissionDenied(exc.message) from exc
        message_user(request, exc)
    else:
        messages.success(request, f"已签收{label}：{item.number or label}")
    return redirect("inbox:inbox")


@login_required
@require_POST
def notice_acknowledge(request, pk: int):
    return _acknowledge(
        request, lambda: services.notice_acknowledge(notice=pk, by=request.user), "督办通知"
    )


@login_required
@require_POST
def document_acknowledge(request, pk: int):
    return _acknowledge(
        request, lambda: services.document_acknowledge(document=pk, by=request.user), "执法文书"
    )

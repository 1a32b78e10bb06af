"""Notice and notification pages. Every query starts from for_user; the rules live in
reports.notices.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.filtering import filter_results
from core.redirects import safe_next
from hazards.choices import HazardLevel

from ..choices import NoticeStep
from ..models import Notification
from ..web import PAGE_SIZES, PDF, export, page
from .documents import notice_pdf as build_notice_pdf
from .filtersets import ANY_REMINDER, NoticeFilterSet
from .selectors import notice_queryset, notifications_of
from .services import notification_mark_read
from .steps import is_reminder, step_label

STEP_FILTERS = [(ANY_REMINDER, "到期提醒")] + [
    (s.value, s.label) for s in NoticeStep if not is_reminder(s.value)
]


@login_required
@require_GET
def notice_list(request):
    queryset = notice_queryset(request.user)
    filterset = NoticeFilterSet(request.GET or None, queryset=queryset, request=request)
    notices, filter_errors = filter_results(filterset, queryset)
    return render(
        request,
        "reports/notices/notice_list.html",
        {
            "filter_errors": filter_errors,
            "page": page(request, notices),
            "page_sizes": PAGE_SIZES,
            "steps": STEP_FILTERS,
            "levels": HazardLevel.choices,
        },
    )


@login_required
@require_GET
def notice_detail(request, pk: int):
    notice = get_object_or_404(notice_queryset(request.user), pk=pk)
    Notification.objects.filter(user=request.user, notice=notice, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return render(
        request,
        "reports/notices/notice_detail.html",
        {
            "notice": notice,
            "hazard": notice.hazard,
            "step_label": step_label(notice.step),
            "deliveries": notice.deliveries.all(),
            "siblings": notice.hazard.notices.exclude(pk=notice.pk).order_by("due_date", "pk"),
        },
    )


@login_required
@require_GET
def notice_pdf(request, pk: int):
    notice = get_object_or_404(notice_queryset(request.user), pk=pk)
    name = f"{step_label(notice.step)}-{notice.hazard.number}.pdf"
    return export(request, "notice", lambda: build_notice_pdf(notice), name, PDF)


@login_required
@require_GET
def notification_list(request):
    notifications = notifications_of(request.user, unread=request.GET.get("unread") == "true")
    return render(
        request,
        "reports/notices/notification_list.html",
        {"page": page(request, notifications), "page_sizes": PAGE_SIZES},
    )


@login_required
@require_GET
def bell_count(request):
    """The unread badge of the navbar bell, loaded by htmx after the page."""
    return render(request, "reports/notices/includes/bell_count.html")


@login_required
@require_POST
def notification_read(request, pk: int | None = None):
    """Mark one notification (or all) read; opening one goes on to its link."""
    if pk is not None:
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        notification_mark_read(user=request.user, pk=pk)
        fallback = safe_next(request, notification.get_absolute_url())
    else:
        notification_mark_read(user=request.user)
        messages.success(request, "已全部标记为已读。")
        fallback = None
    target = safe_next(request, request.POST.get("next")) or fallback
    return redirect(target or "notices:notification_list")

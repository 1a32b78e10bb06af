"""Monthly self-inspection summary pages: the enterprise files, the regulator reads who has and
who has not. Every query starts from for_user; the rules are in reports.selfcheck.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.errors import ServiceError, add_to_form
from enterprises.models import Enterprise

from . import services
from .forms import SelfCheckForm, parse_period

PAGE_SIZE = 50


def _period(request) -> tuple[int, int]:
    return parse_period(request.GET.get("period")) or services.default_period()


def _enterprise_form(request, user):
    enterprises = Enterprise.objects.for_user(user).order_by("name")
    year, month = services.default_period()
    initial = {"period": f"{year:04d}-{month:02d}", "major_count": 0}
    first = enterprises.first()
    if first is not None:
        initial |= {"enterprise": first.pk, "principal": first.principal}
    if request.method != "POST":
        return SelfCheckForm(enterprises=enterprises, initial=initial)
    return SelfCheckForm(request.POST, enterprises=enterprises)


@login_required
def summary_list(request):
    user = request.user
    is_enterprise = getattr(user, "is_enterprise_account", False)
    form = _enterprise_form(request, user) if is_enterprise else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("自查月报由企业账号报送。")
        if form.is_valid():
            data = dict(form.cleaned_data)
            year, month = data.pop("period")
            try:
                summary = services.selfcheck_file(by=user, year=year, month=month, **data)
            except ServiceError as exc:
                add_to_form(form, exc, request=request)
            else:
                messages.success(request, f"已报送{summary}。")
                return redirect("selfcheck:summary_list")
    period = None if is_enterprise else _period(request)
    summaries = services.selfcheck_summaries(user)
    if period is not None:
        summaries = summaries.filter(year=period[0], month=period[1])
    return render(
        request,
        "reports/selfcheck/summary_list.html",
        {
            "form": form,
            "is_enterprise": is_enterprise,
            "period": period,
            "period_value": f"{period[0]:04d}-{period[1]:02d}" if period else "",
            "due_day": services.due_date(*services.default_period()).day,
            "page": Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_GET
def missing_list(request):
    user = request.user
    if getattr(user, "is_enterprise_account", False):
        raise PermissionDenied("未报送名单供监管部门查看。")
    year, month = _period(request)
    missing = services.selfcheck_missing(user, year, month)
    due = services.due_date(year, month)
    return render(
        request,
        "reports/selfcheck/missing_list.html",
        {
            "year": year,
            "month": month,
            "period_value": f"{year:04d}-{month:02d}",
            "due": due,
            "past_due": timezone.localdate() > due,
            "filed": services.selfcheck_summaries(user).filter(year=year, month=month).count(),
            "page": Paginator(missing, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )

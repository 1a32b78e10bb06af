"""Conflict of interest (回避) pages: declaring and withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import ServiceError, add_to_form
from enterprises.models import Enterprise

from .. import services
from ..forms import ConflictForm
from . import PAGE_SIZE


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

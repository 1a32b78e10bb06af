"""Registering a hazard, and the search pickers of its form."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.errors import ServiceError, add_to_form
from core.idempotency import idempotent
from enterprises.models import Enterprise

from .. import pending, services
from ..choices import BasisKind
from ..forms import HazardCreateForm, read_photos
from .common import SEARCH_LIMIT, can_register


@login_required
@idempotent
def hazard_create(request):
    form = HazardCreateForm(request.POST or None, request.FILES or None, user=request.user)
    kept = []
    if request.method == "POST":
        # Photos kept from a previous attempt that came back with an error (hazards.pending).
        kept = pending.load(request.user, request.POST.getlist("kept_photo"))
        if form.is_valid():
            data = dict(form.cleaned_data)
            new = read_photos(data.pop("photos"))
            photos = [(p.name, p.data) for p in kept] + new
            try:
                hazard = services.hazard_register(by=request.user, photos=photos, **data)
            except Enterprise.DoesNotExist:
                form.add_error("enterprise", "请重新选择企业。")
            except ServiceError as exc:
                add_to_form(form, exc, aliases={"file": "photos"}, request=request)
            else:
                pending.discard(kept)
                messages.success(request, f"已登记隐患 {hazard.number}。")
                return redirect(hazard)
        else:
            new = read_photos(request.FILES.getlist("photos"))
        kept += pending.stash(request.user, new)
    enterprise = form.selected("enterprise")
    return render(
        request,
        "hazards/hazard_create.html",
        {
            "form": form,
            "enterprise": enterprise,
            "gap": services.basis_gap(enterprise.sector, _form_found_date(form))
            if enterprise
            else "",
            "other": BasisKind.OTHER,
            "clause": form.selected("clause"),
            "can_register": can_register(request.user),
            "kept_photos": kept,
        },
    )


def _form_found_date(form) -> date:
    value = form.cleaned_data.get("found_date") if hasattr(form, "cleaned_data") else None
    return value or timezone.localdate()


@login_required
@require_GET
def enterprise_options(request):
    """htmx: enterprises in scope matching a name or credit code, as radio choices."""
    keyword = request.GET.get("enterprise_q", "").strip()
    enterprises = Enterprise.objects.for_user(request.user).select_related("region", "sector")
    selected = request.GET.get("enterprise", "")
    chosen = enterprises.filter(pk=selected).first() if selected.isdigit() else None
    if keyword:
        enterprises = enterprises.filter(
            Q(name__icontains=keyword) | Q(credit_code__icontains=keyword.upper())
        )
    return render(
        request,
        "hazards/includes/enterprise_options.html",
        {
            "enterprises": list(enterprises.order_by("name")[:SEARCH_LIMIT]),
            "chosen": chosen,
            "selected": selected,
            "keyword": keyword,
        },
    )


def _found_date(request) -> date:
    """The found date typed in the form so far (today until one is given)."""
    try:
        return date.fromisoformat(request.GET.get("found_date", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def clause_options(request):
    """htmx: the clauses offered for the chosen enterprise on the found date, searched by words
    or references (121号第六项); 其他依据 where the sector's catalog has a gap."""
    keyword = request.GET.get("clause_q", "").strip()
    pk = request.GET.get("enterprise", "")
    enterprise = (
        Enterprise.objects.for_user(request.user).select_related("sector").filter(pk=pk).first()
        if pk.isdigit()
        else None
    )
    on = _found_date(request)
    clauses, total, gap, sectors = [], 0, "", []
    if enterprise is not None:
        sectors = services.hazard_sectors(enterprise)
        found = services.clause_search(sectors=sectors, keyword=keyword, on=on)
        total = found.count()
        clauses = list(found[:SEARCH_LIMIT])
        gap = services.basis_gap(enterprise.sector, on)
    selected = request.GET.get("clause", "")
    chosen = None
    if enterprise and selected.isdigit() and all(str(c.pk) != selected for c in clauses):
        # Keep the chosen clause visible while searching, if it is still offered.
        chosen = services.clause_search(sectors=sectors, on=on).filter(pk=selected).first()
    other = bool(gap) and selected == BasisKind.OTHER
    if selected and not other and not chosen and all(str(c.pk) != selected for c in clauses):
        selected = ""
    for clause in [*clauses, *([chosen] if chosen else [])]:
        clause.warning = clause.standard.warning_on(on)
    return render(
        request,
        "hazards/includes/clause_options.html",
        {
            "enterprise": enterprise,
            "clauses": clauses,
            "total": total,
            "chosen": chosen,
            "selected": selected,
            "keyword": keyword,
            "limit": SEARCH_LIMIT,
            "gap": gap,
            "other": BasisKind.OTHER,
        },
    )

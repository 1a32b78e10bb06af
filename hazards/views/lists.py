"""The hazard list and the personal work queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject

from core import reference_cache
from core.filtering import filter_results
from core.paginator import VersionedCountPaginator
from enterprises.models import Enterprise

from .. import fragments, services, versioning
from ..choices import (
    HazardState,
)
from ..filtersets import HazardFilterSet
from ..models import Hazard
from .common import (
    ADVANCED_FILTERS,
    LIST_FIELDS,
    LIST_PREFETCH,
    PAGE_SIZES,
    can_register,
    page_size_of,
)

# Parameters that change which rows a page shows, never how many rows there are.
PAGING = ("page", "page_size")
COUNT_IGNORES = (*PAGING, "ordering")


def _mark_progress_due(page) -> dict:
    """Give each listed hazard of the page its progress-report lateness (one query)."""
    due = services.progress_reports_due(page.object_list)
    for hazard in page.object_list:
        hazard.progress_due = due.get(hazard.pk)
    return due


def _page(request, rows):
    """The requested page of `rows`, their total counted once per scope data version and day."""
    return VersionedCountPaginator(
        rows,
        page_size_of(request),
        version=lambda: versioning.user_version(request.user),
        key=reference_cache.request_key(request, ignore=COUNT_IGNORES),
    ).get_page(request.GET.get("page"))


def _table(request, context: dict) -> str:
    return render_to_string("hazards/includes/hazard_table.html", context, request)


@login_required
def hazard_list(request):
    queryset = (
        Hazard.objects.for_user(request.user).only(*LIST_FIELDS).prefetch_related(*LIST_PREFETCH)
    )
    # A page number or size alone filters nothing: the FilterSet is bound only to filters. It
    # is built only when something reads it: the table and the filter form are usually cached.
    filtering = any(name not in PAGING for name in request.GET)
    filterset = SimpleLazyObject(
        lambda: HazardFilterSet(
            request.GET if filtering else None, queryset=queryset, request=request
        )
    )

    def table() -> str:
        results, filter_errors = filter_results(filterset, queryset)
        page = _page(request, results)
        _mark_progress_due(page)
        return _table(
            request, {"page": page, "page_sizes": PAGE_SIZES, "filter_errors": filter_errors}
        )

    results = fragments.cached(request, "hazard-list", table)
    if request.htmx:
        return HttpResponse(results)
    selected_states = request.GET.getlist("state")
    chosen_enterprise = None
    if request.GET.get("enterprise"):
        chosen_enterprise = (
            Enterprise.objects.for_user(request.user)
            .filter(
                pk=int(value)
                if (value := request.GET["enterprise"]).isascii() and value.isdigit()
                else None
            )
            .first()
        )
    return render(
        request,
        "hazards/hazard_list.html",
        {
            "filter": filterset,
            "results": results,
            "state_choices": [
                (value, label, value in selected_states) for value, label in HazardState.choices
            ],
            "chosen_enterprise": chosen_enterprise,
            "can_register": can_register(request.user),
            "advanced_fields": ADVANCED_FILTERS,
            "advanced": any(request.GET.get(name) for name in ADVANCED_FILTERS),
            "filter_key": reference_cache.request_key(
                request, chosen_enterprise and chosen_enterprise.name
            ),
        },
    )


@login_required
def hazard_queue(request):
    """Personal by default; `?scope=unit` shows everything in the user's scope waiting for
    their role."""
    mine = request.GET.get("scope") != "unit"

    def table() -> str:
        queryset = (
            services.hazard_queue(request.user, mine=mine)
            .only(*LIST_FIELDS)
            .prefetch_related(*LIST_PREFETCH)
            .order_by("current_deadline", "number")
        )
        page = _page(request, queryset)
        due = _mark_progress_due(page)
        reasons = services.queue_reasons(page.object_list, request.user, due)
        for hazard in page.object_list:
            hazard.queue_reasons = reasons.get(hazard.pk, [])
        return _table(request, {"page": page, "page_sizes": PAGE_SIZES, "queue": True})

    return render(
        request,
        "hazards/hazard_queue.html",
        {
            "results": fragments.cached(request, "hazard-queue", table),
            "mine": mine,
            "tasks": services.standard_tasks()
            if request.user.has_perm("hazards.add_judgmentstandard")
            else [],
        },
    )

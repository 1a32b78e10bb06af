"""The judgment standards, for reading."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from .. import services
from ..models import JudgmentStandard


@login_required
def standard_list(request):
    standards = (
        JudgmentStandard.objects.select_related("superseded_by")
        .prefetch_related("sectors")
        .annotate(clause_count=Count("clauses"))
        .order_by("sector_label", "-effective", "code")
    )
    tasks = services.standard_tasks() if _maintains(request.user) else []
    return render(request, "hazards/standard_list.html", {"standards": standards, "tasks": tasks})


def _maintains(user) -> bool:
    """Admins who keep the catalog: they are given its tasks."""
    return user.has_perm("hazards.add_judgmentstandard")


@login_required
def standard_detail(request, pk: int):
    standard = get_object_or_404(JudgmentStandard.objects.select_related("superseded_by"), pk=pk)
    keyword = request.GET.get("q", "").strip()
    clauses = services.clause_search(keyword=keyword, current_only=False).filter(standard=standard)
    template = (
        "hazards/includes/clause_table.html" if request.htmx else "hazards/standard_detail.html"
    )
    return render(
        request,
        template,
        {
            "standard": standard,
            "clauses": clauses,
            "keyword": keyword,
            "sectors": list(standard.sectors.all()),
        },
    )

"""Read queries of inspections shared by the pages, the API and the services. Every list starts
from the user's scope; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from hazards.models import Clause, Hazard
from hazards.services import clause_search

from .choices import CheckResult, InspectionStatus
from .models import DrawTarget, Inspection, InspectionPlan


def visible_inspections(user) -> QuerySet[Inspection]:
    """The visits in the user's scope, newest first."""
    return Inspection.objects.for_user(user).select_related("enterprise").order_by("-date", "-pk")


def visible_plans(user) -> QuerySet[InspectionPlan]:
    """The plans in the user's scope, with what their lists show of region and department."""
    return InspectionPlan.objects.for_user(user).select_related("region", "department")


def today_visits(user) -> QuerySet[Inspection]:
    return (
        Inspection.objects.for_user(user)
        .filter(inspectors=user, date=timezone.localdate())
        .select_related("enterprise")
        .order_by("status", "start_time", "pk")
    )


@dataclass
class PlanProgress:
    targets: int
    drawn: int
    inspected: int
    required_share: int

    @property
    def random_share(self) -> float:
        return round(100 * self.drawn / self.targets, 1) if self.targets else 0.0

    @property
    def meets_share(self) -> bool:
        return self.targets > 0 and self.random_share >= self.required_share

    @property
    def completion(self) -> float:
        return round(100 * self.inspected / self.targets, 1) if self.targets else 0.0


def plan_progress(plan: InspectionPlan) -> PlanProgress:
    """Targets, how many were drawn at random (against the required share), how many visited."""
    targets = set(plan.enterprises.values_list("pk", flat=True))
    drawn = set(DrawTarget.objects.filter(draw__plan=plan).values_list("enterprise_id", flat=True))
    inspected = set(
        Inspection.objects.filter(
            plan=plan, status=InspectionStatus.DONE, enterprise__in=targets
        ).values_list("enterprise_id", flat=True)
    )
    return PlanProgress(
        targets=len(targets),
        drawn=len(drawn & targets),
        inspected=len(inspected),
        required_share=plan.random_share_required,
    )


def inspection_hazards(inspection: Inspection) -> QuerySet[Hazard]:
    """The hazards registered from the visit's findings."""
    return Hazard.objects.filter(finding__inspection=inspection)


def checklist_clauses(inspection: Inspection) -> QuerySet[Clause]:
    """The clauses of the current judgment standards of the enterprise's sector."""
    return clause_search(sector=inspection.sector, current_only=True)


def checklist_summary(inspection: Inspection) -> dict[str, int]:
    counts = {value: 0 for value in CheckResult.values}
    for result in inspection.checklist.values_list("result", flat=True):
        counts[result] += 1
    counts["total"] = sum(counts.values())
    return counts

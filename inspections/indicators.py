"""Inspection indicators: 重点监管企业执法检查覆盖率, visits against the 分级分类 yearly cap,
inspector workload. Every query starts from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q

from accounts.models import User
from core.models import Region
from enterprises.choices import EnterpriseStatus, RiskGrade
from enterprises.models import Enterprise

from .choices import CAP_BADGES, CapState, InspectionStatus
from .models import EnforcementDocument, Finding, Inspection

DEFAULT_CAPS = {RiskGrade.RED: 4, RiskGrade.ORANGE: 3, RiskGrade.YELLOW: 2, RiskGrade.BLUE: 1}


def yearly_caps() -> dict[str, int]:
    return {**DEFAULT_CAPS, **getattr(settings, "INSPECTION_YEARLY_VISIT_CAPS", {})}


@dataclass
class CoverageRow:
    region: Region
    total: int
    covered: int

    @property
    def rate(self) -> float:
        return round(100 * self.covered / self.total, 1) if self.total else 100.0


def key_supervision_coverage(*, user, region: Region, start: date, end: date) -> list[CoverageRow]:
    """Per child region (and the region itself, last): 重点监管 enterprises in operation and how
    many had at least one finished inspection between start and end."""
    key = Enterprise.objects.for_user(user).filter(
        key_supervision=True, status=EnterpriseStatus.OPERATING
    )
    done = Inspection.objects.filter(
        status=InspectionStatus.DONE, date__gte=start, date__lte=end
    ).values("enterprise")
    rows = []
    for area in [*region.children.order_by("code"), region]:
        scoped = key.filter(region__code__startswith=area.prefix)
        counts = scoped.aggregate(
            total=Count("pk", distinct=True),
            covered=Count("pk", filter=Q(pk__in=done), distinct=True),
        )
        if counts["total"] or area == region:
            rows.append(CoverageRow(area, counts["total"], counts["covered"]))
    return rows


@dataclass
class CapRow:
    enterprise: Enterprise
    visits: int
    cap: int

    @property
    def state(self) -> CapState:
        if self.visits > self.cap:
            return CapState.OVER
        if self.visits == 0:
            return CapState.NOT_VISITED
        return CapState.AT if self.visits == self.cap else CapState.UNDER

    @property
    def badge(self) -> str:
        return CAP_BADGES[self.state]


def visits_against_caps(*, user, region: Region, year: int) -> list[CapRow]:
    """Finished visits of each enterprise this year against its risk grade's yearly cap."""
    caps = yearly_caps()
    enterprises = (
        Enterprise.objects.for_user(user)
        .filter(region__code__startswith=region.prefix, status=EnterpriseStatus.OPERATING)
        .annotate(
            visits=Count(
                "inspections",
                filter=Q(inspections__status=InspectionStatus.DONE, inspections__date__year=year),
            )
        )
        .order_by("-visits", "name")
    )
    return [CapRow(e, e.visits, caps.get(e.risk_grade, 1)) for e in enterprises]


@dataclass
class WorkloadRow:
    inspector: User
    visits: int
    scheduled: int
    findings: int
    documents: int


def inspector_workload(*, user, region: Region, start: date, end: date) -> list[WorkloadRow]:
    visits = Inspection.objects.for_user(user).filter(
        region__code__startswith=region.prefix, date__gte=start, date__lte=end
    )
    people = User.objects.filter(inspections__in=visits).distinct().order_by("pk")
    rows = []
    for person in people:
        mine = visits.filter(inspectors=person)
        rows.append(
            WorkloadRow(
                inspector=person,
                visits=mine.filter(status=InspectionStatus.DONE).count(),
                scheduled=mine.filter(status=InspectionStatus.SCHEDULED).count(),
                findings=Finding.objects.filter(inspection__in=mine).count(),
                documents=EnforcementDocument.objects.filter(inspection__in=mine).count(),
            )
        )
    return sorted(rows, key=lambda r: (-r.visits, r.inspector.pk))

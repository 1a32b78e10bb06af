"""Progress reports under 挂牌督办: a listed hazard reports its rectification's progress at the
interval its listing sets (at least quarterly), while it is being rectified (整改中)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .choices import Action
from .models import HazardEvent, Supervision
from .workflow import TABLE

# A progress report can be filed only in these states (整改中): before the rectification plan
# there is nothing to report, and once the rectification is submitted the re-check follows.
REPORTING_STATES = TABLE[Action.REPORT_PROGRESS].sources


@dataclass(frozen=True)
class ProgressDue:
    """When a listed hazard's next progress report (进展报告) is due, and how late it is."""

    due: date
    late_days: int


def progress_reports_due(hazards, today: date | None = None) -> dict[int, ProgressDue]:
    """For the listed hazards among `hazards` that are being rectified: the next progress report
    falls due one reporting interval (default 90 days) after the last report, or after the
    listing. One query, whatever the number of hazards (a list page, or one detail page)."""
    today = today or timezone.localdate()
    ids = [h.pk for h in hazards if h.supervision_level and h.state in REPORTING_STATES]
    if not ids:
        return {}
    last_report = (
        HazardEvent.objects.filter(hazard_id=OuterRef("hazard_id"), action=Action.REPORT_PROGRESS)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    listings = {
        s.hazard_id: s
        for s in Supervision.objects.filter(hazard_id__in=ids, removed_at__isnull=True).annotate(
            last_report=Subquery(last_report)
        )
    }
    result = {}
    for hazard_id, listing in listings.items():
        since = max(filter(None, [listing.listed_at, listing.last_report]))
        due = timezone.localtime(since).date() + timedelta(days=listing.report_interval_days)
        result[hazard_id] = ProgressDue(due, max(0, (today - due).days))
    return result

"""Celery tasks: thin wrappers that parse a date and call a service. Safe to run twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from core.schedule import once_per_slot

from .monthly import services as monthly
from .notices import services as notices
from .notices.delivery import deliveries_send

# A day's ladder touches each open hazard near or past its deadline once; minutes are plenty.
LIMITS = {"soft_time_limit": 15 * 60, "time_limit": 20 * 60, "acks_late": True}


def _day(on: str | None) -> date:
    return date.fromisoformat(on) if on else timezone.localdate()


@contextmanager
def _once(task: str, on: str | None) -> Iterator[bool]:
    """A run from the schedule (no date given) claims its day: once, whoever sends it. A run
    for a given date (by hand, a command) always runs; every service here is safe to repeat."""
    if on is not None:
        yield True
        return
    stale = timedelta(seconds=LIMITS["time_limit"])
    with once_per_slot(task=task, slot=_day(on).isoformat(), stale_after=stale) as mine:
        yield mine


@shared_task(name="reports.tasks.run_notices", **LIMITS)
def run_notices(on: str | None = None) -> str:
    """Reminders and the overdue ladder for `on` (ISO date, default today)."""
    with _once("run_notices", on) as mine:
        return str(notices.notices_run(on=_day(on))) if mine else "skipped"


@shared_task(name="reports.tasks.build_monthly_reports", **LIMITS)
def build_monthly_reports(on: str | None = None, force: bool = False) -> int:
    """From the configured day of the month on, build the month's missing snapshots."""
    with _once("build_monthly_reports", on) as mine:
        return len(monthly.monthly_reports_build(on=_day(on), force=force)) if mine else 0


@shared_task(name="reports.tasks.remind_late_filers", **LIMITS)
def remind_late_filers(on: str | None = None) -> int:
    """Remind the filers of reports past their due date (once per report and user)."""
    with _once("remind_late_filers", on) as mine:
        return monthly.remind_late_filers(on=_day(on)) if mine else 0


@shared_task(name="reports.tasks.send_deliveries", soft_time_limit=240, time_limit=300)
def send_deliveries() -> int:
    """Every few minutes: send the e-mails and SMS still pending in the outbox."""
    return deliveries_send()

"""Celery tasks: thin wrappers that parse a date and call a service. Safe to run twice."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from .monthly import services as monthly
from .notices import services as notices
from .notices.delivery import deliveries_send

# A day's ladder touches each open hazard near or past its deadline once; minutes are plenty.
LIMITS = {"soft_time_limit": 15 * 60, "time_limit": 20 * 60, "acks_late": True}


def _day(on: str | None) -> date:
    return date.fromisoformat(on) if on else timezone.localdate()


@shared_task(name="reports.tasks.run_notices", **LIMITS)
def run_notices(on: str | None = None) -> str:
    """Reminders and the overdue ladder for `on` (ISO date, default today)."""
    return str(notices.notices_run(on=_day(on)))


@shared_task(name="reports.tasks.build_monthly_reports", **LIMITS)
def build_monthly_reports(on: str | None = None, force: bool = False) -> int:
    """From the configured day of the month on, build the month's missing snapshots."""
    return len(monthly.monthly_reports_build(on=_day(on), force=force))


@shared_task(name="reports.tasks.remind_late_filers", **LIMITS)
def remind_late_filers(on: str | None = None) -> int:
    """Remind the filers of reports past their due date (once per report and user)."""
    return monthly.remind_late_filers(on=_day(on))


@shared_task(name="reports.tasks.send_deliveries", soft_time_limit=240, time_limit=300)
def send_deliveries() -> int:
    """Every few minutes: send the e-mails and SMS still pending in the outbox."""
    return deliveries_send()

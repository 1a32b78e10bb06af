"""Runs each app's demo seeding in dependency order."""

from __future__ import annotations

import logging

from django.core.management import call_command

from accounts.demo import seed_accounts
from enterprises.demo import seed_enterprises
from hazards.demo import seed_hazards
from inspections.demo import seed_inspections
from reports.demo import seed_reports


def seed() -> dict[str, int]:
    """Load the reference data and every part of the demo; returns what each part created."""
    # Replaying 35 days of notices would print every demo SMS; the log is for real runs.
    sms_logger = logging.getLogger("reports.services")
    level = sms_logger.level
    sms_logger.setLevel(logging.WARNING)
    try:
        call_command("load_reference", verbosity=0)
        seed_accounts()
        enterprises = seed_enterprises()
        hazards = seed_hazards()
        seed_inspections()
        seed_reports()
    finally:
        sms_logger.setLevel(level)
    return {"enterprises": enterprises, "hazards": hazards}

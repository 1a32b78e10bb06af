"""Loads the demo part by part, each part once; `reset` rebuilds it from an empty database."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from accounts.demo import seed_accounts
from core.errors import Kind, ServiceError
from enterprises.demo import seed_enterprises
from hazards.demo import seed_hazards
from inspections.demo import seed_inspections
from portal.demo import seed_portal
from reports.demo import seed_reports
from reports.selfcheck.demo import seed_selfcheck
from tipoffs.demo import seed_tipoffs

from .models import DemoSeed

# key, what it is (for the user), seeder returning how many records it made; in dependency order.
PARTS: list[tuple[str, str, Callable[[], int | None]]] = [
    ("accounts", "演示账号", seed_accounts),
    ("enterprises", "企业", seed_enterprises),
    ("hazards", "隐患", seed_hazards),
    ("inspections", "检查", seed_inspections),
    ("portal", "企业用户和企业自查隐患", seed_portal),
    ("reports", "督办通知和月报", seed_reports),
    ("selfcheck", "企业自查月报和签收", seed_selfcheck),
    ("tipoffs", "群众举报", seed_tipoffs),
]


def seed() -> dict[str, int]:
    """Load the reference data, then every part of the demo not loaded before.

    Returns what each part loaded now made ({} when everything was loaded before).
    """
    call_command("load_reference", verbosity=0)
    done = set(DemoSeed.objects.values_list("part", flat=True))
    made: dict[str, int] = {}
    # Replaying 35 days of notices would log every demo SMS and run; the log is for real runs.
    reports_logger = logging.getLogger("reports")
    level = reports_logger.level
    reports_logger.setLevel(logging.WARNING)
    try:
        for part, _label, seeder in PARTS:
            if part in done:
                continue
            with transaction.atomic():
                made[part] = seeder() or 0
                DemoSeed.objects.create(part=part)
    finally:
        reports_logger.setLevel(level)
    return made


def is_demo_database() -> bool:
    """The demo was loaded here, or nobody has signed up yet: a reset loses nothing real."""
    return DemoSeed.objects.exists() or not get_user_model().objects.exists()


@transaction.atomic
def reset() -> dict[str, int]:
    """Empty the database and load the demo again. Refused where the demo was never loaded."""
    if not is_demo_database():
        raise ServiceError(
            "该数据库从未加载过演示数据，重建会删除其中的真实数据，已取消。", kind=Kind.STATE
        )
    # Checks deferred until commit run now: a caller's pending writes would stop the truncation.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    return seed()

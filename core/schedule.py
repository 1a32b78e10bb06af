"""Scheduled tasks run once per slot, however many workers and schedulers there are.

A scheduled run first inserts a ScheduledRun row for (task, slot); the unique constraint lets
exactly one insert succeed, and every other delivery of the same slot returns at once. A claim
whose run never finished (its worker died) is taken over after `stale_after`.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

log = logging.getLogger(__name__)


def _claim(task: str, slot: str, stale_after: timedelta) -> ScheduledRun | None:
    worker = f"{socket.gethostname()}:{os.getpid()}"[:128]
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(task=task, slot=slot, worker=worker)
    except IntegrityError:
        pass
    now = timezone.now()
    with transaction.atomic():
        run = (
            ScheduledRun.objects.select_for_update(skip_locked=True)
            .filter(
                task=task, slot=slot, finished_at__isnull=True, started_at__lt=now - stale_after
            )
            .first()
        )
        if run is None:
            log.info("scheduled %s for %s already ran elsewhere; skipped", task, slot)
            return None
        log.warning("scheduled %s for %s: taking over from %s", task, slot, run.worker)
        run.worker, run.started_at = worker, now
        run.save(update_fields=["worker", "started_at"])
        return run


@contextmanager
def once_per_slot(*, task: str, slot: str, stale_after: timedelta) -> Iterator[bool]:
    """`with once_per_slot(...) as mine:` — mine is True for the one caller that runs the slot."""
    run = _claim(task, slot, stale_after)
    yield run is not None
    if run is not None:
        ScheduledRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())

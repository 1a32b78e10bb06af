"""The daily notice run: the reminder and overdue ladder of every hazard not yet rectified.

Only hazards not yet rectified that day (已登记, 整改中) get reminders and escalations; a
hazard whose rectification was submitted (待复查) or passed re-check (已复查) gets none, and a
failed re-check, which sets a new deadline, starts that deadline's ladder.

Exactly once: a Notice is unique per (hazard, step, deadline). The daily run locks each hazard
that still lacks a due step, re-reads its state and current deadline under the lock, and
issues the step due in a savepoint together with its 文号, so a racing run gets an
IntegrityError, rolls its savepoint back (number included) and sends nothing. After an outage
only the highest step due is issued, as 补发; the lower ones are recorded as skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.logs import timed
from core.services import next_document_number
from hazards import versioning
from hazards.choices import NOT_RECTIFIED_STATES
from hazards.models import Hazard

from ..choices import NoticeStep
from ..models import Notice, Notification
from .delivery import deliveries_plan, deliveries_retry, deliveries_send, notify_in_app
from .recipients import Directory
from .standing import Standing, standing_now, standings_at
from .steps import ESCALATION_STEPS, NUMBER_KINDS, Made, county_of, is_reminder, ladder, plan
from .texts import Occasion, addressees, body

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    on: date
    checked: int = 0
    created: int = 0
    skipped: int = 0
    resent: int = 0

    def __str__(self) -> str:
        text = f"{self.on}：检查隐患 {self.checked} 条，新生成通知 {self.created} 份"
        if self.skipped:
            text += f"（几级同时到期的只发最高一级，{self.skipped} 个较低环节不再发出）"
        return text + (f"，补发此前发送失败的消息 {self.resent} 条" if self.resent else "")


def notices_run(*, on: date, as_of: datetime | None = None) -> RunResult:
    """Issue the step due on `on` for every hazard not yet rectified that lacks it.

    `as_of` makes the run of a past moment (the demo's replay of past weeks): the hazards are
    taken as they stood then, from their recorded steps.
    """
    with timed(log, "notice run", on=on) as figures:
        result = _run(on, as_of)
        figures.update(
            checked=result.checked,
            created=result.created,
            skipped=result.skipped,
            resent=result.resent,
        )
    return result


def _run(on: date, as_of: datetime | None) -> RunResult:
    started = timezone.now()
    directory = Directory()
    horizon = on + timedelta(days=max(settings.REPORTS_REMINDER_DAYS, default=0))
    candidates = _candidates(on, horizon, as_of)
    have: dict[tuple[int, date], set[str]] = {}
    for hazard_id, deadline, step in _existing(horizon, as_of, candidates):
        have.setdefault((hazard_id, deadline), set()).add(step)
    result = RunResult(on=on, checked=len(candidates))
    regions: set[str] = set()
    for hazard_id, (level, found, standing) in candidates.items():
        due = {
            step
            for step, day in ladder(standing.deadline, level, listed=standing.listed)
            if found <= day <= on
        }
        if due - have.get((hazard_id, standing.deadline), set()):
            issued = notice_issue(hazard_id=hazard_id, on=on, directory=directory, as_of=as_of)
            regions.update(notice.hazard.region_id for notice in issued)
            for notice in issued:
                if notice.skipped:
                    result.skipped += 1
                else:
                    deliveries_send(notice_ids=[notice.pk])
                    result.created += 1
    # Hazard pages list their notices: their counties' kept pages are drawn anew.
    versioning.bump_on_commit(regions)
    # Whatever an earlier run left pending (it stopped between a commit and the sending).
    deliveries_send()
    result.resent = deliveries_retry(on=on, failed_before=started)
    return result


def _candidates(
    on: date, horizon: date, as_of: datetime | None
) -> dict[int, tuple[str, date, Standing]]:
    """Hazards not yet rectified with a deadline near or past: pk → (level, found, standing)."""
    if as_of is None:
        rows = Hazard.objects.filter(
            state__in=NOT_RECTIFIED_STATES, current_deadline__lte=horizon, found_date__lte=on
        ).values_list("pk", "level", "found_date", "state", "current_deadline", "supervision_level")
        return {
            pk: (level, found, Standing(state, deadline, listed))
            for pk, level, found, state, deadline, listed in rows
        }
    hazards = list(
        Hazard.objects.filter(found_date__lte=on).only("pk", "level", "found_date", "deadline")
    )
    standings = standings_at(hazards, as_of)
    return {
        h.pk: (h.level, h.found_date, standings[h.pk])
        for h in hazards
        if h.pk in standings
        and standings[h.pk].not_rectified
        and standings[h.pk].deadline <= horizon
    }


def _existing(horizon: date, as_of: datetime | None, candidates: dict):
    """(hazard, deadline, step) of the steps already recorded for the candidates' deadlines."""
    notices = Notice.objects.all()
    if as_of is None:
        notices = notices.filter(
            hazard__state__in=NOT_RECTIFIED_STATES,
            hazard__current_deadline__lte=horizon,
            deadline=F("hazard__current_deadline"),
        )
    else:
        notices = notices.filter(hazard_id__in=list(candidates))
    return notices.values_list("hazard_id", "deadline", "step").iterator()


def notice_issue(
    *,
    hazard_id: int,
    on: date,
    directory: Directory | None = None,
    as_of: datetime | None = None,
) -> list[Notice]:
    """Issue the step of one hazard due on `on` under its row lock; return the new records
    (the issued notice last, after the lower steps a catch-up passed over)."""
    directory = directory or Directory()
    with transaction.atomic():
        hazard = (
            Hazard.objects.select_for_update(of=("self",))
            .select_related("enterprise__department", "region__parent", "found_by", "sector")
            .filter(pk=hazard_id)
            .first()
        )
        # Re-read under the lock: a hazard rectified or given a new deadline meanwhile gets no
        # step of the old deadline.
        if hazard is None or hazard.found_date > on:
            return []
        standing = (
            standing_now(hazard) if as_of is None else standings_at([hazard], as_of).get(hazard.pk)
        )
        if standing is None or not standing.not_rectified:
            return []
        recorded = list(hazard.notices.filter(deadline=standing.deadline))
        issued = {n.step: n for n in recorded if not n.skipped}
        todo = plan(
            deadline=standing.deadline,
            level=hazard.level,
            found=hazard.found_date,
            on=on,
            made={n.step: Made(n.issued_on, n.skipped) for n in recorded},
            listed=standing.listed,
        )
        if todo.send is None:
            return []
        step, due = todo.send
        steps = [s for s, _ in ladder(standing.deadline, hazard.level, listed=standing.listed)]
        later = steps[steps.index(step) + 1 :]
        occasion = Occasion(
            deadline=standing.deadline,
            due=due,
            on=on,
            catch_up=todo.catch_up,
            prior=[issued[s] for s in steps if s in issued and s in ESCALATION_STEPS],
            next_step=later[0] if later else None,
        )
        records = _record(hazard, standing, todo.skip, step, occasion, directory)
        if records and not records[-1].skipped:
            notice = records[-1]
            # The e-mails and SMS are written to the outbox in this same transaction.
            deliveries_plan(notice, notify_in_app(notice, hazard, directory))
        return records


def _record(
    hazard: Hazard,
    standing: Standing,
    skip: list[tuple[str, date]],
    step: str,
    occasion: Occasion,
    directory: Directory,
) -> list[Notice]:
    """Store the passed-over steps and the issued one with its 文号 in one savepoint."""
    county = county_of(hazard.region)
    issuer = (
        directory.emergency_bureau(county)
        if step == NoticeStep.OVERDUE or is_reminder(step)
        else directory.safety_office(county)
    )
    on = occasion.on
    try:
        with transaction.atomic():
            records = [
                Notice.objects.create(
                    hazard=hazard,
                    step=passed,
                    deadline=standing.deadline,
                    due_date=due,
                    issued_on=on,
                    skipped=True,
                    hazard_state=standing.state,
                )
                for passed, due in skip
            ]
            number = ""
            if step in NUMBER_KINDS:
                _, number = next_document_number(
                    issuer=county.document_prefix, kind=NUMBER_KINDS[step], year=on.year
                )
            records.append(
                Notice.objects.create(
                    hazard=hazard,
                    step=step,
                    deadline=standing.deadline,
                    due_date=occasion.due,
                    issued_on=on,
                    catch_up=occasion.catch_up,
                    hazard_state=standing.state,
                    number=number,
                    issuer=issuer,
                    addressees=addressees(hazard, step, county, directory),
                    body=body(hazard, step, occasion, county, directory),
                )
            )
            return records
    except IntegrityError:
        # Another run made this step first; its savepoint (and 文号) is gone, nothing is sent.
        return []


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (or, without pk, every) unread notification of the user as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())

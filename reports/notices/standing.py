"""How a hazard stood when a day's run looked at it: its state, deadline and listing.

The daily run reads the hazard's fields. A run made for a past moment (the demo replays the
past weeks' runs) reads the hazard's recorded steps up to that moment instead, so it never
sends a notice about a hazard that was not yet found, had already submitted its rectification,
or had another deadline then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from hazards.choices import NOT_RECTIFIED_STATES, Action
from hazards.models import Hazard, HazardEvent

# The recorded steps that set a new deadline, and the key of their data that holds it.
DEADLINE_KEYS = {
    Action.REGISTER: "deadline",
    Action.APPROVE_EXTENSION: "approved_deadline",
    Action.RECHECK_FAIL: "new_deadline",
}


@dataclass(frozen=True)
class Standing:
    state: str
    deadline: date
    listed: str = ""  # the 挂牌督办 level, if listed

    @property
    def not_rectified(self) -> bool:
        return self.state in NOT_RECTIFIED_STATES


def standing_now(hazard: Hazard) -> Standing:
    return Standing(hazard.state, hazard.current_deadline, hazard.supervision_level)


def standings_at(hazards: Iterable[Hazard], moment: datetime) -> dict[int, Standing]:
    """The standing of each hazard at a past moment, from its steps recorded before it;
    hazards not yet registered then are left out."""
    by_pk = {hazard.pk: hazard for hazard in hazards}
    standings: dict[int, Standing] = {}
    events = (
        HazardEvent.objects.filter(hazard_id__in=list(by_pk), created_at__lte=moment)
        .order_by("hazard_id", "created_at", "pk")
        .values_list("hazard_id", "action", "to_state", "data")
    )
    for hazard_id, action, state, data in events.iterator():
        before = standings.get(hazard_id)
        deadline = before.deadline if before else by_pk[hazard_id].deadline
        listed = before.listed if before else ""
        key = DEADLINE_KEYS.get(action)
        if key and (data or {}).get(key):
            deadline = date.fromisoformat(data[key])
        if action == Action.LIST_SUPERVISION:
            listed = (data or {}).get("level", "")
        elif action == Action.REMOVE_SUPERVISION:
            listed = ""
        standings[hazard_id] = Standing(state, deadline, listed)
    return standings

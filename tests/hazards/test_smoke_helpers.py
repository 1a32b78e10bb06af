import pytest

from hazards.choices import HazardState
from tests.hazard_helpers import advance, register

pytestmark = pytest.mark.django_db


def test_a_major_hazard_goes_round_the_whole_loop(personas):
    hazard = register(personas.inspector)
    assert hazard.number.startswith("150623-") and hazard.state == HazardState.REGISTERED
    hazard = advance(
        hazard, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer
    )
    assert hazard.state == HazardState.CLOSED
    assert [e.action for e in hazard.events.all()] == [
        "register",
        "start-rectification",
        "add-photo",
        "submit-rectification",
        "recheck-pass",
        "sign-off",
    ]

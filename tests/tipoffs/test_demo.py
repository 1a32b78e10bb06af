"""The demo's public reports: seven in 鄂托克前旗, every state, one verified into a hazard
with an approved reward."""

import pytest

from accounts.demo import seed_accounts
from enterprises.demo import seed_enterprises
from hazards.choices import HazardSource
from tipoffs.choices import TipoffState
from tipoffs.demo import seed_tipoffs
from tipoffs.models import Tipoff

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_report_in_every_state_and_one_verified_into_a_hazard(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_accounts()
    seed_enterprises()
    assert seed_tipoffs() == 7
    assert seed_tipoffs() == 0
    reports = Tipoff.objects.filter(region__code__startswith="150623")
    assert set(reports.values_list("state", flat=True)) == set(TipoffState.values)
    verified = reports.get(state=TipoffState.VERIFIED)
    assert verified.hazard.source == HazardSource.PUBLIC_REPORT
    assert verified.reward_approved_by.username == "admin"
    assert verified.reward_recorded_by.username == "reviewer"
    assert (
        reports.get(state=TipoffState.TRANSFERRED).department.name == "鄂托克前旗住房和城乡建设局"
    )

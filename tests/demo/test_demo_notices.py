"""The demo's notices, made by replaying the daily job over the past weeks, break no rule of the
notices: each concerns a hazard not yet rectified that day, 提请市级督办 only a 重大事故隐患, at
most one a day per hazard, no phone number in a 通报, 文号 with the county's abbreviation."""

import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone
from freezegun import freeze_time

from hazards.choices import NOT_RECTIFIED_STATES, HazardLevel
from hazards.models import HazardEvent
from reports.choices import NoticeStep
from reports.models import Notice
from reports.notices.documents import PDF_TEMPLATES, notice_context

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<![0-9A-Z])1[3-9]\d{9}(?![0-9A-Z])")


# Today, and a day on which an earlier demo showed no 督办函 (its random draws followed the day
# of the month).
DAYS = [None, "2026-12-04 02:00:00"]


@pytest.mark.parametrize("day", DAYS, ids=["today", "2026-12-04"])
def test_demo_notices_keep_the_rules(day):
    """Whatever day the demo is made, its ladder shows an overdue notice, a 督办函 and a 通报."""
    if day is None:
        call_command("seed_demo", verbosity=0)
    else:
        with freeze_time(day):
            call_command("seed_demo", verbosity=0)
    notices = list(
        Notice.objects.sent().select_related("hazard__enterprise", "hazard__region").order_by("pk")
    )
    assert len(notices) >= 10
    assert {NoticeStep.OVERDUE, NoticeStep.COUNTY_LETTER, NoticeStep.BULLETIN} <= {
        n.step for n in notices
    }
    steps = defaultdict(list)
    for event in HazardEvent.objects.order_by("created_at", "pk"):
        steps[event.hazard_id].append(event)

    def state_when(notice):
        """The hazard's state when the notice was made, from its recorded steps."""
        done = [e for e in steps[notice.hazard_id] if e.created_at <= notice.created_at]
        return done[-1].to_state if done else None

    about_rectified = [n.pk for n in notices if state_when(n) not in NOT_RECTIFIED_STATES]
    assert about_rectified == []
    assert all(n.hazard_state == state_when(n) for n in notices)
    general_requests = [
        n.pk
        for n in notices
        if n.step == NoticeStep.CITY_ESCALATION and n.hazard.level != HazardLevel.MAJOR
    ]
    assert general_requests == []
    per_day = Counter((n.hazard_id, timezone.localtime(n.created_at).date()) for n in notices)
    assert max(per_day.values()) == 1
    assert all(timezone.localtime(n.created_at).date() == n.issued_on for n in notices)
    for bulletin in (n for n in notices if n.step == NoticeStep.BULLETIN):
        printed = render_to_string(PDF_TEMPLATES[bulletin.step], notice_context(bulletin))
        assert not MOBILE.search(bulletin.body + printed), bulletin.number
    numbered = [n.number for n in notices if n.number and n.hazard.region_id.startswith("150623")]
    assert numbered and all(number.startswith("鄂前") for number in numbered)

"""The demo data `make run` loads: every demo login works and the county looks alive."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import User
from hazards.choices import ExtensionStatus, HazardLevel, HazardState, SupervisionLevel
from hazards.models import ExtensionRequest, Hazard, HazardPhoto

pytestmark = pytest.mark.django_db


def test_seed_demo_is_complete_and_idempotent(client):
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), Hazard.objects.count(), HazardPhoto.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), Hazard.objects.count(), HazardPhoto.objects.count()) == counts

    for username in ("admin", "leader", "reviewer", "inspector", "inspector_b"):
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": username, "password": "qingling-demo"}
        )
        assert response.status_code == 302, username

    county = Hazard.objects.filter(region__code__startswith="150623")
    pairs = set(
        county.values_list("state", "level").annotate(n=Count("pk")).values_list("state", "level")
    )
    assert pairs == {(s, lv) for s in HazardState.values for lv in HazardLevel.values}
    assert county.overdue().count() >= 3
    assert {SupervisionLevel.COUNTY, SupervisionLevel.CITY} <= set(
        county.values_list("supervision_level", flat=True)
    )
    statuses = set(ExtensionRequest.objects.values_list("status", flat=True))
    assert {ExtensionStatus.APPROVED, ExtensionStatus.PENDING} <= statuses
    assert HazardPhoto.objects.filter(kind="after").exists()
    assert all(h.clause_id for h in county.filter(level=HazardLevel.MAJOR))
    # Notices and enforcement documents print a hazard's description beside the clause it
    # cites: in the demo the description states what the clause says.
    cited = Hazard.objects.exclude(clause=None).select_related("clause")
    assert cited.count() >= 10
    unlike = [
        (h.number, h.description, h.clause.ref)
        for h in cited
        if h.clause.text.rstrip("的；。") not in h.description
    ]
    assert unlike == []
    # A failed checklist item was seen somewhere on site: its 部位 is not the address.
    checked = Hazard.objects.filter(finding__checklist_item__isnull=False)
    assert checked.exists()
    assert [h.number for h in checked if h.place == h.enterprise.address] == []
    # Each hazard stands where such an enterprise has such a place: 井下 only at mines, no
    # workshop or factory yard at a school, care home, hospital, hotel or shop.
    mines = {"coal", "noncoal"}
    service = {"campus", "elderly_care", "medical", "tourism", "commerce", "fire"}
    misplaced = [
        (h.number, h.enterprise.sector.code, h.place)
        for h in Hazard.objects.select_related("enterprise__sector")
        if ("井下" in h.place and h.enterprise.sector.code not in mines)
        or (h.enterprise.sector.code in service and ("车间" in h.place or "厂区" in h.place))
    ]
    assert misplaced == []
    closed = county.filter(state=HazardState.CLOSED).first()
    times = list(closed.events.values_list("created_at", flat=True))
    assert times == sorted(times) and times[0] < times[-1]

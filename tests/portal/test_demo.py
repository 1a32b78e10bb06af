"""The demo's enterprise account `qiye` shows the enterprise side with something in it."""

import pytest
from django.core.management import call_command

from accounts.choices import Role
from accounts.models import User
from enterprises.demo import QIYE_ENTERPRISE_NAME
from hazards.choices import HazardSource
from hazards.models import Hazard

pytestmark = pytest.mark.django_db


def test_qiye_holds_the_demo_enterprise_with_inspection_and_self_reported_hazards(client):
    call_command("seed_demo", verbosity=0)
    qiye = User.objects.get(username="qiye")
    assert qiye.role == Role.ENTERPRISE
    assert [e.name for e in qiye.enterprises.all()] == [QIYE_ENTERPRISE_NAME]
    own = Hazard.objects.for_user(qiye)
    assert own.count() < Hazard.objects.count()
    assert own.filter(source=HazardSource.SELF_REPORT).count() >= 3
    assert own.exclude(source=HazardSource.SELF_REPORT).exists()
    assert own.filter(source=HazardSource.SELF_REPORT).values("state").distinct().count() >= 3

    response = client.post("/accounts/login/", {"username": "qiye", "password": "qingling-demo"})
    assert response.status_code == 302
    body = client.get("/qiye/").content.decode()
    assert all(h.number in body for h in own.exclude(state="closed"))
    assert "企业自查上报" in body
    inspected = own.exclude(source=HazardSource.SELF_REPORT).first()
    assert inspected.number in body and inspected.get_source_display() in body

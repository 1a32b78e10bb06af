"""Issue 19: the demo loads again after the user changed it, and changes nothing the user did."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from core.models import Department
from demo.models import DemoSeed
from enterprises.models import Enterprise
from hazards.models import Hazard

pytestmark = pytest.mark.django_db


def _state() -> dict:
    return {
        "enterprises": dict(Enterprise.objects.values_list("credit_code", "name")),
        "addresses": dict(Enterprise.objects.values_list("credit_code", "address")),
        "users": dict(User.objects.values_list("username", "name")),
        "departments": sorted(Department.objects.values_list("region_id", "kind", "name")),
        "hazards": {h.number: (h.place, h.description) for h in Hazard.objects.all()},
    }


def _edit_as_a_user_would(client) -> dict:
    """Rename and move an enterprise through the API, rename a department and a login, edit
    a hazard, delete logins, a department, hazards and an enterprise (once nothing refers to it)."""
    renamed = Enterprise.objects.get(name="内蒙古上庙能源化工有限公司")
    client.force_login(User.objects.get(username="inspector"))
    response = client.patch(
        f"/api/v1/enterprises/{renamed.pk}/",
        {"name": "内蒙古上庙新能源有限公司", "address": "内蒙古自治区鄂尔多斯市上海庙镇新区8号"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    Department.objects.filter(name="鄂托克前旗应急管理局").update(name="鄂托克前旗应急管理局（新）")
    User.objects.filter(username="inspector").update(name="李明明")
    hazard = Hazard.objects.filter(region__code__startswith="150623").first()
    Hazard.objects.filter(pk=hazard.pk).update(place="二号仓库", description="用户改过的描述")
    User.objects.filter(username__in=["zhujian", "inspector4"]).delete()
    Department.objects.filter(name="鄂托克前旗安全生产委员会办公室").delete()
    gone = Enterprise.objects.get(name="鄂托克旗乌兰镇建材厂")
    gone.hazards.all().delete()
    gone.delete()
    return {"renamed": renamed.credit_code, "gone": gone.credit_code}


def test_second_seed_keeps_every_user_change(client):
    call_command("seed_demo", verbosity=0)
    edits = _edit_as_a_user_would(client)
    before = _state()

    call_command("seed_demo", verbosity=0)
    assert _state() == before
    assert before["enterprises"][edits["renamed"]] == "内蒙古上庙新能源有限公司"
    assert edits["gone"] not in before["enterprises"]

    # A database loaded before the demo kept its record of what was loaded: the records are
    # found by their stable keys (credit code, username, region and kind), never by a name.
    DemoSeed.objects.all().delete()
    call_command("seed_demo", verbosity=0)
    after = _state()
    for key in ("enterprises", "addresses", "users", "hazards"):
        assert before[key].items() <= after[key].items(), key
    assert set(before["departments"]) <= set(after["departments"])
    assert not Enterprise.objects.filter(name="内蒙古上庙能源化工有限公司").exists()


def test_reset_rebuilds_the_demo_from_scratch(client):
    call_command("seed_demo", verbosity=0)
    fresh = _state()
    edits = _edit_as_a_user_would(client)

    call_command("seed_demo", "--reset", "--yes", verbosity=0)
    rebuilt = _state()
    assert rebuilt["enterprises"] == fresh["enterprises"]
    assert rebuilt["enterprises"][edits["renamed"]] == "内蒙古上庙能源化工有限公司"
    assert rebuilt["users"] == fresh["users"]
    assert rebuilt["departments"] == fresh["departments"]
    assert len(rebuilt["hazards"]) == len(fresh["hazards"])
    assert set(DemoSeed.objects.values_list("part", flat=True)) == {
        "accounts",
        "enterprises",
        "hazards",
        "inspections",
        "portal",
        "reports",
        "selfcheck",
        "tipoffs",
    }


def test_reset_asks_first(monkeypatch, capsys):
    User.objects.create(username="someone")
    DemoSeed.objects.create(part="accounts")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    call_command("seed_demo", "--reset")
    assert "已取消" in capsys.readouterr().out
    assert User.objects.filter(username="someone").exists()

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--yes"):
        call_command("seed_demo", "--reset")
    assert User.objects.filter(username="someone").exists()


def test_reset_refuses_a_database_the_demo_never_loaded():
    User.objects.create(username="real-user")
    with pytest.raises(CommandError, match="从未加载过演示数据"):
        call_command("seed_demo", "--reset", "--yes")
    assert User.objects.filter(username="real-user").exists()

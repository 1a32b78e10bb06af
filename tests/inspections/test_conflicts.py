"""回避申报: who may declare for whom, what a draw then leaves out, and withdrawing."""

import pytest

from core.errors import ServiceError
from inspections import services
from inspections.models import ConflictOfInterest
from tests.factories import EnterpriseFactory

from .test_draw import make_plan

pytestmark = pytest.mark.django_db


def test_an_inspector_declares_their_own_conflict_and_draws_leave_them_out(team):
    enterprises = EnterpriseFactory.create_batch(3)
    conflict = services.conflict_declare(
        by=team.inspector3, enterprise=enterprises[0], reason="近亲属在该企业任职"
    )
    assert conflict.inspector == team.inspector3
    plan = make_plan(team)
    for seed in range(6):
        draw = services.draw_run(by=team.reviewer, plan=plan, count=3, seed=seed)
        rows = {r["enterprise"]: set(r["inspectors"]) for r in draw.result}
        assert team.inspector3.pk not in rows[enterprises[0].pk]
        plan.enterprises.clear()


def test_who_may_declare_for_whom(team, personas):
    company = EnterpriseFactory()
    with pytest.raises(ServiceError, match="只能申报本人"):
        services.conflict_declare(
            by=team.inspector, inspector=team.inspector2, enterprise=company, reason="亲属"
        )
    # A reviewer declares for an inspector of the department …
    services.conflict_declare(
        by=team.reviewer, inspector=team.inspector2, enterprise=company, reason="曾在该企业任职"
    )
    # … but not for one of another county's bureau.
    with pytest.raises(ServiceError, match="本部门"):
        services.conflict_declare(
            by=team.reviewer, inspector=personas.inspector_b, enterprise=company, reason="亲属"
        )
    with pytest.raises(ServiceError, match="已申报过"):
        services.conflict_declare(by=team.inspector2, enterprise=company, reason="重复")
    other_county = EnterpriseFactory(region_id="150624")
    with pytest.raises(ServiceError, match="管辖范围"):
        services.conflict_declare(by=team.inspector, enterprise=other_county, reason="亲属")
    with pytest.raises(ServiceError, match="回避原因"):
        services.conflict_declare(by=team.inspector, enterprise=company, reason="  ")
    assert ConflictOfInterest.objects.count() == 1


def test_declare_and_withdraw_in_the_page(client, team, personas):
    company = EnterpriseFactory(name="鄂托克前旗回避测试化工有限公司")
    client.force_login(team.inspector)
    page = client.get("/inspections/conflicts/")
    assert page.status_code == 200 and "暂无回避申报" in page.content.decode()
    missing = client.post(
        "/inspections/conflicts/", {"inspector": team.inspector.pk, "reason": "亲属"}
    )
    assert "请搜索并选择企业" in missing.content.decode()
    response = client.post(
        "/inspections/conflicts/",
        {"inspector": team.inspector.pk, "enterprise": company.pk, "reason": "近亲属在该企业任职"},
        follow=True,
    )
    assert "已登记回避" in response.content.decode()
    conflict = ConflictOfInterest.objects.get()
    assert company.name in client.get("/inspections/conflicts/").content.decode()

    # Another inspector sees nothing of it and cannot withdraw it; the reviewer can.
    client.force_login(team.inspector2)
    assert company.name not in client.get("/inspections/conflicts/").content.decode()
    assert client.post(f"/inspections/conflicts/{conflict.pk}/withdraw/").status_code == 404
    client.force_login(personas.inspector_b)
    assert client.post(f"/inspections/conflicts/{conflict.pk}/withdraw/").status_code == 404
    client.force_login(team.reviewer)
    assert company.name in client.get("/inspections/conflicts/").content.decode()
    response = client.post(f"/inspections/conflicts/{conflict.pk}/withdraw/", follow=True)
    assert "已撤销" in response.content.decode()
    assert not ConflictOfInterest.objects.exists()

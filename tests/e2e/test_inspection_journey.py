"""An inspector on a phone opens today's visit, ticks the checklist, fails one clause, and the
resulting 重大 hazard carries the clause and the link to the visit."""

from datetime import time

import pytest
from django.utils import timezone

from hazards.choices import HazardLevel
from hazards.models import Hazard
from inspections import selectors, services
from tests.factories import EnterpriseFactory
from tests.inspections.conftest import team  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_inspector_fails_a_clause_on_a_phone(team, phone, login, live_server):  # noqa: F811
    enterprise = EnterpriseFactory(name="内蒙古蒙泰甲醇有限公司", address="上海庙经济开发区")
    inspection = services.inspection_create(
        by=team.inspector,
        enterprise=enterprise,
        date=timezone.localdate(),
        method="four_no",
        inspectors=[team.inspector, team.inspector2],
        start_time=time(9, 30),
    )
    clauses = list(selectors.checklist_clauses(inspection)[:3])
    login(phone, "inspector")

    phone.get_by_role("button", name="展开菜单").click()
    phone.get_by_role("link", name="执法检查").click()
    phone.locator("#today").get_by_role("link", name="内蒙古蒙泰甲醇有限公司").click()
    phone.get_by_role("heading", name="内蒙古蒙泰甲醇有限公司").wait_for()

    def tick(clause, label):
        card = phone.locator(f"#clause-{clause.pk}")
        card.get_by_text(label, exact=True).click()
        value = {"合格": "pass", "不合格": "fail", "不适用": "na"}[label]
        phone.locator(f"#clause-{clause.pk}[data-result={value}]").wait_for()

    tick(clauses[0], "合格")
    tick(clauses[1], "不适用")
    tick(clauses[2], "不合格")
    remark = phone.locator(f"#clause-{clauses[2].pk}").get_by_placeholder(
        "备注：不合格时写明具体情况"
    )
    remark.fill("甲醇罐区可燃气体报警仪未投用")
    remark.press("Enter")
    phone.locator("#findings").get_by_text("甲醇罐区可燃气体报警仪未投用").wait_for()
    assert "重大事故隐患" in phone.locator("#findings").inner_text()
    # Big tap targets and nothing wider than the screen.
    box = phone.locator(f"#clause-{clauses[0].pk} label.btn").first.bounding_box()
    assert box["height"] >= 38
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.get_by_role("button", name="提交检查结果并登记隐患").click()
    phone.get_by_text("检查结果已提交，登记隐患 1 条。").wait_for()
    hazards = phone.locator("#hazards")
    assert "重大事故隐患" in hazards.inner_text()
    assert clauses[2].ref in hazards.inner_text()
    phone.screenshot(path="/tmp/qingling-e2e-inspection.png", full_page=True)

    hazard = Hazard.objects.get(finding__inspection=inspection)
    assert hazard.level == HazardLevel.MAJOR and hazard.clause == clauses[2]
    assert hazard.description == "甲醇罐区可燃气体报警仪未投用"
    hazards.get_by_role("link", name=hazard.number).click()
    phone.get_by_text(clauses[2].text[:20]).first.wait_for()

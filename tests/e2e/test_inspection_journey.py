"""An inspector on a phone opens today's visit, ticks the checklist, fails one clause, and the
resulting 重大 hazard carries the clause and the link to the visit."""

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazards.choices import HazardLevel
from hazards.models import Hazard
from inspections import selectors, services
from tests.factories import EnterpriseFactory
from tests.inspections.conftest import team  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_inspector_fails_a_clause_on_a_phone(team, phone, login, live_server, tap_menu):  # noqa: F811
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

    tap_menu(phone, "执法检查")
    phone.locator("#today").get_by_role("link", name="内蒙古蒙泰甲醇有限公司").click()
    phone.get_by_role("heading", name="内蒙古蒙泰甲醇有限公司").wait_for()

    def card(clause):
        return phone.locator(f"#clause-{clause.pk}")

    # The remark first, then the result: the remark is kept and saved with the result.
    remark = card(clauses[2]).get_by_placeholder("备注：不合格时写明具体情况")
    remark.fill("甲醇罐区可燃气体报警仪未投用")
    remark.blur()
    card(clauses[2]).get_by_text("选择检查结果后，备注会一并保存。").wait_for()
    # Three taps in quick succession, each while the previous save may still be in flight.
    card(clauses[2]).get_by_text("不合格", exact=True).click()
    card(clauses[0]).get_by_text("合格", exact=True).click()
    card(clauses[1]).get_by_text("不适用", exact=True).click()
    phone.locator("#checked-count", has_text="3").wait_for()
    for clause in clauses:
        card(clause).get_by_text("已保存").wait_for()
    assert remark.input_value() == "甲醇罐区可燃气体报警仪未投用"
    results = dict(inspection.checklist.values_list("clause_id", "result"))
    assert results == {clauses[0].pk: "pass", clauses[1].pk: "na", clauses[2].pk: "fail"}
    assert inspection.checklist.get(clause=clauses[2]).remark == "甲醇罐区可燃气体报警仪未投用"
    phone.locator("#findings li.finding", has_text="甲醇罐区可燃气体报警仪未投用").wait_for()
    assert "重大事故隐患" in phone.locator("#findings").inner_text()
    # Big tap targets and nothing wider than the screen.
    box = phone.locator(f"#clause-{clauses[0].pk} label.btn").first.bounding_box()
    assert box["height"] >= 38
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # Items left unchecked: a reason, then a confirmation, before the visit is submitted.
    phone.get_by_label("未检查项目的原因").fill("本次为罐区专项检查")
    phone.get_by_role("button", name="提交检查结果并登记隐患").click()
    phone.get_by_role("button", name="确认提交").click()
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


def test_checklist_count_is_right_when_an_earlier_save_answers_last(
    team,  # noqa: F811
    phone,
    login,
    live_server,
):
    """Saves on one visit go out one after another: an answer held up on the network never
    overwrites the count with the figure from before the later saves."""
    enterprise = EnterpriseFactory(name="鄂托克前旗长城煤矿有限责任公司")
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
    phone.goto(live_server.url + inspection.get_absolute_url())
    held = []

    def hold_first_save(route):
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    phone.route("**/checklist/**", hold_first_save)
    for clause, label in zip(clauses, ["合格", "不适用", "合格"], strict=True):
        phone.locator(f"#clause-{clause.pk}").get_by_text(label, exact=True).click()
    phone.wait_for_timeout(500)
    route, answer = held[0]
    route.fulfill(response=answer)
    phone.locator(f"#status-{clauses[0].pk}", has_text="已保存").wait_for()
    expect(phone.locator("#checked-count")).to_have_text("3")
    expect(phone.locator(".htmx-request")).to_have_count(0)
    assert phone.locator("#checked-count").inner_text() == "3"
    assert inspection.checklist.count() == 3

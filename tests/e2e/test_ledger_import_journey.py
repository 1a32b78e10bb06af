"""A county clerk brings the county's own Excel ledger into the system: title rows, the county's
header words, formulas and a total row; the preview shows how each column is read, the clerk
changes one column's mapping, and commits."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hazards.choices import HazardState
from hazards.models import Hazard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import today
from tests.reports.county_ledger import county_ledger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_county_ledger_is_previewed_remapped_and_committed(personas, desk, login, live_server):
    names = [EnterpriseFactory(name="上庙能源化工有限公司").name, EnterpriseFactory().name]
    found = today() - timedelta(days=20)
    content = county_ledger(names, found, unknown_clause=False, description_header="检查发现问题")
    login(desk, "inspector")
    desk.goto(live_server.url + reverse("ledger:import_upload"))
    desk.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "鄂托克前旗隐患台账.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": content,
            }
        ],
    )
    desk.get_by_role("button", name="上传并校验").click()

    desk.get_by_text("没有找到必需的列：隐患描述").wait_for()
    notes = desk.locator("#import-notes").inner_text()
    assert "表头在第 3 行" in notes and "合计行" in notes and "表尾" in notes
    mapping = desk.locator("#column-mapping")
    assert "完成情况" in mapping.inner_text()
    assert desk.get_by_label("完成情况").input_value() == "state"
    assert desk.get_by_label("整改时限").input_value() == "deadline"
    desk.get_by_label("检查发现问题").select_option(label="隐患描述")
    desk.get_by_role("button", name="按此列对应重新校验").click()

    desk.get_by_text("已按新的列对应重新校验。").wait_for()
    desk.get_by_text("全部校验通过").wait_for()
    desk.screenshot(path="/tmp/qingling-e2e-ledger-preview.png", full_page=True)
    desk.on("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="确认导入 6 条隐患").click()
    desk.get_by_text("导入完成：新增隐患 6 条。").wait_for()

    hazards = Hazard.objects.filter(enterprise__name__in=names)
    assert hazards.count() == 6
    assert hazards.filter(state=HazardState.AWAITING_RECHECK).count() == 2
    assert {h.deadline for h in hazards} == {found + timedelta(days=30)}
    assert hazards.get(description="储罐区可燃气体报警器失效").clause is not None

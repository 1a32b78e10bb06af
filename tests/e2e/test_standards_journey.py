"""A 重大 hazard where the catalog has no standard: an inspector of a 消防 enterprise cites
其他依据 on a phone, and the reviewer confirms the basis."""

from datetime import timedelta

import pytest

from core.models import Sector
from hazards.models import Hazard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import today

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BASIS = "《重大火灾隐患判定规则》GB 35181—2025 第5.1条：未按规定设置消防车通道或消防车通道被占用"


def test_inspector_registers_a_major_fire_hazard_citing_other_basis(
    personas, phone, login, live_server
):
    EnterpriseFactory(name="鄂托克前旗城川商贸综合体", sector=Sector.objects.get(code="fire"))
    login(phone, "inspector")
    phone.goto(f"{live_server.url}/hazards/new/")
    phone.get_by_label("搜索企业").fill("城川商贸")
    phone.get_by_text("鄂托克前旗城川商贸综合体").click()
    phone.get_by_label("重大事故隐患").check()
    gap = phone.locator("#basis-gap")
    gap.wait_for()
    assert "“消防”行业尚未录入重大事故隐患判定标准" in gap.inner_text()
    assert not phone.locator("#id_other_basis").is_visible()
    phone.locator("#other-basis-option").click()
    phone.locator("#id_other_basis").fill(BASIS)
    phone.get_by_label("隐患地点/部位").fill("东侧消防车通道")
    phone.get_by_label("隐患描述").fill("消防车通道被临时搭建的仓库占用，宽度不足 4 米")
    phone.get_by_label("整改期限").fill((today() + timedelta(days=15)).isoformat())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path="/tmp/qingling-e2e-other-basis-create.png", full_page=True)
    phone.get_by_role("button", name="登记", exact=True).click()

    phone.get_by_text("已登记隐患").wait_for()
    hazard = Hazard.objects.get()
    assert hazard.level == "major" and hazard.clause is None and hazard.other_basis == BASIS
    basis = phone.locator("#basis").inner_text()
    assert "其他依据" in basis and "GB 35181—2025" in basis and "待审核人员确认" in basis
    phone.screenshot(path="/tmp/qingling-e2e-other-basis-detail.png", full_page=True)

    # The reviewer confirms the basis before the hazard can ever be signed off.
    login(phone, "reviewer")
    phone.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    phone.locator("#steps").get_by_role("button", name="确认判定依据", exact=True).click()
    phone.locator("#steps .collapsing").wait_for(state="detached")
    form = phone.locator("#form-confirm-basis")
    form.get_by_label("确认意见").fill("经核对 GB 35181—2025 第5.1条，依据属实")
    form.get_by_role("button", name="提交：确认判定依据").click()
    phone.get_by_text("已确认判定依据。").wait_for()
    assert "待审核人员确认" not in phone.locator("#basis-confirmation").inner_text()
    assert "确认" in phone.locator("#basis-confirmation").inner_text()
    hazard.refresh_from_db()
    assert hazard.basis_confirmed_by.username == "reviewer"

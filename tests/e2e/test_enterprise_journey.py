"""An inspector on a phone finds an enterprise, corrects its phone number and sees the history."""

import pytest

from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_inspector_edits_phone_on_a_phone(personas, phone, login, live_server, tap_menu):
    EnterpriseFactory(name="上庙能源化工有限公司", principal_phone="13900000000")
    for i in range(30):
        EnterpriseFactory(name=f"其他企业{i}")
    login(phone, "inspector")
    # Inspectors land on 今日检查; the enterprise registry is one menu entry away.
    tap_menu(phone, "企业名录")

    phone.get_by_placeholder("企业名称或信用代码").fill("上庙能源")
    phone.get_by_role("button", name="查询").click()
    phone.get_by_role("link", name="上庙能源化工有限公司").click()
    phone.get_by_role("link", name="编辑").click()
    phone.get_by_label("主要负责人电话").fill("13811112222")
    phone.get_by_role("button", name="保存").click()

    phone.get_by_text("企业信息已保存。").wait_for()
    history = phone.locator("#history")
    assert "主要负责人电话" in history.inner_text()
    assert "13811112222" in history.inner_text()
    assert "13900000000" in history.inner_text()
    assert personas.inspector.display_name in history.inner_text()
    # Nothing overflows the 375-px screen horizontally.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path="/tmp/qingling-e2e-enterprise.png", full_page=True)
    assert Enterprise.objects.get(name="上庙能源化工有限公司").principal_phone == "13811112222"

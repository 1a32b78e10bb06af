"""A citizen reports a hazard on a phone without signing in, staff accept and verify it into a
hazard, and the citizen's tracking code then reads 已查实."""

import pytest
from django.utils import timezone

from hazards.choices import HazardSource
from hazards.models import Hazard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import jpeg_bytes
from tipoffs.models import Tipoff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizens_report_becomes_a_hazard(
    personas, browser, phone, login, live_server, settings, tmp_path
):
    from django.core.cache import cache

    cache.delete_pattern("*rl:*")
    settings.MEDIA_ROOT = tmp_path
    enterprise = EnterpriseFactory(name="上海庙某油漆仓储有限公司")

    # The citizen, signed out, on a 375-px phone.
    phone.goto(f"{live_server.url}/tipoffs/")
    phone.get_by_label("所在旗县、乡镇（苏木）").select_option("150623101")
    phone.get_by_label("企业名称或地址").fill("上海庙镇油漆仓库")
    phone.get_by_label("发现了什么问题").fill("仓库里堆放大量油漆，没有灭火器。")
    phone.get_by_label("照片（可选，最多 5 张）").set_input_files(
        [{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("button", name="提交举报").click()
    code = phone.locator("#tracking-code").inner_text().strip()
    assert len(code) == 12
    assert Tipoff.objects.get(code=code).photos.count() == 1

    # County staff: accept, then verify into a hazard.
    login(phone, "inspector")
    phone.goto(f"{live_server.url}/tipoffs/staff/")
    # The list shows the day in Beijing time (after 16:00 UTC it is already the next day).
    received = timezone.localtime(Tipoff.objects.get().created_at).strftime("%Y-%m-%d")
    phone.get_by_role("link", name=received).click()
    phone.locator("#step-accept").get_by_role("button", name="受理").click()
    phone.get_by_text("已受理。").wait_for()
    verify = phone.locator("#step-verify")
    verify.get_by_label("被举报企业").select_option(label=enterprise.name)
    verify.get_by_label("整改期限").fill("2099-12-31")
    verify.get_by_role("button", name="查实").click()
    phone.get_by_text("已查实，隐患已登记。").wait_for()
    number = phone.locator("#hazard-link").inner_text().strip()
    hazard = Hazard.objects.get(number=number)
    assert hazard.source == HazardSource.PUBLIC_REPORT and hazard.enterprise == enterprise
    assert hazard.photos.count() == 1

    # The citizen, signed out again, reads the state with the code.
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/tipoffs/status/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    assert phone.locator("#status-label").inner_text() == "已查实"
    assert "上海庙镇油漆仓库" not in phone.content()
    phone.screenshot(path="/tmp/qingling-e2e-tipoff.png", full_page=True)

"""The enterprise side on a 375-px phone: the enterprise finds a hazard in its self-inspection,
registers it, fills the 五落实 plan, reports progress with a photo and applies for sign-off;
the reviewer re-checks and signs it off, and the enterprise sees it closed."""

import time
from datetime import timedelta

import pytest

from hazards.choices import HazardLevel, HazardSource, HazardState, PhotoKind
from hazards.models import Hazard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import jpeg_bytes, today
from tests.portal.conftest import enterprise_account

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_step(page, name: str):
    page.locator("#steps").get_by_role("button", name=name, exact=True).first.click()
    page.locator("#steps .collapsing").wait_for(state="detached")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_enterprise_self_reports_and_rectifies_then_the_reviewer_signs_off(
    personas, phone, login, live_server, tmp_path
):
    started = time.monotonic()
    firm = EnterpriseFactory(name="内蒙古上庙能源化工有限公司")
    enterprise_account("qiye", firm)
    before = tmp_path / "整改前.jpg"
    before.write_bytes(jpeg_bytes(size=(640, 480)))
    progress = tmp_path / "整改中.jpg"
    progress.write_bytes(jpeg_bytes(size=(640, 480), color=(30, 160, 60)))

    # The enterprise lands on its own home and starts a self-inspection.
    login(phone, "qiye")
    assert phone.url.endswith("/qiye/")
    assert "目前没有需要本单位整改的隐患" in phone.locator("#todo").inner_text()
    _fits(phone)
    phone.get_by_role("link", name="开展自查").click()
    phone.get_by_role("heading", name="隐患自查：内蒙古上庙能源化工有限公司").wait_for()
    first = phone.locator("[id^=clause-]").first
    clause_ref = first.locator(".fw-semibold").inner_text()
    _fits(phone)
    phone.screenshot(path="/tmp/qingling-e2e-enterprise-selfcheck.png")
    first.get_by_role("link", name="存在此隐患").click()

    # The clause found comes pre-selected as a 重大 hazard's basis.
    assert phone.get_by_label("重大事故隐患").is_checked()
    phone.get_by_label("隐患地点/部位").fill("甲醇罐区")
    phone.get_by_label("隐患描述").fill("可燃气体检测报警装置未与紧急切断联锁")
    phone.get_by_label("整改期限").fill((today() + timedelta(days=30)).isoformat())
    phone.get_by_label("现场照片（整改前）").set_input_files(str(before))
    _fits(phone)
    phone.get_by_role("button", name="登记隐患").click()
    phone.get_by_text("已登记隐患").wait_for()
    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.SELF_REPORT and hazard.level == HazardLevel.MAJOR
    assert hazard.clause.ref == clause_ref
    assert "企业自查上报" in phone.locator("main").inner_text()

    # 五落实: measures, responsibility, funds, deadline, emergency plan.
    _open_step(phone, "开始整改")
    form = phone.locator("#form-start-rectification")
    form.get_by_label("整改措施").fill("更换探测器并与紧急切断阀联锁")
    form.get_by_label("整改责任人").fill("刘安全")
    form.get_by_label("整改资金（万元）").fill("8.5")
    form.get_by_label("安全措施和应急预案").fill("暂停装车，专人监护")
    form.get_by_role("button", name="提交：开始整改").click()
    phone.get_by_text("已开始整改。").wait_for()
    assert phone.locator("#hazard-state").inner_text() == "整改中"

    # A progress report with a photo of the work.
    report = phone.locator("#form-progress")
    report.get_by_label("整改进展情况").fill("探测器已更换，联锁调试中")
    report.get_by_label("现场照片（可选）").set_input_files(str(progress))
    report.get_by_role("button", name="提交进展").click()
    phone.get_by_text("已报告整改进展。").wait_for()
    assert phone.locator("#after-photos img").count() == 1
    assert hazard.photos.filter(kind=PhotoKind.AFTER).count() == 1

    # 申请销号.
    _open_step(phone, "提交整改（申请销号）")
    form = phone.locator("#form-submit-rectification")
    form.get_by_label("整改完成情况").fill("已按方案完成整改，联锁试验合格")
    form.get_by_role("button", name="提交：提交整改（申请销号）").click()
    phone.get_by_text("已提交整改（申请销号）。").wait_for()
    assert phone.locator("#hazard-state").inner_text() == "待复查"
    # The enterprise has no re-check or sign-off to take.
    assert phone.locator("#steps").count() == 0
    _fits(phone)
    phone.screenshot(path="/tmp/qingling-e2e-enterprise-submitted.png", full_page=True)

    # The reviewer re-checks on site and signs off.
    url = f"{live_server.url}{hazard.get_absolute_url()}"
    login(phone, "reviewer")
    phone.goto(url)
    _open_step(phone, "复查通过")
    form = phone.locator("#form-recheck-pass")
    form.get_by_label("复查意见").fill("现场复查，联锁有效，整改到位")
    form.get_by_role("button", name="提交：复查通过").click()
    phone.get_by_text("已复查通过。").wait_for()
    _open_step(phone, "销号")
    form = phone.locator("#form-sign-off")
    form.get_by_label("销号意见").fill("同意销号")
    form.get_by_role("button", name="销号", exact=True).click()
    phone.locator("#confirm-sign-off").get_by_role("button", name="确认销号").click()
    phone.get_by_text("已销号。").wait_for()

    # The enterprise sees it closed, with the whole history.
    login(phone, "qiye")
    assert hazard.number in phone.locator("#state-closed").inner_text()
    phone.locator("#state-closed").get_by_role("link", name=hazard.number).click()
    assert phone.locator("#hazard-state").inner_text() == "已销号"
    timeline = phone.locator("#timeline").inner_text()
    for label in (
        "登记隐患",
        "开始整改",
        "报告整改进展",
        "提交整改（申请销号）",
        "复查通过",
        "销号",
    ):
        assert label in timeline, label
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    _fits(phone)
    phone.screenshot(path="/tmp/qingling-e2e-enterprise-closed.png", full_page=True)
    print(f"\nenterprise side journey: {time.monotonic() - started:.1f} s")

"""Hazard journeys on a 375-px phone: registering a major hazard on site, and closing one."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from hazards import workflow
from hazards.choices import Action, HazardState
from hazards.models import Hazard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, jpeg_bytes, register, today

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_step(page, name: str):
    """Open a step's form and wait until its collapse animation has ended (a click during the
    animation may land where the button was a frame earlier)."""
    page.locator("#steps").get_by_role("button", name=name, exact=True).first.click()
    page.locator("#steps .collapsing").wait_for(state="detached")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_inspector_registers_a_major_hazard_on_a_phone(
    personas, phone, login, live_server, tmp_path, tap_menu
):
    EnterpriseFactory(name="上庙能源化工有限公司")
    for i in range(5):
        EnterpriseFactory(name=f"其他化工企业{i}")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg_bytes(size=(640, 480)))
    login(phone, "inspector")

    tap_menu(phone, "登记隐患")
    phone.get_by_label("搜索企业").fill("上庙")
    phone.get_by_text("上庙能源化工有限公司").click()
    phone.get_by_text("不引用条款（一般隐患）").wait_for()
    phone.get_by_label("重大事故隐患").check()
    phone.get_by_label("搜索判定条款").fill("检测报警")
    clause = phone.locator("#clause-options label", has_text="第十二条")
    clause.click()
    phone.get_by_label("隐患地点/部位").fill("液氨罐区")
    phone.get_by_label("隐患描述").fill("可燃气体检测报警装置失效，未联锁")
    phone.get_by_label("整改期限").fill((today() + timedelta(days=30)).isoformat())
    phone.get_by_label("现场照片（整改前）").set_input_files(str(photo))
    _fits(phone)
    phone.screenshot(path="/tmp/qingling-e2e-hazard-create.png", full_page=True)
    # A double click on 登记 registers one hazard: the form carries a one-time key and its
    # button is disabled while it is sent.
    assert len(phone.locator("form input[name=idempotency_key]").first.input_value()) == 32
    phone.get_by_role("button", name="登记", exact=True).dblclick()

    phone.get_by_text("已登记隐患").wait_for()
    hazard = Hazard.objects.get()
    assert hazard.level == "major" and hazard.clause.ref == "第十二条"
    assert hazard.enterprise.name == "上庙能源化工有限公司"
    assert hazard.photos.filter(kind="before").count() == 1
    assert hazard.number in phone.locator("h1").inner_text()
    thumb = phone.locator("#photos img").first
    thumb.scroll_into_view_if_needed()
    handle = thumb.element_handle()
    for _ in range(100):
        if handle.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        phone.wait_for_timeout(100)
    assert handle.evaluate("img => img.naturalWidth > 0")
    assert "检测报警装置" in phone.locator("#basic").inner_text()
    _fits(phone)
    phone.screenshot(path="/tmp/qingling-e2e-hazard-detail.png", full_page=True)

    # The new hazard heads the ledger, which stacks into cards on the phone.
    phone.get_by_role("link", name="隐患台账").first.click()
    row = phone.locator("#hazard-table tbody tr").first
    assert hazard.number in row.inner_text() and "重大事故隐患" in row.inner_text()
    _fits(phone)
    phone.screenshot(path="/tmp/qingling-e2e-hazard-list.png", full_page=True)


def test_a_search_answering_while_the_form_is_sent_does_not_send_it_again(
    personas, phone, login, live_server
):
    """The clause search answers while 登记 is on its way: the form stays disabled, so a
    second click sends nothing (before, any htmx answer made every form on the page usable
    again, and the second click sent the form a second time)."""
    EnterpriseFactory(name="上庙能源化工有限公司")
    login(phone, "inspector")
    phone.goto(live_server.url + "/hazards/new/")
    phone.get_by_label("搜索企业").fill("上庙")
    phone.get_by_text("上庙能源化工有限公司").click()
    phone.get_by_text("不引用条款（一般隐患）").wait_for()
    phone.get_by_label("隐患地点/部位").fill("配电室")
    phone.get_by_label("隐患描述").fill("配电箱未接地")
    phone.get_by_label("整改期限").fill((today() + timedelta(days=30)).isoformat())
    # The page counts the forms it would send and stays where it is (a listener after the
    # page's own: a submit the page itself holds back is not counted).
    phone.evaluate(
        "window.sent = 0; window.addEventListener('submit', e => {"
        " if (!e.defaultPrevented) window.sent += 1; e.preventDefault(); })"
    )
    button = phone.locator("#hazard-create").get_by_role("button", name="登记", exact=True)
    button.click()
    expect(button).to_be_disabled()
    with phone.expect_response(lambda r: "/hazards/new/clauses/" in r.url):
        phone.get_by_label("搜索判定条款").fill("报警")
    phone.wait_for_timeout(300)
    expect(button).to_be_disabled()
    button.dispatch_event("click")
    assert phone.evaluate("window.sent") == 1


def test_extension_recheck_and_sign_off_in_the_browser(personas, phone, login, live_server):
    hazard = register(personas.inspector, days=5, description="储罐区可燃气体报警器失效")
    workflow.apply(
        hazard=hazard,
        action=Action.REQUEST_EXTENSION,
        by=personas.inspector,
        requested_deadline=(today() + timedelta(days=30)).isoformat(),
        reason="进口探头到货延迟",
        interim_measures="停用储罐，专人值守",
    )
    url = f"{live_server.url}{hazard.get_absolute_url()}"

    # The reviewer approves the extension.
    login(phone, "reviewer")
    phone.goto(url)
    _open_step(phone, "批准延期")
    form = phone.locator("#form-approve-extension")
    form.get_by_label("审批意见").fill("同意，按申请日期延期")
    phone.screenshot(path="/tmp/qingling-e2e-hazard-approve.png", full_page=True)
    form.get_by_role("button", name="提交：批准延期").click()
    phone.get_by_text("已批准延期。").wait_for()
    assert "已批准" in phone.locator("#extensions").inner_text()
    hazard.refresh_from_db()
    assert hazard.current_deadline == today() + timedelta(days=30)

    # The enterprise rectifies (outside the browser), then an inspector re-checks on site.
    advance(hazard, HazardState.AWAITING_RECHECK, inspector=personas.inspector, reviewer=None)
    login(phone, "inspector")
    phone.goto(url)
    _open_step(phone, "复查通过")
    form = phone.locator("#form-recheck-pass")
    form.get_by_label("复查意见").fill("现场复查，报警器已更换并联锁，整改到位")
    form.get_by_role("button", name="提交：复查通过").click()
    phone.get_by_text("已复查通过。").wait_for()
    assert phone.locator("#hazard-state").inner_text() == "已复查"

    # The reviewer signs off, confirming in a dialog.
    login(phone, "reviewer")
    phone.goto(url)
    _open_step(phone, "销号")
    form = phone.locator("#form-sign-off")
    form.get_by_label("销号意见").fill("同意销号")
    form.get_by_role("button", name="销号", exact=True).click()
    dialog = phone.locator("#confirm-sign-off")
    dialog.get_by_text("不能撤销").wait_for()
    phone.screenshot(path="/tmp/qingling-e2e-hazard-confirm.png")
    dialog.get_by_role("button", name="确认销号").click()
    phone.get_by_text("已销号。").wait_for()
    assert phone.locator("#hazard-state").inner_text() == "已销号"

    timeline = phone.locator("#timeline").inner_text()
    for label in [
        "登记隐患",
        "申请延期",
        "批准延期",
        "开始整改",
        "上传照片",
        "提交整改（申请销号）",
        "复查通过",
        "销号",
    ]:
        assert label in timeline, label
    assert "同意，按申请日期延期" in timeline and "同意销号" in timeline
    assert "待复查 → 已复查" in timeline and "已复查 → 已销号" in timeline
    assert phone.locator("#steps button", has_text="销号").count() == 0
    _fits(phone)
    phone.screenshot(path="/tmp/qingling-e2e-hazard-closed.png", full_page=True)

"""Browser journey: a county clerk fills in and files the monthly report, the city leader finds
it from the menu and returns it with a reason, the clerk files a correction, and the city
leader sees both versions and files the city report with a reason for the missing counties."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from reports.models import MonthlyReport
from reports.monthly import services
from tests.hazard_helpers import register, today

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page):
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("审核报送")).click()
    page.wait_for_load_state()


def test_a_county_files_the_city_returns_and_the_county_corrects(
    personas, browser, login, live_server
):
    register(personas.inspector, found=today() - timedelta(days=3), days=30)
    services.monthly_reports_build(on=today(), force=True)
    county = MonthlyReport.objects.get(region_id="150623")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)

    login(page, "reviewer")
    page.goto(f"{live_server.url}{county.get_absolute_url()}")
    page.fill("#cases_filed", "2")
    page.fill("#fines", "3.5")
    page.fill("#closed_down", "0")
    page.fill("#judiciary", "0")
    page.fill("textarea[name=work_done]", "开展燃气专项检查")
    page.fill("#filled_by", "李明")
    _submit(page)
    assert page.locator("#report-state").inner_text() == "已报送"

    login(page, "leader")
    page.locator("#menu-monthly > a").click()
    page.get_by_role("link", name="鄂尔多斯市各县报送情况").click()
    assert page.locator("#filing tbody tr").count() == 9  # every county of the city
    page.locator('#filing tr[data-region="150623"] a').click()
    page.get_by_role("button", name=re.compile("退回")).click()
    page.fill("#reason", "立案数与执法系统不符")
    page.get_by_role("button", name="确认退回").click()
    page.wait_for_load_state()
    assert page.locator("#report-state").inner_text() == "已退回"

    login(page, "reviewer")
    page.goto(f"{live_server.url}{county.get_absolute_url()}")
    assert "立案数与执法系统不符" in page.locator("#return-reason").inner_text()
    page.fill("#cases_filed", "4")
    _submit(page)
    versions = page.locator("#versions tbody tr").all_inner_texts()
    assert versions[0].startswith("更正（第2版）") and versions[1].startswith("首次报送")

    login(page, "leader")
    city = MonthlyReport.objects.get(region_id="150600")
    page.goto(f"{live_server.url}{city.get_absolute_url()}")
    _submit(page)  # refused: counties are missing and no reason is given
    assert "以下县（市、区）尚未报送" in page.content()
    page.fill("#missing_reason", "其余旗区数据线下报送")
    _submit(page)
    assert page.locator("#report-state").inner_text() == "已报送"
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载 PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    context.close()


def test_the_city_leader_reads_the_filing_status_on_a_phone(personas, browser, login, live_server):
    services.monthly_reports_build(on=today(), force=True)
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        login(page, "leader")
        page.goto(f"{live_server.url}{reverse('monthly:filing_status', args=['150600'])}")
        assert page.locator("#filing tbody tr").count() == 9
        # Each county is a card of labelled lines: nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        label = page.locator('#filing tr[data-region="150623"] td').nth(3)
        assert label.evaluate("td => getComputedStyle(td, '::before').content") == '"报送时间"'
    finally:
        context.close()

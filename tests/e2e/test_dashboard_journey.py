"""Browser journey: a city leader signs in, lands on the dashboard (desktop and phone), and an
overdue card opens the hazard list filtered to exactly those hazards."""

from datetime import timedelta

import pytest

from hazards.choices import HazardLevel, HazardState
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, register, today

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def ago(days: int):
    return today() - timedelta(days=days)


def _hazards(personas):
    register(personas.inspector, found=ago(200), days=30)  # far overdue
    register(personas.inspector, found=ago(20), days=10)  # overdue 10 days
    register(personas.inspector, found=ago(3), days=1)  # overdue 2 days
    register(personas.inspector, found=ago(2), days=30, level=HazardLevel.GENERAL)
    done = register(personas.inspector, found=ago(1), days=30)
    advance(done, HazardState.CLOSED, inspector=personas.inspector, reviewer=personas.reviewer)
    b = EnterpriseFactory(region_id="150624")
    register(personas.inspector_b, enterprise=b, found=ago(40), days=15)


def _wait_for_charts(page) -> None:
    page.locator(".dash-chart svg").nth(4).wait_for()


def test_leader_lands_on_the_dashboard_and_drills_into_overdue(
    personas, browser, phone, login, live_server
):
    from django.core.cache import cache

    cache.delete_pattern("*")
    _hazards(personas)

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desktop.new_page()
    page.set_default_timeout(15_000)
    # The Content-Security-Policy blocks nothing the pages need (charts, htmx, menus).
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    login(page, "leader")
    assert page.url.rstrip("/").endswith("/dashboard")
    page.locator("h1", has_text="驾驶舱").wait_for()
    _wait_for_charts(page)
    overdue = page.locator("#card-major-overdue .num")
    assert overdue.inner_text() == "4"
    assert "暂无数据" in page.locator("#accident").inner_text()
    page.screenshot(path="/tmp/qingling-e2e-dashboard-1280.png", full_page=True)
    # Printing lays the charts out anew (two or three to a row): every chart is redrawn to fit
    # its new box when the print media applies, before anything is cut.
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    fits = page.evaluate(
        """() => [...document.querySelectorAll('.dash-chart')].map(box => {
            const svg = box.querySelector('svg');
            return {id: box.id, box: box.clientWidth, chart: svg ? svg.getBoundingClientRect().width : -1,
                    right: box.getBoundingClientRect().right};
        })"""
    )
    assert len(fits) >= 5
    for chart in fits:
        assert 0 < chart["chart"] <= chart["box"] + 1 and chart["right"] <= 1280, chart
    page.emulate_media(media="screen")

    page.locator("#card-major-overdue").click()
    page.wait_for_url(lambda url: "/hazards/" in url and "overdue=true" in url)
    rows = page.locator("#hazard-table tbody tr")
    assert rows.count() == 4
    assert "逾期" in page.locator("#hazard-table").inner_text()
    assert not violations, violations
    desktop.close()

    login(phone, "leader")
    phone.locator("h1", has_text="驾驶舱").wait_for()
    _wait_for_charts(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path="/tmp/qingling-e2e-dashboard-375.png", full_page=True)
    phone.screenshot(path="/tmp/qingling-e2e-dashboard-375-top.png")
    phone.emulate_media(media="print")
    phone.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    phone.wait_for_timeout(300)
    phone.screenshot(path="/tmp/qingling-e2e-dashboard-print.png", full_page=True)
    phone.emulate_media(media="screen")
    phone.set_viewport_size({"width": 375, "height": 812})
    phone.locator("#card-major-overdue").click()
    phone.wait_for_url(lambda url: "overdue=true" in url)
    assert phone.locator("#hazard-table tbody tr").count() == 4

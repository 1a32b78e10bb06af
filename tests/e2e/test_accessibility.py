"""Accessibility: axe-core (vendored from the npm registry, injected by Playwright) finds no
serious or critical violation on the main pages, on a desktop screen and on a phone."""

from datetime import time
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.choices import Role
from hazards.choices import HazardState
from inspections import services as inspections
from inspections.choices import InspectionMethod
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import advance, register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
SERIOUS = ("serious", "critical")


def violations(page) -> list[str]:
    """Serious and critical axe findings of the page as 'rule: target' lines, read once an
    opening dialog has faded in (half-faded text has half its contrast)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.modal.show')]"
        ".every(m => getComputedStyle(m).opacity === '1')"
    )
    page.add_script_tag(content=AXE)
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact,
                targets: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {target}"
        for v in found
        if v["impact"] in SERIOUS
        for target in v["targets"]
    ]


def dangling_references(page) -> list[str]:
    """aria-describedby/-labelledby ids that name no element of the page (axe leaves these
    "to review"): a help text the screen reader never reads."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')]
            .flatMap(el => ['aria-describedby', 'aria-labelledby']
                .flatMap(attr => (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean))
                .filter(id => !document.getElementById(id))
                .map(id => `${el.id || el.name}: ${id}`))"""
    )


def _world(personas):
    enterprise = EnterpriseFactory(region_id="150623101")
    hazard = register(personas.inspector, enterprise=enterprise)
    advance(hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None)
    partner = UserFactory(
        username="partner", role=Role.INSPECTOR, department=personas.inspector.department
    )
    visit = inspections.inspection_create(
        by=personas.inspector,
        enterprise=enterprise,
        date=timezone.localdate(),
        method=InspectionMethod.OPEN,
        inspectors=[personas.inspector, partner],
        start_time=time(9, 0),
        representative="刘安全",
        representative_title="安全总监",
    )
    return hazard, visit


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_main_pages_have_no_serious_accessibility_violation(
    personas, browser, login, live_server, size
):
    hazard, visit = _world(personas)
    # axe is injected as an inline script: the test page lets it past the CSP.
    context = browser.new_context(
        viewport=size, locale="zh-CN", is_mobile=size is PHONE, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    found: dict[str, list[str]] = {}
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        found["login"] = violations(page)
        pages = {
            "inspector": [
                ("hazard list", "/hazards/"),
                ("hazard detail", hazard.get_absolute_url()),
                ("hazard create", "/hazards/new/"),
                ("queue", "/hazards/queue/"),
                ("inspections home", "/inspections/"),
                ("visit", visit.get_absolute_url()),
            ],
            "leader": [("dashboard", "/dashboard/")],
        }
        for user, urls in pages.items():
            login(page, user)
            for name, url in urls:
                page.goto(f"{live_server.url}{url}")
                page.wait_for_load_state("networkidle")
                found[name] = violations(page)
            if user == "inspector" and size is DESKTOP:  # the menu's 待我处理 count is read too
                assert page.locator("#queue-count").is_visible()
        # The first Tab reaches the skip link, which jumps past the menu to the page's content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "跳到正文"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()
    bad = {name: lines for name, lines in found.items() if lines}
    total = sum(len(lines) for lines in bad.values())
    assert not bad, f"{total} serious/critical violations: {bad}"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_accessibility_violation(browser, live_server, settings, size):
    """The pages a citizen or an enterprise opens without signing in: the report form (empty,
    with errors, filed), the tracking-code page (empty, with a found and an unknown code) and
    the account request (empty, with errors); and every help text they point to exists."""
    # The posts below must not meet the per-address limits other tests count against.
    settings.TIPOFF_RATE = settings.TIPOFF_STATUS_RATE = "1000/m"
    settings.ENTERPRISE_REQUEST_RATE = "1000/m"
    context = browser.new_context(
        viewport=size, locale="zh-CN", is_mobile=size is PHONE, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    found: dict[str, list[str]] = {}

    def check(name):
        page.wait_for_load_state("networkidle")
        found[name] = dangling_references(page) + violations(page)

    def submit():
        page.locator("main form button[type=submit]").click()

    try:
        page.goto(f"{live_server.url}/tipoffs/")
        check("report")
        submit()
        check("report with errors")
        page.locator("#id_region").select_option("150623101")
        page.locator("#id_where").fill("某某加油站")
        page.locator("#id_what").fill("夜间违规卸油，现场没有灭火器")
        submit()
        code = page.locator("#tracking-code").inner_text().strip()
        check("report filed")
        page.goto(f"{live_server.url}/tipoffs/status/")
        check("report status")
        page.locator("input[name=code]").fill(code)
        submit()
        page.locator("#tipoff-status").wait_for()
        check("report status, found")
        page.locator("input[name=code]").fill("XXXXXXXXXXXX")
        submit()
        check("report status, unknown code")
        page.goto(f"{live_server.url}/qiye/request/")
        check("account request")
        page.get_by_role("button", name="提交申请").click()
        check("account request with errors")
    finally:
        context.close()
    bad = {name: lines for name, lines in found.items() if lines}
    total = sum(len(lines) for lines in bad.values())
    assert not bad, f"{total} serious/critical violations or dangling references: {bad}"

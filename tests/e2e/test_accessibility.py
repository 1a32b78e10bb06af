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
    """Serious and critical axe findings of the page as 'rule: target' lines."""
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

"""Browser journeys: Playwright driving Debian's Chromium against the live test server."""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(live_server):
    def do(page, username: str, password: str = "pass-12345"):
        # Leave the current page first: a request still in flight (the bell's polling, a
        # photo) would otherwise bring back the previous user's session cookie.
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do


@pytest.fixture
def tap_menu():
    """Open the phone menu and tap one of its entries, as a person does: only once the menu
    is open, and done when the entry's page is the one shown."""

    def do(page, name: str):
        page.get_by_role("button", name="展开菜单").click()
        menu = page.locator("#nav.show")
        menu.wait_for()
        link = menu.get_by_role("link", name=name)
        href = link.get_attribute("href")
        link.click()
        page.wait_for_url(lambda url: href in url)

    return do


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "phone" in item.funcargs:
        page = item.funcargs["phone"]
        stem = f"/tmp/qingling-e2e-failed-{item.name}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            with open(f"{stem}.html", "w", encoding="utf-8") as fh:
                fh.write(f"<!-- {page.url} -->\n{page.content()}")
        except Exception as exc:  # the browser may be gone; the report matters more
            report.sections.append(("e2e page dump", repr(exc)))
        else:
            report.sections.append(("e2e page dump", f"{page.url} → {stem}.png/.html"))
    return report

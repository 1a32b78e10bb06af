"""The menu on a computer screen: each entry stays on one line (a word is never broken), and the
page never grows wider than the screen, however many entries a role has."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A menu entry of one line is about 40 px high (padding and one line of text); two lines ≥ 60.
ONE_LINE = 50


@pytest.mark.parametrize("width", [1200, 1280, 1440, 1920])
def test_menu_entries_keep_to_one_line_on_a_computer_screen(
    personas, browser, login, live_server, width
):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        for username in ("reviewer", "admin"):  # a short menu and the longest one
            login(page, username)
            page.goto(f"{live_server.url}/hazards/")
            entries = page.eval_on_selector_all(
                "#nav .nav-link",
                "links => links.map(a => [a.innerText.trim(), a.getBoundingClientRect().height])",
            )
            assert len(entries) >= 8
            broken = [(text, height) for text, height in entries if height > ONE_LINE]
            assert broken == [], (username, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, username
    finally:
        context.close()

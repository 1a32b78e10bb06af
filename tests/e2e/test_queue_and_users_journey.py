"""待我处理 and 用户管理 in the browser, at 1366×768 and on a 375-px phone.

A reviewer's queue lists what waits for them, each row with its reason (延期待审批, 待复查, 待销号,
进展报告逾期), and switches to the whole unit and back; an inspector's own queue holds only the
hazards they found or acted on. A county's administrator creates an inspector (a department of
another place is refused in Chinese), resets the password and deactivates the account, each after
a confirmation, and never sees another county's users. axe-core checks every page visited.
"""

from datetime import timedelta

import pytest
from freezegun import freeze_time

from accounts.choices import Role
from accounts.models import User
from core.choices import DepartmentKind
from hazards import workflow
from hazards.choices import Action, HazardState
from tests.e2e.test_accessibility import DESKTOP, PHONE, violations
from tests.factories import DepartmentFactory, EnterpriseFactory, UserFactory
from tests.hazard_helpers import advance, register, today

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture
def page_of(browser):
    """A fresh page of the given size; axe is injected inline, so the page lets it past the CSP."""
    contexts = []

    def make(size):
        context = browser.new_context(
            viewport=size,
            locale="zh-CN",
            is_mobile=size is PHONE,
            has_touch=size is PHONE,
            bypass_csp=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def _fits(page, size) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


def _list(hazard, by):
    workflow.apply(
        hazard=hazard,
        action=Action.LIST_SUPERVISION,
        by=by,
        level="county",
        doc_no=f"鄂前安办督〔2026〕{hazard.pk}号",
        issuing_unit="鄂托克前旗安委办",
        deadline=hazard.current_deadline.isoformat(),
    )


def _queue_world(personas):
    """Five hazards of 鄂托克前旗 waiting for different steps, one found by a colleague."""
    inspector, reviewer = personas.inspector, personas.reviewer
    colleague = UserFactory(
        username="colleague", role=Role.INSPECTOR, department=inspector.department
    )
    enterprise = EnterpriseFactory(name="鄂托克前旗长城煤矿有限责任公司")
    extension = advance(
        register(inspector, enterprise=enterprise, description="储罐区报警探头失效"),
        HazardState.RECTIFYING,
        inspector=inspector,
        reviewer=None,
    )
    workflow.apply(
        hazard=extension,
        action=Action.REQUEST_EXTENSION,
        by=inspector,
        requested_deadline=(extension.current_deadline + timedelta(days=20)).isoformat(),
        reason="设备到货延迟",
        interim_measures="停用储罐并专人值守",
    )
    sign_off = advance(
        register(inspector, enterprise=enterprise, description="主通风机未设备用电源"),
        HazardState.RECHECKED,
        inspector=inspector,
        reviewer=reviewer,
    )
    recheck = advance(
        register(inspector, enterprise=enterprise, description="井下避险设施损坏"),
        HazardState.RECTIFYING,
        inspector=inspector,
        reviewer=None,
    )
    _list(recheck, reviewer)
    recheck = advance(recheck, HazardState.AWAITING_RECHECK, inspector=inspector, reviewer=None)
    colleagues = advance(
        register(colleague, enterprise=enterprise, description="瓦斯抽采系统未运行"),
        HazardState.AWAITING_RECHECK,
        inspector=colleague,
        reviewer=None,
    )
    # Listed 100 days ago with a 90-day reporting interval, no progress report since.
    listed_on = today() - timedelta(days=100)
    with freeze_time(listed_on):
        late = advance(
            register(
                inspector,
                enterprise=enterprise,
                description="采空区未按规定探放水",
                found=listed_on,
                days=300,
            ),
            HazardState.RECTIFYING,
            inspector=inspector,
            reviewer=None,
        )
        _list(late, reviewer)
    return {
        "extension": extension,
        "sign_off": sign_off,
        "recheck": recheck,
        "colleagues": colleagues,
        "late": late,
    }


def _rows(page) -> dict[str, list[str]]:
    """The queue's rows: hazard number → the reasons of its 等待原因 cell."""
    rows = page.locator("#hazard-table tbody tr")
    found = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.locator("td.queue-reasons").count():
            number = row.locator("td[data-label=隐患编号]").inner_text().strip()
            found[number] = row.locator("td.queue-reasons .badge").all_inner_texts()
    return found


@SIZES
def test_the_queue_says_why_each_hazard_waits_and_switches_to_the_unit(
    personas, page_of, login, live_server, size
):
    world = _queue_world(personas)
    number = {name: hazard.number for name, hazard in world.items()}
    page = page_of(size)
    found: dict[str, list[str]] = {}

    # A reviewer lands on 待我处理: the unit's approvals and sign-offs, and what they listed.
    login(page, "reviewer")
    assert page.url.endswith("/hazards/queue/")
    page.get_by_role("heading", name="待我处理").wait_for()
    rows = _rows(page)
    assert set(rows) == {number[n] for n in ("extension", "sign_off", "recheck", "late")}
    assert rows[number["extension"]] == ["延期待审批"]
    assert rows[number["sign_off"]] == ["待销号"]
    assert rows[number["recheck"]] == ["待复查"]
    assert rows[number["late"]] == ["进展报告逾期"]
    # The list says how many rows it holds; the menu's badge counts the same personal queue.
    assert page.locator("[data-row-count]").inner_text() == "共 4 条"
    assert page.locator("#queue-count").text_content().strip() == "4"
    late_row = page.locator("#hazard-table tbody tr", has_text=number["late"])
    assert "进展报告逾期 10 天" in late_row.inner_text()
    _fits(page, size)
    found["queue (mine)"] = violations(page)

    # 本单位全部 adds the colleague's hazard waiting for its re-check; 我的 goes back.
    page.get_by_role("link", name="本单位全部").click()
    page.wait_for_url("**/hazards/queue/?scope=unit")
    rows = _rows(page)
    assert rows[number["colleagues"]] == ["待复查"] and len(rows) == 5
    assert page.locator("[data-row-count]").inner_text() == "共 5 条"
    assert page.get_by_role("link", name="本单位全部").get_attribute("aria-current") == "page"
    _fits(page, size)
    found["queue (unit)"] = violations(page)
    page.get_by_role("link", name="我的", exact=True).click()
    page.wait_for_url("**/hazards/queue/")
    assert number["colleagues"] not in _rows(page)

    # From the row to the decision: the approval form shows the request's reason and measures.
    page.get_by_role("link", name=number["extension"]).click()
    page.locator("#steps").get_by_role("button", name="批准延期", exact=True).click()
    page.locator("#steps .collapsing").wait_for(state="detached")
    request = page.locator("#form-approve-extension .extension-request")
    assert "设备到货延迟" in request.inner_text()
    assert "停用储罐并专人值守" in request.inner_text()
    _fits(page, size)
    found["approval form"] = violations(page)

    # An inspector's own queue: only the hazards they found or acted on.
    login(page, "inspector")
    page.goto(f"{live_server.url}/hazards/queue/")
    rows = _rows(page)
    assert set(rows) == {number[n] for n in ("extension", "recheck", "late")}
    assert rows[number["recheck"]] == ["待复查"]
    assert rows[number["late"]] == ["进展报告逾期", "整改中，待提交整改结果"]
    found["queue (inspector)"] = violations(page)
    page.get_by_role("link", name="本单位全部").click()
    page.wait_for_url("**/hazards/queue/?scope=unit")
    assert number["colleagues"] in _rows(page)
    bad = {name: lines for name, lines in found.items() if lines}
    assert not bad, f"serious/critical violations: {bad}"


def test_a_county_admin_manages_its_users_in_the_app(personas, page_of, login, live_server):
    county = personas.inspector.department
    DepartmentFactory(
        name="城川镇安全生产监督管理站", kind=DepartmentKind.EMERGENCY, region_id="150623102"
    )
    UserFactory(username="qianqi_admin", name="李管理", role=Role.ADMIN, department=county)
    found: dict[str, list[str]] = {}
    page = page_of(DESKTOP)
    login(page, "qianqi_admin")

    page.get_by_role("link", name="用户管理").click()
    page.get_by_role("heading", name="用户管理").wait_for()
    listed = page.locator("#user-table").inner_text()
    assert "inspector" in listed and "inspector_b" not in listed  # 鄂托克旗's inspector
    found["user list"] = violations(page)

    # A county-level user cannot join a town's station: refused in Chinese, input kept.
    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("用户名").fill("xunjian_wang")
    page.get_by_label("姓名").fill("王巡检")
    page.get_by_label("角色").select_option(label="执法检查员")
    page.get_by_label("所属地区").select_option(label="鄂托克前旗")
    page.get_by_label("所属部门").select_option(label="城川镇安全生产监督管理站")
    page.get_by_label("初始密码").fill("Xunjian-2026a")
    page.get_by_role("button", name="创建用户").click()
    page.get_by_text("城川镇安全生产监督管理站属于城川镇，不能分配给鄂托克前旗的用户。").wait_for()
    assert page.get_by_label("姓名").input_value() == "王巡检"
    assert not User.objects.filter(username="xunjian_wang").exists()
    found["user form (error)"] = violations(page)
    page.get_by_label("所属部门").select_option(label="鄂托克前旗应急管理局")
    page.get_by_role("button", name="创建用户").click()
    page.get_by_text("已创建用户 xunjian_wang（王巡检）。").wait_for()
    created = User.objects.get(username="xunjian_wang")
    assert (created.region_id, created.department) == ("150623", county)
    assert created.role == Role.INSPECTOR

    # The new inspector signs in (a second browser) and lands on 今日检查.
    own = page_of(PHONE)
    login(own, "xunjian_wang", "Xunjian-2026a")
    assert own.url.endswith("/inspections/")

    # Resetting the password asks first; cancelling changes nothing.
    page.locator("#user-table tr", has_text="xunjian_wang").get_by_role("link", name="修改").click()
    page.get_by_label("新密码").fill("Chongzhi-2026b")
    page.get_by_role("button", name="重置密码").click()
    dialog = page.get_by_role("dialog", name="请确认：重置 xunjian_wang 的密码")
    dialog.wait_for()
    found["user edit (confirm)"] = violations(page)
    _cancel(page, dialog)
    created.refresh_from_db()
    assert created.check_password("Xunjian-2026a")
    # Enter in the password field asks the same question; nothing is reset before it is answered.
    page.get_by_label("新密码").press("Enter")
    dialog.wait_for()
    created.refresh_from_db()
    assert created.check_password("Xunjian-2026a")
    _cancel(page, dialog)
    created.refresh_from_db()
    assert created.check_password("Xunjian-2026a")
    page.get_by_role("button", name="重置密码").click()
    dialog.get_by_role("button", name="确认重置").click()
    page.get_by_text("已重置 xunjian_wang 的密码").wait_for()
    created.refresh_from_db()
    assert created.check_password("Chongzhi-2026b")
    # The old session ends with the old password.
    own.reload()
    assert "/accounts/login/" in own.url

    # 停用, after its confirmation: the account can no longer sign in.
    page.get_by_role("link", name="用户管理").first.click()
    row = page.locator("#user-table tr", has_text="xunjian_wang")
    row.get_by_role("button", name="停用").click()
    dialog = page.get_by_role("dialog", name="请确认：停用 xunjian_wang")
    dialog.get_by_role("button", name="确认停用").click()
    page.get_by_text("已停用用户 xunjian_wang。").wait_for()
    assert "已停用" in page.locator("#user-table tr", has_text="xunjian_wang").inner_text()
    own.goto(f"{live_server.url}/accounts/login/")
    own.get_by_label("用户名").fill("xunjian_wang")
    own.get_by_label("密码").fill("Chongzhi-2026b")
    own.get_by_role("button", name="登录").click()
    own.locator(".alert-danger, .errorlist").first.wait_for()
    assert "/accounts/login/" in own.url

    # Another county's users do not exist for this administrator.
    other = personas.inspector_b
    response = page.goto(f"{live_server.url}/accounts/users/{other.pk}/")
    assert response.status == 404
    page.get_by_text("页面不存在，或该数据不在您的管辖范围内。").wait_for()
    assert page.goto(f"{live_server.url}/accounts/users/?q=inspector_b").ok
    assert "inspector_b" not in page.locator("#user-table").inner_text()

    # On a phone the list and the form fit the screen.
    small = page_of(PHONE)
    login(small, "qianqi_admin")
    small.goto(f"{live_server.url}/accounts/users/")
    _fits(small, PHONE)
    found["user list (phone)"] = violations(small)
    small.locator("#user-table tr", has_text="xunjian_wang").get_by_role(
        "link", name="修改"
    ).click()
    _fits(small, PHONE)
    found["user edit (phone)"] = violations(small)
    bad = {name: lines for name, lines in found.items() if lines}
    assert not bad, f"serious/critical violations: {bad}"


def _cancel(page, dialog) -> None:
    """Answer 取消 once the dialog has finished opening: Bootstrap ignores a close request made
    while its opening animation runs."""
    page.wait_for_function(
        "() => { const m = bootstrap.Modal.getInstance(document.getElementById('reset-confirm'));"
        " return m && !m._isTransitioning; }"
    )
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")

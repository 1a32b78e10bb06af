"""Enterprise accounts: requested with a 统一社会信用代码 and decided by the county, or created by
the county's administrator; they hold enterprises of that county only."""

import pytest

from accounts import users
from accounts.choices import Role
from accounts.models import AccountRequest, AccountRequestStatus, User
from core.errors import Kind, ServiceError
from core.models import Department
from portal import services
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Anquan-Qingling-77"


@pytest.fixture
def admins(personas):
    class A:
        county = UserFactory(
            username="admin_front",
            role=Role.ADMIN,
            department=Department.objects.get(name="鄂托克前旗应急管理局"),
        )
        other = UserFactory(
            username="admin_otog",
            role=Role.ADMIN,
            region_id="150624",
            department=Department.objects.get(name="鄂托克旗应急管理局"),
        )

    return A


@pytest.fixture(autouse=True)
def clear_limits():
    """The public request page counts requests per client address in the cache."""
    from django.core.cache import cache

    cache.delete_pattern("*rl:*")
    yield
    cache.delete_pattern("*rl:*")


@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="甲化工有限公司")


def ask(firm, **fields):
    values = {
        "credit_code": firm.credit_code,
        "contact_name": "刘安全",
        "phone": "13900000002",
        "username": "jiahuagong",
        "password": PASSWORD,
    }
    return services.request_submit(**{**values, **fields})


def test_a_request_needs_a_valid_credit_code_of_an_enterprise_in_the_registry(firm):
    with pytest.raises(ServiceError) as error:
        ask(firm, credit_code=firm.credit_code[:17] + ("0" if firm.credit_code[17] != "0" else "1"))
    assert "校验位错误" in " ".join(error.value.fields["credit_code"])
    with pytest.raises(ServiceError) as error:
        ask(firm, credit_code="12345")
    assert "18位" in " ".join(error.value.fields["credit_code"])
    other = EnterpriseFactory.build().credit_code
    with pytest.raises(ServiceError) as error:
        ask(firm, credit_code=other)
    assert "企业名录中没有" in " ".join(error.value.fields["credit_code"])
    assert not AccountRequest.objects.exists()


def test_a_request_keeps_only_the_password_hash_and_lower_case_codes_are_read(firm):
    request = ask(firm, credit_code=firm.credit_code.lower())
    assert request.enterprise == firm and request.status == AccountRequestStatus.PENDING
    assert PASSWORD not in request.password


def test_a_taken_username_or_a_weak_password_is_refused(firm, personas):
    with pytest.raises(ServiceError) as error:
        ask(firm, username="inspector")
    assert "已被使用" in " ".join(error.value.fields["username"])
    with pytest.raises(ServiceError) as error:
        ask(firm, password="12345678")
    assert "password" in error.value.fields


def test_the_county_approves_and_the_account_holds_the_enterprise_with_the_password_set(
    client, firm, admins
):
    request = ask(firm)
    user = services.request_approve(by=admins.county, pk=request.pk)
    assert user.role == Role.ENTERPRISE and list(user.enterprises.all()) == [firm]
    assert user.check_password(PASSWORD)
    request.refresh_from_db()
    assert request.status == AccountRequestStatus.APPROVED and request.account == user
    response = client.post("/accounts/login/", {"username": "jiahuagong", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).request["PATH_INFO"] == "/qiye/"


def test_another_countys_admin_neither_sees_nor_decides_the_request(client, firm, admins):
    request = ask(firm)
    with pytest.raises(ServiceError) as error:
        services.request_approve(by=admins.other, pk=request.pk)
    assert error.value.kind == Kind.SCOPE
    client.force_login(admins.other)
    assert client.get(f"/accounts/requests/{request.pk}/").status_code == 404
    assert client.post(f"/accounts/requests/{request.pk}/approve/").status_code == 404
    assert request.enterprise.name not in client.get("/accounts/requests/").content.decode()


def test_a_rejection_needs_a_reason_and_a_decided_request_is_not_decided_again(firm, admins):
    request = ask(firm)
    with pytest.raises(ServiceError):
        services.request_reject(by=admins.county, pk=request.pk, reason=" ")
    services.request_reject(by=admins.county, pk=request.pk, reason="联系人不是本企业员工")
    with pytest.raises(ServiceError) as error:
        services.request_approve(by=admins.county, pk=request.pk)
    assert "未批准" in error.value.message
    assert not User.objects.filter(username="jiahuagong").exists()


def test_the_public_request_page_shows_errors_in_chinese_and_keeps_the_input(client, firm):
    response = client.post(
        "/qiye/request/",
        {
            "credit_code": "91150623ABC",
            "contact_name": "刘安全",
            "phone": "139",
            "username": "jia",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "统一社会信用代码应为18位" in body and "刘安全" in body
    response = client.post(
        "/qiye/request/",
        {
            "credit_code": firm.credit_code,
            "contact_name": "刘安全",
            "phone": "13900000002",
            "username": "jia",
            "password": PASSWORD,
        },
    )
    assert "申请已提交" in response.content.decode()


def test_the_public_request_page_is_rate_limited_per_client_address_with_a_chinese_429(
    client, firm, settings
):
    settings.ENTERPRISE_REQUEST_RATE = "2/h"
    # Even requests with errors count: the limit is on sending, not on success.
    bad = {"credit_code": "12345", "contact_name": "刘安全", "phone": "139", "username": "jia"}
    assert client.post("/qiye/request/", bad).status_code == 200
    assert client.post("/qiye/request/", bad).status_code == 200
    good = {**bad, "credit_code": firm.credit_code, "phone": "13900000002", "password": PASSWORD}
    refused = client.post("/qiye/request/", good)
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert not AccountRequest.objects.exists()
    # Reading the page is not limited; another address is counted apart.
    assert client.get("/qiye/request/").status_code == 200
    assert client.post("/qiye/request/", good, REMOTE_ADDR="10.9.9.9").status_code == 200
    assert AccountRequest.objects.count() == 1


def test_the_request_rate_believes_forwarded_for_only_from_a_trusted_proxy(client, settings):
    settings.ENTERPRISE_REQUEST_RATE = "1/h"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    bad = {"credit_code": "12345"}
    assert client.post("/qiye/request/", bad, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.post("/qiye/request/", bad, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 200
    assert client.post("/qiye/request/", bad, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_the_county_admin_creates_an_enterprise_account_for_its_own_enterprise(firm, admins):
    user = users.user_save(
        admins.county,
        username="qiye2",
        name="王五",
        role=Role.ENTERPRISE,
        region=firm.region.parent,
        password=PASSWORD,
        enterprises=[firm],
    )
    assert list(user.enterprises.all()) == [firm]


def test_an_enterprise_account_must_hold_an_enterprise_of_the_admins_territory(firm, admins):
    elsewhere = EnterpriseFactory(region_id="150624")
    with pytest.raises(ServiceError) as error:
        users.user_save(
            admins.county,
            username="qiye3",
            name="王五",
            role=Role.ENTERPRISE,
            region=firm.region.parent,
            password=PASSWORD,
            enterprises=[elsewhere],
        )
    assert "不在您的管理范围内" in " ".join(error.value.fields["enterprises"])
    with pytest.raises(ServiceError) as error:
        users.user_save(
            admins.county,
            username="qiye3",
            name="王五",
            role=Role.ENTERPRISE,
            region=firm.region.parent,
            password=PASSWORD,
            enterprises=[],
        )
    assert "至少一家企业" in " ".join(error.value.fields["enterprises"])
    with pytest.raises(ServiceError) as error:
        users.user_save(
            admins.county,
            username="qiye3",
            name="王五",
            role=Role.LEADER,
            region=firm.region.parent,
            password=PASSWORD,
            enterprises=[firm],
        )
    assert "只有企业用户" in " ".join(error.value.fields["enterprises"])

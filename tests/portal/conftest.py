import pytest

from accounts.choices import Role
from tests.factories import EnterpriseFactory, UserFactory


def enterprise_account(username, *enterprises):
    user = UserFactory(username=username, role=Role.ENTERPRISE, department=None)
    user.enterprises.set(enterprises)
    return user


@pytest.fixture
def firms(personas):
    """Two enterprises of 鄂托克前旗 (hazardous chemicals) and their accounts: enterprise_a holds
    the first, enterprise_b the second."""

    class F:
        a = EnterpriseFactory(name="甲化工有限公司")
        b = EnterpriseFactory(name="乙化工有限公司")

    F.account_a = enterprise_account("enterprise_a", F.a)
    F.account_b = enterprise_account("enterprise_b", F.b)
    return F

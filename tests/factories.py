"""factory_boy factories. Reference data (regions, sectors) comes from the real loaders."""

import random

import factory

from accounts.choices import Role
from accounts.models import User
from core.models import Department, Region, Sector
from enterprises.credit_code import check_character
from enterprises.models import Enterprise

_rng = random.Random(7)


def make_credit_code(region_code: str = "150623") -> str:
    body = "".join(_rng.choice("0123456789ABCDEFGH") for _ in range(9))
    first17 = "91" + region_code[:6] + body
    return first17 + check_character(first17)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("region", "name")

    name = factory.Sequence(lambda n: f"测试部门{n}")
    kind = "emergency"
    region = factory.LazyFunction(lambda: Region.objects.get(code="150623"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.INSPECTOR
    region = factory.LazyFunction(lambda: Region.objects.get(code="150623"))
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.LazyFunction(lambda: Region.objects.get(code="150623101"))
    credit_code = factory.LazyAttribute(lambda o: make_credit_code(o.region.code))
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="hazchem"))
    principal = "张三"
    principal_phone = "13900000000"

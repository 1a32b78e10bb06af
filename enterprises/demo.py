"""Demo enterprise registry for `make run`: a believable county and a few of the next one.

Deterministic (seeded) and idempotent: running it again changes nothing.
"""

from __future__ import annotations

import random

from django.db import transaction

from core.choices import DepartmentKind
from core.models import Department, Region, Sector

from .choices import EnterpriseStatus, RiskGrade, Scale, StandardizationLevel
from .credit_code import ALPHABET, check_character
from .models import Enterprise

# The demo enterprise account `qiye` holds this one (鄂托克前旗, hazardous chemicals).
QIYE_ENTERPRISE_NAME = "内蒙古上庙能源化工有限公司"

# Fictitious enterprises: (name, sector code, scale, risk, key supervision)
FRONT_BANNER = [
    ("内蒙古上庙能源化工有限公司", "hazchem", Scale.ABOVE, RiskGrade.RED, True),
    ("鄂托克前旗宏晟煤化工有限责任公司", "hazchem", Scale.ABOVE, RiskGrade.RED, True),
    ("鄂尔多斯市昊源精细化工有限公司", "hazchem", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("内蒙古蒙泰甲醇有限公司", "hazchem", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("鄂托克前旗长泰煤矿有限公司", "coal", Scale.ABOVE, RiskGrade.RED, True),
    ("鄂托克前旗上海庙矿业有限责任公司", "coal", Scale.ABOVE, RiskGrade.RED, True),
    ("鄂托克前旗城川石灰岩矿", "noncoal", Scale.BELOW, RiskGrade.ORANGE, True),
    ("鄂托克前旗昂素砂石料场", "noncoal", Scale.BELOW, RiskGrade.YELLOW, False),
    ("鄂托克前旗敖镇烟花爆竹批发部", "fireworks", Scale.BELOW, RiskGrade.ORANGE, True),
    ("内蒙古前旗钢铁铸造有限公司", "metallurgy", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("鄂托克前旗新型建材有限公司", "building_materials", Scale.ABOVE, RiskGrade.YELLOW, False),
    ("鄂托克前旗金河铝业有限公司", "nonferrous", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("鄂托克前旗绒毛加工厂", "textile", Scale.BELOW, RiskGrade.BLUE, False),
    ("鄂托克前旗草原乳业有限公司", "light_industry", Scale.ABOVE, RiskGrade.YELLOW, False),
    ("鄂托克前旗城川粮油加工厂", "dust", Scale.BELOW, RiskGrade.YELLOW, True),
    ("鄂托克前旗上海庙冷链物流有限公司", "ammonia", Scale.BELOW, RiskGrade.ORANGE, True),
    ("鄂托克前旗污水处理厂", "confined_space", Scale.BELOW, RiskGrade.YELLOW, False),
    ("鄂托克前旗机械修造有限公司", "machinery", Scale.BELOW, RiskGrade.BLUE, False),
    ("鄂托克前旗万家福购物中心", "commerce", Scale.ABOVE, RiskGrade.YELLOW, True),
    ("鄂托克前旗华润燃气有限公司", "gas", Scale.ABOVE, RiskGrade.RED, True),
    ("鄂托克前旗天然气加气站", "gas", Scale.BELOW, RiskGrade.ORANGE, False),
    ("内蒙古前旗建工集团有限公司", "construction", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("鄂托克前旗敖勒召其镇安居小区项目部", "construction", Scale.BELOW, RiskGrade.YELLOW, False),
    ("鄂托克前旗顺达汽车运输有限公司", "road", Scale.BELOW, RiskGrade.YELLOW, False),
    ("鄂托克前旗危货运输有限公司", "road", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("鄂托克前旗锅炉压力容器检验站", "special_equipment", Scale.BELOW, RiskGrade.BLUE, False),
    ("鄂托克前旗民爆器材专营公司", "explosives", Scale.BELOW, RiskGrade.ORANGE, True),
    ("鄂托克前旗上海庙发电有限公司", "power", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("鄂托克前旗第一中学", "campus", Scale.BELOW, RiskGrade.YELLOW, False),
    ("鄂托克前旗社会福利中心", "elderly_care", Scale.BELOW, RiskGrade.YELLOW, True),
    ("鄂托克前旗人民医院", "medical", Scale.ABOVE, RiskGrade.YELLOW, True),
    ("鄂托克前旗大漠风情旅游区", "tourism", Scale.BELOW, RiskGrade.BLUE, False),
    ("鄂托克前旗阳光宾馆", "fire", Scale.BELOW, RiskGrade.YELLOW, False),
    ("鄂托克前旗汽车维修厂", "other", Scale.BELOW, RiskGrade.BLUE, False),
]
OTHER_BANNER = [
    ("鄂托克旗棋盘井焦化有限公司", "hazchem", Scale.ABOVE, RiskGrade.RED, True),
    ("鄂托克旗蒙西硅铁有限公司", "metallurgy", Scale.ABOVE, RiskGrade.ORANGE, True),
    ("鄂托克旗阿尔巴斯煤矿", "coal", Scale.ABOVE, RiskGrade.RED, True),
    ("鄂托克旗乌兰镇建材厂", "building_materials", Scale.BELOW, RiskGrade.YELLOW, False),
    ("鄂托克旗燃气供应站", "gas", Scale.BELOW, RiskGrade.ORANGE, False),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢唐韩冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强海军明华伟芳敏静丽强磊军洋勇艳杰娟涛超秀英霞平刚桂兰宝山永福玉成俊峰"
FRONT_TOWNS = ["150623100", "150623101", "150623102", "150623103", "150623400"]
ADDRESS_BY_TOWN = {
    "150623100": "敖勒召其镇",
    "150623101": "上海庙镇",
    "150623102": "城川镇",
    "150623103": "昂素镇",
    "150623400": "上海庙经济开发区",
    "150624": "鄂托克旗乌兰镇",
}


def credit_code(rng: random.Random, region_code: str) -> str:
    body_chars = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMN") for _ in range(9))
    first17 = "91" + region_code[:6] + body_chars
    return first17 + check_character(first17)


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    phone = "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
    return name, phone


def demo_enterprises() -> list[Enterprise]:
    """The demo registry, unsaved and always the same: the credit codes are its stable keys."""
    rng = random.Random(20260423)
    sectors = {s.code: s for s in Sector.objects.all()}
    departments = {d.kind + d.region_id: d for d in Department.objects.order_by("-pk")}
    regions = {r.code: r for r in Region.objects.filter(code__in=[*FRONT_TOWNS, "150624"])}
    plan = [(item, rng.choice(FRONT_TOWNS)) for item in FRONT_BANNER]
    plan += [(item, "150624") for item in OTHER_BANNER]
    records = []
    for (name, sector_code, scale, risk, key), region_code in plan:
        sector = sectors[sector_code]
        principal, principal_phone = _person(rng)
        manager, manager_phone = _person(rng)
        county = region_code[:6]
        records.append(
            Enterprise(
                credit_code=credit_code(rng, county),
                name=name,
                address=f"内蒙古自治区鄂尔多斯市{ADDRESS_BY_TOWN[region_code]}{rng.randint(1, 88)}号",
                region=regions[region_code],
                sector=sector,
                scale=scale,
                principal=principal,
                principal_phone=principal_phone,
                safety_manager=manager,
                safety_manager_phone=manager_phone,
                department=departments.get(sector.supervisor_kind + county)
                or departments.get(DepartmentKind.EMERGENCY + county),
                risk_grade=risk,
                standardization_level=rng.choice(list(StandardizationLevel.values)),
                key_supervision=key,
                status=EnterpriseStatus.SUSPENDED
                if name.endswith("砂石料场")
                else EnterpriseStatus.OPERATING,
            )
        )
    return records


@transaction.atomic
def seed_enterprises() -> int:
    """Create the demo enterprises whose credit code is not registered yet; returns how many.

    An existing record is never touched, whatever its name or address now is.
    """
    records = demo_enterprises()
    taken = set(
        Enterprise.objects.filter(credit_code__in=[e.credit_code for e in records]).values_list(
            "credit_code", flat=True
        )
    )
    created = 0
    for enterprise in records:
        if enterprise.credit_code not in taken:
            enterprise.save()
            created += 1
    return created


def qiye_enterprise() -> Enterprise:
    """The enterprise the demo enterprise account holds (the registry must be seeded).

    Found by its credit code, the registry's stable key: a user may have renamed it since.
    """
    code = next(e.credit_code for e in demo_enterprises() if e.name == QIYE_ENTERPRISE_NAME)
    return Enterprise.objects.get(credit_code=code)

"""The sector list (domain: 行业领域) with the kind of department that supervises each."""

from core.choices import DepartmentKind as K

# (code, name, parent code, supervising department kind)
SECTORS: list[tuple[str, str, str | None, str]] = [
    ("coal", "煤矿", None, K.ENERGY),
    ("noncoal", "非煤矿山", None, K.EMERGENCY),
    ("hazchem", "危险化学品", None, K.EMERGENCY),
    ("fireworks", "烟花爆竹", None, K.EMERGENCY),
    ("industry", "工贸", None, K.EMERGENCY),
    ("metallurgy", "冶金", "industry", K.EMERGENCY),
    ("nonferrous", "有色", "industry", K.EMERGENCY),
    ("building_materials", "建材", "industry", K.EMERGENCY),
    ("machinery", "机械", "industry", K.EMERGENCY),
    ("light_industry", "轻工", "industry", K.EMERGENCY),
    ("textile", "纺织", "industry", K.EMERGENCY),
    ("tobacco", "烟草", "industry", K.EMERGENCY),
    ("commerce", "商贸", "industry", K.EMERGENCY),
    ("dust", "粉尘涉爆", None, K.EMERGENCY),
    ("confined_space", "有限空间", None, K.EMERGENCY),
    ("ammonia", "液氨制冷", None, K.EMERGENCY),
    ("fire", "消防", None, K.FIRE),
    ("gas", "城镇燃气", None, K.HOUSING),
    ("road", "道路运输", None, K.TRANSPORT),
    ("construction", "建筑施工", None, K.HOUSING),
    ("special_equipment", "特种设备", None, K.MARKET),
    ("explosives", "民用爆炸物品", None, K.INDUSTRY),
    ("power", "电力", None, K.ENERGY),
    ("water", "水利", None, K.WATER),
    ("campus", "校园", None, K.EDUCATION),
    ("elderly_care", "养老机构", None, K.CIVIL),
    ("medical", "医疗卫生", None, K.HEALTH),
    ("tourism", "文化旅游", None, K.CULTURE),
    ("fishing_vessel", "渔业船舶", None, K.AGRICULTURE),
    ("other", "其他", None, K.EMERGENCY),
]

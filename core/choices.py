"""Choices shared by the reference-data models."""

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWN = "town", "乡镇级"


# How many leading digits of a code identify a region's whole subtree, by level.
SIGNIFICANT_DIGITS = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWN: 9,
}


class DepartmentKind(models.TextChoices):
    """Kinds of government department; a sector names the kind that supervises it."""

    EMERGENCY = "emergency", "应急管理局"
    SAFETY_OFFICE = "safety_office", "安委办"
    ENERGY = "energy", "能源局"
    HOUSING = "housing", "住房和城乡建设局"
    TRANSPORT = "transport", "交通运输局"
    MARKET = "market", "市场监督管理局"
    FIRE = "fire", "消防救援大队"
    INDUSTRY = "industry", "工业和信息化局"
    WATER = "water", "水利局"
    EDUCATION = "education", "教育局"
    CIVIL = "civil", "民政局"
    HEALTH = "health", "卫生健康委员会"
    CULTURE = "culture", "文化旅游体育局"
    AGRICULTURE = "agriculture", "农业农村局"
    OTHER = "other", "其他部门"


# Users of these departments see every sector (综合监管).
ALL_SECTOR_KINDS = frozenset({DepartmentKind.EMERGENCY, DepartmentKind.SAFETY_OFFICE})


class CalendarDayKind(models.TextChoices):
    """What an entered range of days is in the State Council's holiday arrangement."""

    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"

"""Choices for the enterprise registry."""

from django.db import models


class Scale(models.TextChoices):
    ABOVE = "above", "规上"
    BELOW = "below", "规下"


class RiskGrade(models.TextChoices):
    RED = "red", "红（重大风险）"
    ORANGE = "orange", "橙（较大风险）"
    YELLOW = "yellow", "黄（一般风险）"
    BLUE = "blue", "蓝（低风险）"


RISK_BADGES = {
    RiskGrade.RED: "danger",
    RiskGrade.ORANGE: "warning",
    RiskGrade.YELLOW: "info",
    RiskGrade.BLUE: "primary",
}


class StandardizationLevel(models.TextChoices):
    LEVEL1 = "1", "一级"
    LEVEL2 = "2", "二级"
    LEVEL3 = "3", "三级"
    NONE = "none", "未定级"


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", "在营"
    SUSPENDED = "suspended", "停产"
    CLOSED = "closed", "关闭"


STATUS_BADGES = {
    EnterpriseStatus.OPERATING: "success",
    EnterpriseStatus.SUSPENDED: "warning",
    EnterpriseStatus.CLOSED: "secondary",
}


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "待确认"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "校验未通过"

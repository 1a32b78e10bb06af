"""Choices for notices, notifications and monthly reports."""

from django.db import models


class NoticeStep(models.TextChoices):
    """The ladder of reminders and escalations; each step happens once per hazard and deadline."""

    REMIND_7 = "remind_7", "到期前7天提醒"
    REMIND_3 = "remind_3", "到期前3天提醒"
    OVERDUE = "overdue", "逾期督办通知"
    COUNTY_LETTER = "county_letter", "安委办督办函"
    BULLETIN = "bulletin", "逾期通报"
    CITY_ESCALATION = "city_escalation", "提请市级督办"


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"


class Channel(models.TextChoices):
    APP = "app", "站内消息"
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


class PeriodKey(models.TextChoices):
    """The dashboard's periods: named ones relative to today, or two dates."""

    MONTH = "month", "本月"
    QUARTER = "quarter", "本季度"
    YEAR = "year", "本年"
    LAST_YEAR = "last_year", "上年"
    CUSTOM = "custom", "自定义"

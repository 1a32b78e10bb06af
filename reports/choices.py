"""Choices of the reports app: notice steps, delivery channels, report and import states, and
the dashboard's periods."""

from django.db import models

# Reminder steps are "remind_<days>" for each of settings.REPORTS_REMINDER_DAYS; the default
# days have their own NoticeStep members.
REMINDER_PREFIX = "remind_"


class NoticeStep(models.TextChoices):
    """The ladder of reminders and escalations; each step happens once per hazard and deadline."""

    REMIND_7 = "remind_7", "到期前7天提醒"
    REMIND_3 = "remind_3", "到期前3天提醒"
    OVERDUE = "overdue", "逾期督办通知"
    COUNTY_LETTER = "county_letter", "安委办督办函"
    BULLETIN = "bulletin", "逾期通报"
    CITY_ESCALATION = "city_escalation", "提请市级督办"


class ReportState(models.TextChoices):
    """A report is edited while draft, returned or being corrected, and frozen once submitted."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    CORRECTING = "correcting", "更正中"


# The states in which the filer may edit the narrative, the entered figures and the signature.
EDITABLE_REPORT_STATES = (ReportState.DRAFT, ReportState.RETURNED, ReportState.CORRECTING)


class Channel(models.TextChoices):
    APP = "app", "站内消息"
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


class ColumnKind(models.TextChoices):
    """How a ledger column's cells are written and read."""

    TEXT = "text", "文本"
    DATE = "date", "日期"
    NUMBER = "number", "数值"


class PeriodKey(models.TextChoices):
    """The dashboard's periods: named ones relative to today, or two dates."""

    REPORT = "report", "本期"
    MONTH = "month", "本月"
    QUARTER = "quarter", "本季度"
    YEAR = "year", "本年"
    LAST_YEAR = "last_year", "上年"
    CUSTOM = "custom", "自定义"


class ImportStatus(models.TextChoices):
    """A ledger import: validated with no bad row (preview), or with some (failed), then
    committed once."""

    PREVIEW = "preview", "待确认导入"
    FAILED = "failed", "有错误，未导入"
    COMMITTED = "committed", "已导入"

"""Vocabulary of inspections: plan periods, methods, checklist results, visit states, documents,
and where an enterprise stands against its yearly cap of visits."""

from django.db import models


class PlanPeriod(models.TextChoices):
    YEAR = "year", "年度计划"
    MONTH = "month", "月度计划"


class InspectionMethod(models.TextChoices):
    FOUR_NO_TWO_DIRECT = "four_no", "四不两直"
    OPEN = "open", "明查"
    UNANNOUNCED = "unannounced", "暗访"
    RANDOM = "random", "双随机"
    CROSS = "cross", "异地交叉执法"
    EXPERT = "expert", "专家会诊"
    REPORT = "report", "举报核查"
    JOINT = "joint", "综合查一次"


class InspectionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "待检查"
    DONE = "done", "已完成"


STATUS_BADGES = {InspectionStatus.SCHEDULED: "warning", InspectionStatus.DONE: "success"}


class CheckResult(models.TextChoices):
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"
    NOT_APPLICABLE = "na", "不适用"


RESULT_BADGES = {
    CheckResult.PASS: "success",
    CheckResult.FAIL: "danger",
    CheckResult.NOT_APPLICABLE: "secondary",
}


class DocumentType(models.TextChoices):
    """Enforcement documents (安全生产监管执法文书) this app issues, in the order of a case."""

    RECORD = "record", "现场检查记录"
    ORDER = "order", "责令限期整改指令书"
    RECHECK = "recheck", "整改复查意见书"
    MEASURES = "measures", "现场处理措施决定书"


# The 文号 abbreviation of each type (鄂前应急 + 责改 + 〔2026〕15号); settings may override.
DOCUMENT_KINDS = {
    DocumentType.RECORD: "检记",
    DocumentType.ORDER: "责改",
    DocumentType.RECHECK: "复查",
    DocumentType.MEASURES: "现决",
}

DOCUMENT_TEMPLATES = {
    DocumentType.RECORD: "documents/inspection_record.html",
    DocumentType.ORDER: "documents/rectification_order.html",
    DocumentType.RECHECK: "documents/recheck_opinion.html",
    DocumentType.MEASURES: "documents/measures_decision.html",
}


class CapState(models.TextChoices):
    """An enterprise's finished visits of the year against its risk grade's yearly cap."""

    NOT_VISITED = "not_visited", "未检查"
    UNDER = "under", "未达上限"
    AT = "at", "达到上限"
    OVER = "over", "超出上限"


CAP_BADGES = {
    CapState.NOT_VISITED: "secondary",
    CapState.UNDER: "info",
    CapState.AT: "success",
    CapState.OVER: "danger",
}

# At least two enforcement officers at every inspection (行政处罚法 第四十二条: 执法人员不得少于两人).
MIN_INSPECTORS = 2

"""Hazard vocabulary: levels, sources, states (with groups and badge colours), actions."""

from django.db import models


class HazardLevel(models.TextChoices):
    GENERAL = "general", "一般隐患"
    MAJOR = "major", "重大事故隐患"


LEVEL_BADGES = {HazardLevel.GENERAL: "secondary", HazardLevel.MAJOR: "danger"}


class BasisKind(models.TextChoices):
    """What a hazard's 判定依据 is: a clause of a standard in the catalog, or a legal basis
    written out where the catalog has no (complete) standard for the sector."""

    CLAUSE = "clause", "判定标准条款"
    OTHER = "other", "其他依据"


class StandardStatus(models.TextChoices):
    """Where a judgment standard stands on a given day."""

    IN_FORCE = "in_force", "现行有效"
    NOT_YET = "not_yet", "尚未施行"
    REPLACED = "replaced", "已被替代"
    ENDED = "ended", "已被取代，新准则未录入"


class HazardSource(models.TextChoices):
    SELF_REPORT = "self_report", "企业自查上报"
    INSPECTION = "inspection", "部门执法检查"
    SUPERVISION = "supervision", "督导检查"
    UNANNOUNCED = "unannounced", "暗访/四不两直"
    CROSS = "cross", "异地交叉执法"
    EXPERT = "expert", "专家会诊/第三方排查"
    PUBLIC_REPORT = "public_report", "群众举报查实"
    ASSIGNED = "assigned", "上级交办"


class HazardState(models.TextChoices):
    REGISTERED = "registered", "已登记"
    RECTIFYING = "rectifying", "整改中"
    AWAITING_RECHECK = "awaiting_recheck", "待复查"
    RECHECKED = "rechecked", "已复查"
    CLOSED = "closed", "已销号"


OPEN_STATES = frozenset(
    {
        HazardState.REGISTERED,
        HazardState.RECTIFYING,
        HazardState.AWAITING_RECHECK,
        HazardState.RECHECKED,
    }
)
# Rectified as far as 督促整改 goes: the enterprise has submitted its rectification (or it was
# re-checked, or closed). 已登记 and 整改中 are "not yet rectified".
RECTIFIED_STATES = frozenset(
    {HazardState.AWAITING_RECHECK, HazardState.RECHECKED, HazardState.CLOSED}
)
# Not yet rectified: reminders and escalations go only to hazards in these states.
NOT_RECTIFIED_STATES = frozenset(HazardState) - RECTIFIED_STATES
STATE_BADGES = {
    HazardState.REGISTERED: "info",
    HazardState.RECTIFYING: "warning",
    HazardState.AWAITING_RECHECK: "primary",
    HazardState.RECHECKED: "success",
    HazardState.CLOSED: "secondary",
}


class Stoppage(models.TextChoices):
    NONE = "none", "不停产"
    PARTIAL = "partial", "局部停产停业"
    FULL = "full", "全部停产停业"


class UrgingKind(models.TextChoices):
    """Measures against slow rectification (函告、通报、约谈、曝光), each recorded on the hazard."""

    LETTER = "letter", "函告"
    BULLETIN = "bulletin", "通报"
    INTERVIEW = "interview", "约谈"
    EXPOSURE = "exposure", "曝光"


class SupervisionLevel(models.TextChoices):
    PROVINCE = "province", "省级挂牌"
    CITY = "city", "市级挂牌"
    COUNTY = "county", "县级挂牌"
    DEPARTMENT = "department", "部门挂牌"


# Higher ranks may do what lower ranks may: a city may de-list a county listing, not the reverse.
SUPERVISION_RANK = {
    SupervisionLevel.DEPARTMENT: 1,
    SupervisionLevel.COUNTY: 2,
    SupervisionLevel.CITY: 3,
    SupervisionLevel.PROVINCE: 4,
}
REGION_LEVEL_RANK = {"town": 1, "county": 2, "city": 3, "province": 4}


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class PhotoKind(models.TextChoices):
    BEFORE = "before", "整改前"
    AFTER = "after", "整改后"


class Action(models.TextChoices):
    """Workflow actions; the values are the API action names."""

    REGISTER = "register", "登记隐患"
    START_RECTIFICATION = "start-rectification", "开始整改"
    REPORT_PROGRESS = "report-progress", "报告整改进展"
    REQUEST_EXTENSION = "request-extension", "申请延期"
    APPROVE_EXTENSION = "approve-extension", "批准延期"
    REFUSE_EXTENSION = "refuse-extension", "不批准延期"
    SUBMIT_RECTIFICATION = "submit-rectification", "提交整改（申请销号）"
    RECHECK_PASS = "recheck-pass", "复查通过"
    RECHECK_FAIL = "recheck-fail", "复查不通过"
    CONFIRM_BASIS = "confirm-basis", "确认判定依据"
    SIGN_OFF = "sign-off", "销号"
    LIST_SUPERVISION = "list-supervision", "挂牌督办"
    REMOVE_SUPERVISION = "remove-supervision", "摘牌"
    RECORD_DUAL_REPORT = "record-dual-report", "记录双报告"
    RECORD_URGING = "record-urging", "记录督促措施"
    ADD_PHOTO = "add-photo", "上传照片"
    EDIT = "edit", "修改信息"

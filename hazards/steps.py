"""What each workflow step does to a hazard: read and check the step's input, set the hazard's
fields, and return the data its HazardEvent records. `workflow.apply` calls them under the
row lock; nothing else does."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Kind, ServiceError
from core.workdays import estimate_note, window_opens, workdays_between

from .choices import (
    REGION_LEVEL_RANK,
    SUPERVISION_RANK,
    ExtensionStatus,
    HazardLevel,
    HazardState,
    PhotoKind,
    Stoppage,
    SupervisionLevel,
    UrgingKind,
)
from .models import ExtensionRequest, Hazard, Supervision

S = HazardState


# ---------------------------------------------------------------- input helpers


def _max_length(name: str) -> int | None:
    """The database limit of the field an input is stored in (any of the workflow's models)."""
    for model in (Hazard, Supervision, ExtensionRequest):
        try:
            return model._meta.get_field(name).max_length
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: try the next model
            continue
    return None


def _text(payload: dict, name: str, label: str, *, required: bool = True) -> str:
    value = str(payload.get(name) or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}。", field=name)
    limit = _max_length(name)
    if limit and len(value) > limit:
        raise ServiceError(f"{label}不能超过 {limit} 个字。", field=name)
    return value


def _date(payload: dict, name: str, label: str, *, required: bool = True) -> date | None:
    value = payload.get(name)
    if value in (None, ""):
        if required:
            raise ServiceError(f"请填写{label}。", field=name)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ServiceError(f"{label}不是有效日期（格式：2026-05-31）。", field=name) from exc


def _money(payload: dict, name: str, label: str, *, required: bool = False) -> Decimal | None:
    value = payload.get(name)
    if value in (None, ""):
        if required:
            raise ServiceError(f"请填写{label}。", field=name)
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ServiceError(f"{label}应为数字（单位：万元）。", field=name) from exc
    if not amount.is_finite() or amount < 0:
        raise ServiceError(f"{label}不能为负数。", field=name)
    if amount >= MAX_MONEY:
        raise ServiceError(f"{label}过大（单位为万元）。", field=name)
    return amount.quantize(Decimal("0.01"))


MAX_MONEY = Decimal("10000000000")  # max_digits=12, decimal_places=2


class Inputs:
    """A step's input read field by field: every problem is kept, and `done` raises them all
    at once, so a form is corrected in one pass instead of one submit per mistake."""

    def __init__(self, payload: dict):
        self.payload = payload
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def _read(self, reader, name: str, *args, **kwargs):
        try:
            return reader(self.payload, name, *args, **kwargs)
        except ServiceError as exc:
            self.fail(name, exc.message)
            return None

    def text(self, name: str, label: str, *, required: bool = True) -> str:
        return self._read(_text, name, label, required=required) or ""

    def date(self, name: str, label: str, *, required: bool = True) -> date | None:
        return self._read(_date, name, label, required=required)

    def money(self, name: str, label: str, *, required: bool = False) -> Decimal | None:
        return self._read(_money, name, label, required=required)

    def done(self) -> None:
        if not self.errors:
            return
        messages = list(self.errors.values())
        summary = (
            messages[0]
            if len(messages) == 1
            else f"请修改以下 {len(messages)} 处：" + "".join(messages)
        )
        raise ServiceError(summary, fields=self.errors)


def _today() -> date:
    return timezone.localdate()


# A hazard has a handful of extension requests and listings: they are read whole, so that a
# page that fetched them with the hazard (its detail page) asks every guard without a query,
# while a step, on the hazard it has just locked, reads them afresh.
def _pending_extension(hazard: Hazard) -> ExtensionRequest | None:
    return next((e for e in hazard.extensions.all() if e.status == ExtensionStatus.PENDING), None)


def _approved_extensions(hazard: Hazard) -> int:
    return sum(e.status == ExtensionStatus.APPROVED for e in hazard.extensions.all())


def _active_supervision(hazard: Hazard) -> Supervision | None:
    return next((s for s in hazard.supervisions.all() if s.removed_at is None), None)


def user_rank(user) -> int:
    """How high a user's territory is: town 1 … province 4; a superuser outranks everyone."""
    if user.is_superuser:
        return 99
    return REGION_LEVEL_RANK.get(user.region.level, 0) if user.region else 0


# ---------------------------------------------------------------- handlers


def start_rectification(hazard: Hazard, by, p: dict) -> dict:
    major = hazard.level == HazardLevel.MAJOR
    f = Inputs(p)
    measures = f.text("measures", "整改措施", required=major)
    responsible = f.text("responsible_person", "整改责任人", required=major)
    funds = f.money("funds", "整改资金", required=major)
    plan_deadline = f.date("plan_deadline", "整改时限", required=major)
    emergency_plan = f.text("emergency_plan", "安全措施和应急预案", required=major)
    if plan_deadline and plan_deadline > hazard.current_deadline:
        f.fail("plan_deadline", "方案整改时限不能晚于整改期限；需要更多时间请申请延期。")
    stoppage = p.get("stoppage") or Stoppage.NONE
    if stoppage not in Stoppage.values:
        f.fail("stoppage", "停产停业选项无效。")
    f.done()
    hazard.measures, hazard.responsible_person, hazard.funds = measures, responsible, funds
    hazard.plan_deadline, hazard.emergency_plan = plan_deadline, emergency_plan
    hazard.stoppage = stoppage
    return {"stoppage": stoppage}


def report_progress(hazard: Hazard, by, p: dict) -> dict:
    _text(p, "comment", "整改进展情况")
    return {}


def extension_limit(hazard: Hazard) -> date:
    """The latest deadline any extension may reach: the original deadline plus the setting."""
    return hazard.deadline + timedelta(days=settings.HAZARD_EXTENSION_MAX_DAYS)


def _extension_limits_reached(hazard: Hazard) -> str | None:
    most = settings.HAZARD_EXTENSION_MAX_APPROVED
    approved = _approved_extensions(hazard)
    if approved >= most:
        return f"该隐患已批准延期 {approved} 次，每项隐患最多批准延期 {most} 次。"
    limit = extension_limit(hazard)
    if hazard.current_deadline >= limit:
        return (
            f"整改期限已到延期上限 {limit:%Y-%m-%d}"
            f"（原整改期限后 {settings.HAZARD_EXTENSION_MAX_DAYS} 天）。"
        )
    return None


def _beyond_limit_message(hazard: Hazard, new: date, label: str) -> str | None:
    limit = extension_limit(hazard)
    if new <= limit:
        return None
    return (
        f"{label}不能晚于 {limit:%Y-%m-%d}：延期最多到原整改期限"
        f"（{hazard.deadline:%Y-%m-%d}）后 {settings.HAZARD_EXTENSION_MAX_DAYS} 天。"
    )


def _beyond_limit(hazard: Hazard, new: date, name: str, label: str) -> None:
    if problem := _beyond_limit_message(hazard, new, label):
        raise ServiceError(problem, field=name)


def extension_guard(hazard: Hazard, by) -> str | None:
    if _pending_extension(hazard):
        return "已有待审批的延期申请。"
    if reason := _extension_limits_reached(hazard):
        return reason
    today = _today()
    if today > hazard.current_deadline:
        return "整改期限已过，不能再申请延期。"
    window = settings.HAZARD_EXTENSION_WINDOW_WORKDAYS
    if workdays_between(today, hazard.current_deadline) > window:
        opens = window_opens(hazard.current_deadline, window)
        when = f"{opens:%Y-%m-%d} 起可申请"
        if note := estimate_note(opens, hazard.current_deadline):
            when += f"；{note}"
        return f"只能在整改期限前 {window} 个工作日内申请延期（{when}）。"
    return None


def request_extension(hazard: Hazard, by, p: dict) -> dict:
    f = Inputs(p)
    new = f.date("requested_deadline", "申请延期至")
    if new and new <= hazard.current_deadline:
        f.fail("requested_deadline", "申请延期至的日期应晚于当前整改期限。")
    elif new and (problem := _beyond_limit_message(hazard, new, "申请延期至")):
        f.fail("requested_deadline", problem)
    reason = f.text("reason", "延期理由")
    interim = f.text("interim_measures", "临时管控措施")
    f.done()
    extension = ExtensionRequest.objects.create(
        hazard=hazard,
        requested_by=by,
        reason=reason,
        interim_measures=interim,
        old_deadline=hazard.current_deadline,
        requested_deadline=new,
    )
    return {"extension": extension.pk, "requested_deadline": new.isoformat()}


def has_pending_extension(hazard: Hazard, by) -> str | None:
    return None if _pending_extension(hazard) else "没有待审批的延期申请。"


def can_decide_extension(hazard: Hazard, by) -> str | None:
    """A pending request; on a listed hazard, only the listing level or higher decides it."""
    if reason := has_pending_extension(hazard, by):
        return reason
    supervision = _active_supervision(hazard)
    if supervision and user_rank(by) < SUPERVISION_RANK[supervision.level]:
        return (
            f"该隐患由{supervision.get_level_display()}督办（{supervision.doc_no}），"
            "延期只能由挂牌单位或更高层级的审核人员审批。"
        )
    return None


def approve_extension(hazard: Hazard, by, p: dict) -> dict:
    extension = _pending_extension(hazard)
    new = (
        _date(p, "approved_deadline", "批准延期至", required=False) or extension.requested_deadline
    )
    if new <= extension.old_deadline:
        raise ServiceError("批准延期至的日期应晚于原整改期限。", field="approved_deadline")
    if new < _today():
        raise ServiceError("批准延期至的日期不能早于今天。", field="approved_deadline")
    _beyond_limit(hazard, new, "approved_deadline", "批准延期至")
    most = settings.HAZARD_EXTENSION_MAX_APPROVED
    if _approved_extensions(hazard) >= most:
        raise ServiceError(f"每项隐患最多批准延期 {most} 次，已达上限。")
    extension.status, extension.approved_deadline = ExtensionStatus.APPROVED, new
    extension.decided_by, extension.decided_at = by, timezone.now()
    extension.decision_comment = _text(p, "comment", "审批意见", required=False)
    extension.save()
    hazard.current_deadline = new
    data = {"extension": extension.pk, "approved_deadline": new.isoformat()}
    supervision = _active_supervision(hazard)
    if supervision and supervision.deadline < new:
        supervision.deadline = new
        supervision.save(update_fields=["deadline"])
        data["supervision_deadline"] = new.isoformat()
    return data


def refuse_extension(hazard: Hazard, by, p: dict) -> dict:
    extension = _pending_extension(hazard)
    extension.status = ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at = by, timezone.now()
    extension.decision_comment = _text(p, "comment", "不批准的理由")
    extension.save()
    return {"extension": extension.pk}


def submit_rectification(hazard: Hazard, by, p: dict) -> dict:
    f = Inputs(p)
    completed = f.date("completed_date", "整改完成日期")
    if completed and completed > _today():
        f.fail("completed_date", "整改完成日期不能晚于今天。")
    elif completed and completed < hazard.found_date:
        f.fail("completed_date", "整改完成日期不能早于发现日期。")
    note = f.text("completion_note", "整改完成情况")
    spent = f.money("funds_spent", "实际投入资金")
    assessment = f.text("assessment", "评估意见", required=False)
    if (
        hazard.level == HazardLevel.MAJOR
        and not hazard.photos.filter(kind=PhotoKind.AFTER).exists()
    ):
        f.fail("photos", "重大事故隐患申请销号前，请先上传整改后照片。")
    f.done()
    hazard.completed_date, hazard.completion_note = completed, note
    hazard.funds_spent, hazard.assessment = spent, assessment
    return {"completed_date": completed.isoformat()}


def _recheck(hazard: Hazard, by, f: Inputs) -> None:
    opinion = f.text("recheck_opinion", "复查意见")
    day = f.date("recheck_date", "复查日期", required=False) or _today()
    if day > _today():
        f.fail("recheck_date", "复查日期不能晚于今天。")
    hazard.recheck_opinion, hazard.recheck_date = opinion, day
    hazard.rechecked_by = by
    hazard.recheck_unit = by.department.name if by.department else ""


def recheck_pass(hazard: Hazard, by, p: dict) -> dict:
    f = Inputs(p)
    _recheck(hazard, by, f)
    f.done()
    return {"passed": True}


def recheck_fail(hazard: Hazard, by, p: dict) -> dict:
    f = Inputs(p)
    _recheck(hazard, by, f)
    new = f.date("new_deadline", "新的整改期限")
    if new and new <= _today():
        f.fail("new_deadline", "新的整改期限应晚于今天。")
    f.done()
    hazard.current_deadline = new
    hazard.completed_date = None
    return {"passed": False, "new_deadline": new.isoformat()}


def basis_awaits_confirmation(hazard: Hazard, by) -> str | None:
    return None if hazard.basis_awaits_confirmation else "该隐患没有待确认的其他依据。"


def confirm_basis(hazard: Hazard, by, p: dict) -> dict:
    """The reviewer confirms the legal basis an inspector wrote out as 其他依据."""
    hazard.basis_confirmed_by, hazard.basis_confirmed_at = by, timezone.now()
    return {"other_basis": hazard.other_basis}


def basis_confirmed(hazard: Hazard, by) -> str | None:
    """A hazard citing 其他依据 is signed off only once a reviewer has confirmed that basis."""
    if hazard.basis_awaits_confirmation:
        return "该隐患的判定依据是“其他依据”，审核人员确认判定依据后才能销号。"
    return None


def sign_off(hazard: Hazard, by, p: dict) -> dict:
    hazard.closed_date = _today()
    hazard.closed_by = by
    return {}


def not_listed(hazard: Hazard, by) -> str | None:
    return "该隐患已挂牌督办。" if _active_supervision(hazard) else None


def list_supervision(hazard: Hazard, by, p: dict) -> dict:
    level = p.get("level")
    if level in SupervisionLevel.values and user_rank(by) < SUPERVISION_RANK[level]:
        raise ServiceError("不能以高于本级的级别挂牌督办。", field="level", kind=Kind.ROLE)
    f = Inputs(p)
    if level not in SupervisionLevel.values:
        f.fail("level", "请选择挂牌级别。")
    deadline = f.date("deadline", "督办期限")
    if deadline and deadline < _today():
        f.fail("deadline", "督办期限不能早于今天。")
    doc_no, unit = f.text("doc_no", "督办文号"), f.text("issuing_unit", "督办单位")
    signer = f.text("signer", "签发人", required=False)
    f.done()
    try:
        with transaction.atomic():  # the unique constraint settles a race between two listings
            supervision = Supervision.objects.create(
                hazard=hazard,
                level=level,
                doc_no=doc_no,
                issuing_unit=unit,
                signer=signer,
                deadline=deadline,
                listed_by=by,
            )
    except IntegrityError as exc:
        raise ServiceError(f"督办文号“{doc_no}”已被使用。", field="doc_no") from exc
    hazard.supervision_level = level
    return {"supervision": supervision.pk, "level": level, "doc_no": doc_no}


def listed_and_outranked(hazard: Hazard, by) -> str | None:
    supervision = _active_supervision(hazard)
    if supervision is None:
        return "该隐患没有挂牌督办。"
    if user_rank(by) < SUPERVISION_RANK[supervision.level]:
        return f"只有{supervision.get_level_display()}的挂牌单位或更高层级才能摘牌。"
    return None


def remove_supervision(hazard: Hazard, by, p: dict) -> dict:
    supervision = _active_supervision(hazard)
    supervision.removed_by, supervision.removed_at = by, timezone.now()
    supervision.save()
    hazard.supervision_level = ""
    return {"supervision": supervision.pk}


def record_dual_report(hazard: Hazard, by, p: dict) -> dict:
    regulator = _date(p, "reported_to_regulator", "向监管部门报告日期", required=False)
    workers = _date(p, "reported_to_workers", "向职工大会报告日期", required=False)
    if not regulator and not workers:
        raise ServiceError("请至少填写一个报告日期。", field="reported_to_regulator")
    for value, name in ((regulator, "reported_to_regulator"), (workers, "reported_to_workers")):
        if value and value > _today():
            raise ServiceError("报告日期不能晚于今天。", field=name)
    hazard.reported_to_regulator = regulator or hazard.reported_to_regulator
    hazard.reported_to_workers = workers or hazard.reported_to_workers
    return {k: v.isoformat() for k, v in (("regulator", regulator), ("workers", workers)) if v}


URGING_DOC_NO_MAX = 64


def record_urging(hazard: Hazard, by, p: dict) -> dict:
    f = Inputs(p)
    kind = p.get("urging_kind") or ""
    if kind not in UrgingKind.values:
        f.fail("urging_kind", "请选择督促方式：函告、通报、约谈或曝光。")
    day = f.date("urging_date", "督促日期", required=False) or _today()
    if day > _today():
        f.fail("urging_date", "督促日期不能晚于今天。")
    elif day < hazard.found_date:
        f.fail("urging_date", "督促日期不能早于隐患发现日期。")
    doc_no = f.text("urging_doc_no", "文号", required=False)
    if len(doc_no) > URGING_DOC_NO_MAX:
        f.fail("urging_doc_no", f"文号不能超过 {URGING_DOC_NO_MAX} 个字。")
    if not str(p.get("comment") or "").strip():
        f.fail("comment", "请填写督促内容，例如约谈对象和要求。")
    f.done()
    data = {"urging_kind": kind, "urging_date": day.isoformat()}
    if doc_no:
        data["urging_doc_no"] = doc_no
    return data

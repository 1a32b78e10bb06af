"""The enterprise side (企业端): what an enterprise account's home shows, the self-inspection
checklist, registering what it finds, progress reports with photos; and account requests.

Every write goes through the same services as the regulators' pages: hazards.services for
registration and photos, hazards.workflow for each step (the table names the enterprise role
where it may act). Nothing here decides who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts import users as user_admin
from accounts.choices import Role
from accounts.models import AccountRequest, AccountRequestStatus, User
from core.errors import Kind, ServiceError
from enterprises.credit_code import credit_code_error
from enterprises.models import Enterprise
from hazards import services as hazard_services
from hazards import workflow
from hazards.choices import Action, ExtensionStatus, HazardSource, HazardState, PhotoKind
from hazards.models import Clause, Hazard, HazardEvent

# What the enterprise does next, by state (the workflow decides whether it may).
NEXT_STEP = {
    HazardState.REGISTERED: "填写整改方案（五落实）并开始整改",
    HazardState.RECTIFYING: "报告整改进展；整改完成后上传整改后照片并申请销号",
    HazardState.AWAITING_RECHECK: "已申请销号，等待监管部门复查",
    HazardState.RECHECKED: "复查通过，等待监管部门销号",
    HazardState.CLOSED: "已销号，闭环完成",
}
STATE_ORDER = [
    HazardState.REGISTERED,
    HazardState.RECTIFYING,
    HazardState.AWAITING_RECHECK,
    HazardState.RECHECKED,
    HazardState.CLOSED,
]
CLOSED_SHOWN = 20


def enterprises_of(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.for_user(user).select_related("region", "sector").order_by("name")


def hazards_of(user) -> QuerySet[Hazard]:
    return Hazard.objects.for_user(user).select_related("enterprise", "sector", "clause__standard")


@dataclass
class StateGroup:
    state: str
    label: str
    next_step: str
    hazards: list
    total: int


def home_groups(user) -> list[StateGroup]:
    """The account's hazards by state, each state with what needs doing next; a hazard awaiting
    an extension decision or past its deadline says so."""
    groups = []
    pending = set(
        Hazard.objects.for_user(user)
        .filter(extensions__status=ExtensionStatus.PENDING)
        .values_list("pk", flat=True)
    )
    for state in STATE_ORDER:
        queryset = hazards_of(user).filter(state=state).order_by("current_deadline", "pk")
        if state == HazardState.CLOSED:
            queryset = queryset.order_by("-closed_date", "-pk")
        total = queryset.count()
        rows = list(queryset[:CLOSED_SHOWN] if state == HazardState.CLOSED else queryset)
        for hazard in rows:
            hazard.extension_pending = hazard.pk in pending
        groups.append(StateGroup(state, HazardState(state).label, NEXT_STEP[state], rows, total))
    return groups


def todo_count(groups: list[StateGroup]) -> int:
    """Hazards waiting for the enterprise itself (已登记, 整改中)."""
    return sum(
        g.total for g in groups if g.state in (HazardState.REGISTERED, HazardState.RECTIFYING)
    )


def checklist(enterprise: Enterprise, on: date | None = None) -> list[tuple[str, list[Clause]]]:
    """The self-inspection checklist: the judgment-standard clauses offered for the enterprise's
    sectors today (the same catalog the inspectors use), grouped by standard and category."""
    sectors = hazard_services.hazard_sectors(enterprise, enterprise.sector)
    clauses = hazard_services.clause_offer(sectors=sectors, on=on).order_by(
        "standard__code", "order"
    )
    groups: dict[str, list[Clause]] = {}
    for clause in clauses:
        title = str(clause.standard)
        if clause.sub_sector:
            title += f" · {clause.sub_sector}"
        groups.setdefault(title, []).append(clause)
    return list(groups.items())


def self_report(*, by, enterprise, photos=(), **fields) -> Hazard:
    """Register a hazard the enterprise found itself (source 企业自查上报)."""
    return hazard_services.hazard_register(
        by=by, enterprise=enterprise, source=HazardSource.SELF_REPORT, photos=photos, **fields
    )


def report_progress(*, by, hazard: Hazard, comment: str, photos=()) -> HazardEvent:
    """A progress report, with the photos of the work done so far, as one step: if a photo is
    refused, the report is not kept either."""
    with transaction.atomic():
        event = workflow.apply(hazard=hazard, action=Action.REPORT_PROGRESS, by=by, comment=comment)
        if photos:
            hazard_services.hazard_add_photos(
                hazard=hazard, by=by, kind=PhotoKind.AFTER, photos=list(photos)
            )
    return event


# ---------------------------------------------------------------- account requests

MAX_PENDING_PER_ENTERPRISE = 3


def request_submit(
    *, credit_code: str, contact_name: str, phone: str, username: str, password: str
) -> AccountRequest:
    """An enterprise asks for an account: its 统一社会信用代码 must be valid and in the county's
    enterprise registry; the password it sets is kept only as a hash until approval."""
    code = (credit_code or "").strip().upper()
    errors = {}
    if error := credit_code_error(code):
        errors["credit_code"] = error + "。"
    enterprise = None if errors else Enterprise.objects.filter(credit_code=code).first()
    if not errors and enterprise is None:
        errors["credit_code"] = (
            "企业名录中没有该统一社会信用代码的企业，请联系所在旗县（区）应急管理局登记企业信息。"
        )
    username = (username or "").strip()
    if not username:
        errors["username"] = "请填写用户名。"
    elif (
        User.objects.filter(username__iexact=username).exists()
        or AccountRequest.objects.filter(
            username__iexact=username, status=AccountRequestStatus.PENDING
        ).exists()
    ):
        errors["username"] = "该用户名已被使用，请换一个。"
    if not (contact_name or "").strip():
        errors["contact_name"] = "请填写联系人姓名。"
    if not (phone or "").strip():
        errors["phone"] = "请填写联系人手机号码。"
    try:
        validate_password(password or "", User(username=username))
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if (
        enterprise is not None
        and AccountRequest.objects.filter(
            enterprise=enterprise, status=AccountRequestStatus.PENDING
        ).count()
        >= MAX_PENDING_PER_ENTERPRISE
    ):
        errors["credit_code"] = "该企业已有多份待审核的申请，请等待旗县（区）审核后再申请。"
    if errors:
        raise ServiceError(next(iter(errors.values())), fields=errors)
    try:
        with transaction.atomic():
            return AccountRequest.objects.create(
                credit_code=code,
                enterprise=enterprise,
                contact_name=contact_name.strip()[:32],
                phone=phone.strip()[:20],
                username=username[:150],
                password=make_password(password),
            )
    except IntegrityError as exc:
        raise ServiceError("该用户名已被使用，请换一个。", field="username") from exc


def requests_for(by) -> QuerySet[AccountRequest]:
    """The requests an administrator decides: those of enterprises of its territory."""
    if not user_admin.can_manage_users(by):
        return AccountRequest.objects.none()
    return AccountRequest.objects.for_user(by).select_related(
        "enterprise__region", "decided_by", "account"
    )


def _pending_request(by, pk: int) -> AccountRequest:
    if not user_admin.can_manage_users(by):
        raise ServiceError("只有管理员可以审核企业账号申请。", kind=Kind.ROLE)
    request = requests_for(by).select_for_update(of=("self",)).filter(pk=pk).first()
    if request is None:
        raise ServiceError("未找到该申请。", kind=Kind.SCOPE)
    if not request.is_pending:
        raise ServiceError(f"该申请已{request.get_status_display()}。", kind=Kind.STATE)
    return request


@transaction.atomic
def request_approve(*, by, pk: int) -> User:
    """Approve: an enterprise account holding the enterprise is created with the password the
    enterprise set; the account belongs to the enterprise's region for user management."""
    request = _pending_request(by, pk)
    if User.objects.filter(username__iexact=request.username).exists():
        raise ServiceError(
            f"用户名 {request.username} 已被使用，请不予批准并请企业换一个用户名重新申请。",
            kind=Kind.STATE,
        )
    user = User(
        username=request.username,
        name=request.contact_name,
        role=Role.ENTERPRISE,
        region=request.enterprise.region,
        phone=request.phone,
        password=request.password,
    )
    user.save()
    user.enterprises.set([request.enterprise])
    request.status = AccountRequestStatus.APPROVED
    request.decided_by, request.decided_at = by, timezone.now()
    request.account = user
    request.save()
    return user


@transaction.atomic
def request_reject(*, by, pk: int, reason: str) -> AccountRequest:
    request = _pending_request(by, pk)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写不予批准的理由。", field="reason")
    request.status = AccountRequestStatus.REJECTED
    request.decided_by, request.decided_at = by, timezone.now()
    request.reason = reason
    request.save()
    return request

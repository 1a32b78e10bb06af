"""用户管理: administrators manage the accounts of their territory in the app.

A superuser manages everyone; an administrator with a region (a county's own admin) manages the
users of that region and below, and may not create superusers or staff of the Django admin.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from core.errors import Kind, ServiceError, full_clean
from core.models import Department, Region

from .choices import Role
from .models import User

EDITABLE = ("name", "role", "region", "department", "phone", "certificate_no")


def can_manage_users(by) -> bool:
    return by.is_authenticated and by.is_active and (by.is_superuser or by.role == Role.ADMIN)


def manageable_users(by) -> QuerySet[User]:
    """The users this administrator manages (nobody's for anyone else)."""
    if not can_manage_users(by):
        return User.objects.none()
    if by.is_superuser:
        return User.objects.all()
    if by.region is None:
        return User.objects.none()
    return User.objects.filter(region__code__startswith=by.region.prefix, is_superuser=False)


def manageable_regions(by) -> QuerySet[Region]:
    if not can_manage_users(by):
        return Region.objects.none()
    if by.is_superuser:
        return Region.objects.all()
    if by.region is None:
        return Region.objects.none()
    return Region.objects.filter(code__startswith=by.region.prefix)


def manageable_departments(by) -> QuerySet[Department]:
    regions = manageable_regions(by)
    return Department.objects.filter(region__in=regions).select_related("region")


def manageable_enterprises(by) -> QuerySet:
    """The enterprises an administrator may give an enterprise account: those of its territory
    (the enterprise model is reached through the field, accounts sits below enterprises)."""
    model = User._meta.get_field("enterprises").related_model
    if not can_manage_users(by):
        return model.objects.none()
    return model.objects.for_user(by)


def _check_enterprises(by, role: str, enterprises) -> list:
    """An enterprise account holds one or more enterprises of the administrator's territory;
    no other account holds any."""
    enterprises = list(enterprises or [])
    if role != Role.ENTERPRISE:
        if enterprises:
            raise ServiceError("只有企业用户才能关联企业。", field="enterprises")
        return []
    if not enterprises:
        raise ServiceError("企业用户必须关联至少一家企业。", field="enterprises")
    allowed = set(
        manageable_enterprises(by)
        .filter(pk__in=[e.pk for e in enterprises])
        .values_list("pk", flat=True)
    )
    outside = [e.name for e in enterprises if e.pk not in allowed]
    if outside:
        raise ServiceError(f"企业不在您的管理范围内：{'、'.join(outside)}。", field="enterprises")
    return enterprises


def _check_manager(by) -> None:
    if not can_manage_users(by):
        raise ServiceError("只有管理员可以管理用户。", kind=Kind.ROLE)


def _check_target(by, user: User) -> None:
    if user.pk and not manageable_users(by).filter(pk=user.pk).exists():
        raise ServiceError("未找到该用户。", kind=Kind.SCOPE)


def user_save(by, *, user: User | None = None, password: str = "", **fields) -> User:
    """Create (with a password) or change a user; region and department must be the
    administrator's to give, and go together (User.clean)."""
    _check_manager(by)
    creating = user is None
    user = user or User(username=(fields.pop("username", "") or "").strip())
    _check_target(by, user)
    errors = {}
    region, department = fields.get("region"), fields.get("department")
    if region is not None and not manageable_regions(by).filter(pk=region.pk).exists():
        errors["region"] = "该地区不在您的管理范围内。"
    if department is not None and not manageable_departments(by).filter(pk=department.pk).exists():
        errors["department"] = "该部门不在您的管理范围内。"
    if not by.is_superuser and region is None:
        errors["region"] = "请选择所属地区。"
    if errors:
        raise ServiceError(next(iter(errors.values())), fields=errors)
    role = fields.get("role", user.role)
    enterprises = None
    if "enterprises" in fields or role == Role.ENTERPRISE:
        held = list(user.enterprises.all()) if user.pk else []
        enterprises = _check_enterprises(by, role, fields.get("enterprises", held))
        if role == Role.ENTERPRISE and fields.get("department") is not None:
            raise ServiceError("企业用户不属于任何部门。", field="department")
    for name in EDITABLE:
        if name in fields:
            setattr(user, name, fields[name])
    if creating:
        _check_password(user, password)
        user.set_password(password)
    with transaction.atomic():
        full_clean(user)
        user.save()
        if enterprises is not None:
            user.enterprises.set(enterprises)
    return user


def _check_password(user: User, password: str) -> None:
    if not password:
        raise ServiceError("请设置初始密码。", field="password")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="password") from exc


def user_set_password(by, *, user: User, password: str) -> User:
    """An administrator resets a forgotten password; the user's sessions end with it."""
    _check_manager(by)
    _check_target(by, user)
    _check_password(user, password)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def user_set_active(by, *, user: User, active: bool) -> User:
    """停用 keeps the account and its history but stops its sign-in; 启用 brings it back."""
    _check_manager(by)
    _check_target(by, user)
    if user.pk == by.pk and not active:
        raise ServiceError("不能停用自己的账号。", kind=Kind.STATE)
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


def user_search(queryset: QuerySet[User], text: str) -> QuerySet[User]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(username__icontains=text)
        | Q(name__icontains=text)
        | Q(phone__icontains=text)
        | Q(department__name__icontains=text)
    )

"""Audit-log receivers for events that Django and django-axes announce themselves: sign-ins,
failed sign-ins, lock-outs and changes made in the admin. They only record; no rule lives here."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import AuditKind, audit_record

_ADMIN_ACTIONS = {ADDITION: "新增", CHANGE: "修改", DELETION: "删除"}


def _failure_reason(username: str) -> str:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return "用户不存在"
    if not user.is_active:
        return "账号已停用"
    return "密码错误或已被锁定"


@receiver(user_logged_in, dispatch_uid="core.audit.login")
def _login(sender, request, user, **kwargs):
    audit_record(AuditKind.LOGIN, "登录成功", user=user, request=request)


@receiver(user_login_failed, dispatch_uid="core.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    reason = _failure_reason(username)
    audit_record(
        AuditKind.LOGIN_FAILED,
        f"登录失败：{reason}",
        username=username,
        request=request,
        reason=reason,
    )


@receiver(user_locked_out, dispatch_uid="core.audit.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        AuditKind.LOCKED_OUT,
        "连续登录失败，已临时锁定",
        username=str(username or "")[:150],
        request=request,
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="core.audit.admin")
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    action = _ADMIN_ACTIONS.get(instance.action_flag, "操作")
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.verbose_name if model is not None else "对象"
    audit_record(
        AuditKind.ADMIN_CHANGE,
        f"后台{action}{label}",
        user=instance.user,
        target=f"{label} #{instance.object_id} {instance.object_repr}",
        change=instance.get_change_message(),
    )

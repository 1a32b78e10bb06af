"""The audit log: an append-only record of sign-ins (and failed ones), exports, imports,
enforcement documents issued and voided, refused requests and changes made in the admin.

Rows are only ever inserted: on PostgreSQL a trigger refuses UPDATE and DELETE, and the admin
offers no change or delete. `audit_record` is the one way in.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

log = logging.getLogger(__name__)


class AuditKind(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "登录锁定"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    DOCUMENT_ISSUE = "document_issue", "出具文书"
    DOCUMENT_VOID = "document_void", "作废文书"
    DOCUMENT_DOWNLOAD = "document_download", "下载文书"
    REFUSAL = "refusal", "拒绝访问"
    ADMIN_CHANGE = "admin_change", "后台修改"
    TIPOFF_IDENTITY = "tipoff_identity", "查看举报人信息"


class AuditEntry(models.Model):
    """One audited event. The user name and address are copied: they stay readable after the
    account changes."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("类型", max_length=24, choices=AuditKind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        # Never updated or cascaded: the row keeps the id even if the account goes.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    # The region of the object (a document's visit) or else of the actor: a county's
    # administrator reads the rows of that county; rows without a region only a superuser.
    region = models.ForeignKey(
        "core.Region",
        verbose_name="地区",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    summary = models.CharField("事项", max_length=255)
    target = models.CharField("对象", max_length=255, blank=True)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def get_absolute_url(self) -> str:
        return reverse("core:audit_list") + f"?q={self.pk}"


def audit_record(
    kind: str,
    summary: str,
    *,
    user=None,
    username: str = "",
    request=None,
    target: str = "",
    region=None,
    **details,
) -> AuditEntry:
    """Append one entry. `request` supplies the address (core.clientip) and, when `user` is
    not given, the signed-in user; without it the address is that of the request being served,
    if any (a background job has none). `region` (a Region or its code) is the object's region;
    by default the user's."""
    from core.clientip import client_address

    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if candidate is not None and candidate.is_authenticated else None
    request = request if request is not None else current_request()
    address = client_address(request) if request is not None else ""
    if region is None and user is not None:
        region = getattr(user, "region_id", None)
    return AuditEntry.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or getattr(user, "username", "") or "")[:150],
        region_id=getattr(region, "pk", region) or None,
        address=address or None,
        summary=summary[:255],
        target=str(target)[:255],
        details={k: v for k, v in details.items() if v is not None},
    )


def current_request():
    """The request this thread is serving, as recorded by simple_history's middleware (which
    every request passes); None outside a request."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def audit_entries_for(user):
    """The audit rows a user may read: a superuser all of them; an administrator (role or admin
    site access) with a region those of that region and below; anyone else None (refused)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser:
        return AuditEntry.objects.all()
    administrator = user.is_staff or getattr(user, "is_administrator", False)
    if not administrator or user.region is None:
        return None
    return AuditEntry.objects.filter(region__code__startswith=user.region.prefix)

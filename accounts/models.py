"""The custom user: a role, a region (territory) and an optional sector department."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse

from core.models import Department, Region, ScopedQuerySet

from .choices import Role

# Roles that act for a department (inspect, review): they must belong to one.
FIELD_ROLES = frozenset({Role.INSPECTOR, Role.REVIEWER})


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    """`User.objects.for_user(user)`: the people of the user's region subtree (any department),
    e.g. the inspectors one may name on a visit."""


class User(AbstractUser):
    """A person who signs in. What they see is their region subtree ∩ their department's sectors."""

    name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.INSPECTOR)
    region = models.ForeignKey(
        Region,
        verbose_name="所属地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="用户可以查看该地区及其下级地区的数据。超级管理员可留空（全部地区）。",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="行业部门用户只能查看本部门监管的行业领域；应急管理局、安委办可查看全部行业。",
    )
    phone = models.CharField("手机号码", max_length=20, blank=True)
    certificate_no = models.CharField(
        "执法证号",
        max_length=32,
        blank=True,
        help_text="行政执法证件号码，印在执法文书的执法人员签名处。",
    )

    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        blank=True,
        related_name="accounts",
        help_text="企业用户只能查看和办理这些企业的事项（集团企业可关联多家）。",
    )

    objects = ScopedUserManager()
    scope_region_path = "region"
    scope_sector_paths: tuple[str, ...] = ()

    class Meta:
        ordering = ["username"]
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @property
    def scope_region(self) -> Region | None:
        return self.region

    @property
    def is_administrator(self) -> bool:
        """An administrator in the app (a superuser, or the 管理员 role of a territory)."""
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_enterprise_account(self) -> bool:
        return self.role == Role.ENTERPRISE and not self.is_superuser

    @cached_property
    def scope_enterprise_ids(self) -> list[int] | None:
        """None for staff (scoped by territory); for an enterprise account, the ids of the
        enterprises it holds (empty: it sees nothing)."""
        if not self.is_enterprise_account:
            return None
        return list(self.enterprises.values_list("pk", flat=True))

    @cached_property
    def scope_sector_ids(self) -> list[int] | None:
        """None means every sector; otherwise the ids of the sectors this user may see."""
        if self.department is None or self.department.sees_all_sectors:
            return None
        return self.department.sector_ids()

    def clean(self) -> None:
        """A department belongs to one region: its users are of that region or below it (a
        杭锦旗 inspector cannot join 鄂托克旗应急管理局). Field staff belong to a department."""
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.department_id and self.region_id:
            unit = self.department.region
            if not self.region.code.startswith(unit.prefix):
                errors["department"] = (
                    f"{self.department.name}属于{unit.name}，不能分配给{self.region.name}的用户。"
                )
        if self.department_id and not self.region_id:
            errors["region"] = "请选择所属地区。"
        if self.role in FIELD_ROLES and not self.department_id and not self.is_superuser:
            errors["department"] = f"{Role(self.role).label}必须属于一个部门。"
        if errors:
            raise ValidationError(errors)

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or self.role in roles


class AccountRequestStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class AccountRequest(models.Model):
    """An enterprise asks for an account with its 统一社会信用代码; the county approves it (an
    enterprise account holding that enterprise is created) or rejects it with a reason."""

    credit_code = models.CharField("统一社会信用代码", max_length=18)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="account_requests",
    )
    contact_name = models.CharField("联系人", max_length=32)
    phone = models.CharField("手机号码", max_length=20)
    username = models.CharField("申请的用户名", max_length=150)
    password = models.CharField("密码（摘要）", max_length=128)
    status = models.CharField(
        "审核状态",
        max_length=16,
        choices=AccountRequestStatus.choices,
        default=AccountRequestStatus.PENDING,
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.TextField("不予批准的理由", blank=True)
    account = models.ForeignKey(
        User,
        verbose_name="开通的账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The county's administrators see the requests of enterprises of their territory.
    objects = ScopedQuerySet.as_manager()
    scope_region_path = "enterprise__region"
    scope_sector_paths = ("enterprise__sector",)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "企业账号申请"
        verbose_name_plural = "企业账号申请"
        constraints = [
            models.UniqueConstraint(
                fields=["username"],
                condition=models.Q(status="pending"),
                name="account_request_one_pending_username",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.contact_name}"

    def get_absolute_url(self) -> str:
        return reverse("account_requests:request_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == AccountRequestStatus.PENDING

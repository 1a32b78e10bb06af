"""The enterprise registry (生产经营单位名录库)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import Department, Region, ScopedQuerySet, Sector, TimeStampedModel

from .choices import (
    RISK_BADGES,
    STATUS_BADGES,
    EnterpriseStatus,
    ImportStatus,
    RiskGrade,
    Scale,
    StandardizationLevel,
)
from .credit_code import PATTERN, validate_credit_code
from .phones import validate_phone


class Enterprise(TimeStampedModel):
    """A 生产经营单位, identified by its 统一社会信用代码. Closed, never deleted."""

    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField("企业名称", max_length=128)
    address = models.CharField("地址", max_length=255, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT)
    sector = models.ForeignKey(
        Sector, verbose_name="行业领域", on_delete=models.PROTECT, related_name="enterprises"
    )
    other_sectors = models.ManyToManyField(
        Sector, verbose_name="其他行业领域", blank=True, related_name="+"
    )
    scale = models.CharField("规模", max_length=8, choices=Scale.choices, default=Scale.BELOW)
    principal = models.CharField("主要负责人", max_length=32, blank=True)
    principal_phone = models.CharField(
        "主要负责人电话", max_length=20, blank=True, validators=[validate_phone]
    )
    safety_manager = models.CharField("安全管理负责人", max_length=32, blank=True)
    safety_manager_phone = models.CharField(
        "安全管理负责人电话", max_length=20, blank=True, validators=[validate_phone]
    )
    department = models.ForeignKey(
        Department, verbose_name="监管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    risk_grade = models.CharField(
        "风险等级", max_length=8, choices=RiskGrade.choices, default=RiskGrade.BLUE
    )
    standardization_level = models.CharField(
        "标准化等级",
        max_length=8,
        choices=StandardizationLevel.choices,
        default=StandardizationLevel.NONE,
    )
    key_supervision = models.BooleanField("重点监管", default=False)
    status = models.CharField(
        "经营状态",
        max_length=16,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"],
        verbose_name="生产经营单位变更历史",
        verbose_name_plural="生产经营单位变更历史",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths = ("sector", "other_sectors")
    scope_enterprise_path = "pk"

    class Meta:
        ordering = ["region", "name"]
        verbose_name = "生产经营单位"
        verbose_name_plural = "生产经营单位"
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=PATTERN), name="enterprise_credit_code_format"
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["sector", "region"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    @property
    def risk_badge(self) -> str:
        return RISK_BADGES.get(self.risk_grade, "secondary")

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "secondary")


class EnterpriseImportQuerySet(ScopedQuerySet):
    def for_user(self, user) -> ScopedQuerySet:
        """A batch is its uploader's alone: nobody else sees, previews or commits it."""
        qs = super().for_user(user)
        return qs.filter(uploaded_by=user) if user is not None and user.is_authenticated else qs


class EnterpriseImport(TimeStampedModel):
    """One uploaded 名录库 spreadsheet: validated rows kept until the user commits them."""

    file_name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name="导入范围", null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        "状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    row_count = models.PositiveIntegerField("数据行数", default=0)
    rows = models.JSONField("校验后的数据", default=list, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    skipped = models.JSONField("跳过的行", default=list, blank=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    created_count = models.PositiveIntegerField("新增企业数", default=0)

    objects = EnterpriseImportQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths: tuple[str, ...] = ()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "企业名录导入"
        verbose_name_plural = "企业名录导入"

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:import_detail", args=[self.pk])

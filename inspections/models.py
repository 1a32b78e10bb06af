"""Inspections (执法检查): plans, 双随机 draws, visit records with checklists, enforcement documents.

One module although it is long: the models are one chain (plan → draw → drawn target → visit →
checklist, findings, documents), each mostly fields, and read best side by side."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.choices import RegionLevel
from core.models import Department, Region, ScopedQuerySet, Sector, TimeStampedModel
from enterprises.models import Enterprise
from hazards.choices import LEVEL_BADGES, HazardLevel

from .choices import (
    RESULT_BADGES,
    STATUS_BADGES,
    CheckResult,
    DocumentType,
    InspectionMethod,
    InspectionStatus,
    PlanPeriod,
)

GOVERNMENT = "人民政府"


def is_government(name: str) -> bool:
    """A people's government, never a department (not an 应急管理局 of any level)."""
    return name.endswith(GOVERNMENT) and "应急管理" not in name


def people_government(region: Region) -> str:
    """The people's government of a region's level: 鄂托克前旗人民政府, 鄂尔多斯市人民政府,
    呼和浩特市新城区人民政府 (a 区 is named with its city). A town has no departments that
    enforce: its county's government."""
    while region.level == RegionLevel.TOWN and region.parent_id:
        region = region.parent
    name = region.name
    if region.level == RegionLevel.COUNTY and name.endswith("区") and region.parent_id:
        name = region.parent.name + name
    return name + GOVERNMENT


class IssuingUnit(models.Model):
    """How a department signs its enforcement documents: full name and 文号 abbreviation."""

    department = models.OneToOneField(
        Department, verbose_name="部门", on_delete=models.CASCADE, related_name="issuing_unit"
    )
    short_name = models.CharField(
        "发文字号简称",
        max_length=16,
        help_text="文号前缀，例如“鄂前应急”：鄂前应急责改〔2026〕15号。",
    )
    full_name = models.CharField(
        "文书抬头", max_length=64, blank=True, help_text="留空则使用部门名称。"
    )
    address = models.CharField("机关地址", max_length=128, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    reconsideration_body = models.CharField(
        "行政复议机关",
        max_length=64,
        blank=True,
        help_text="留空则为部门所在地区的人民政府（行政复议法第二十四条），例如“鄂托克前旗人民政府”；"
        "只有复议机关不是本级人民政府时（如开发区派出机关的部门）才需要填写。",
    )
    court = models.CharField("管辖人民法院", max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "department__region"
    scope_sector_paths: tuple[str, ...] = ()

    class Meta:
        ordering = ["department"]
        verbose_name = "发文单位"
        verbose_name_plural = "发文单位"

    def __str__(self) -> str:
        return f"{self.title}（{self.short_name}）"

    def get_absolute_url(self) -> str:
        return reverse("admin:inspections_issuingunit_change", args=[self.pk])

    @property
    def title(self) -> str:
        return self.full_name or self.department.name

    def clean(self) -> None:
        body = self.reconsideration_body.strip()
        if body and not is_government(body):
            raise ValidationError(
                {
                    "reconsideration_body": "行政复议机关应为人民政府（行政复议法第二十四条），"
                    f"例如“{people_government(self.department.region)}”；留空则自动按部门所在地区填写。"
                }
            )

    @property
    def reconsideration_authority(self) -> str:
        """Where the documents tell the enterprise to apply for 行政复议: the people's
        government of the department's own level (行政复议法 2023, 第二十四条), or the stored
        body when it names a people's government (a department of a 派出机关)."""
        body = self.reconsideration_body.strip()
        return body if is_government(body) else people_government(self.department.region)


class InspectionPlan(TimeStampedModel):
    """A yearly or monthly 执法检查计划 of one department for a region."""

    name = models.CharField("计划名称", max_length=128)
    period = models.CharField(
        "计划类型", max_length=8, choices=PlanPeriod.choices, default=PlanPeriod.YEAR
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)
    region = models.ForeignKey(Region, verbose_name="检查地区", on_delete=models.PROTECT)
    department = models.ForeignKey(Department, verbose_name="执法部门", on_delete=models.PROTECT)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name="检查对象", blank=True, related_name="inspection_plans"
    )
    random_share_required = models.PositiveSmallIntegerField(
        "随机抽查比例要求（%）",
        default=70,
        help_text="检查对象中通过双随机抽取的比例不低于该值。",
    )
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths: tuple[str, ...] = ()
    scope_department_path = "department"

    class Meta:
        ordering = ["-year", "-month", "-pk"]
        verbose_name = "执法检查计划"
        verbose_name_plural = "执法检查计划"
        constraints = [
            models.CheckConstraint(
                condition=Q(period=PlanPeriod.YEAR, month__isnull=True)
                | Q(period=PlanPeriod.MONTH, month__gte=1, month__lte=12),
                name="plan_month_matches_period",
            ),
            models.CheckConstraint(
                condition=Q(random_share_required__lte=100), name="plan_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:plan_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年度"


class RandomDraw(TimeStampedModel):
    """One 双随机 draw: the filters, the seed, the pools as they were, and the result.

    `draw_verify` re-runs the algorithm named by `algorithm` on the stored seed and pools and
    compares with the stored result; `fingerprint` (published on the public page) covers both.
    """

    public_id = models.UUIDField("公开编号", default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        InspectionPlan, verbose_name="执法检查计划", on_delete=models.PROTECT, related_name="draws"
    )
    region = models.ForeignKey(Region, verbose_name="抽取地区", on_delete=models.PROTECT)
    department = models.ForeignKey(Department, verbose_name="执法部门", on_delete=models.PROTECT)
    # Filters of the enterprise pool (名录库).
    sector = models.ForeignKey(
        Sector, verbose_name="行业领域", null=True, blank=True, on_delete=models.PROTECT
    )
    risk_grades = models.JSONField("风险等级", default=list, blank=True)
    key_supervision_only = models.BooleanField("仅重点监管企业", default=False)
    exclude_days = models.PositiveSmallIntegerField(
        "排除近期已检查（天）",
        default=0,
        help_text="排除最近多少天内已被检查过的企业；0 为不排除。",
    )
    count = models.PositiveSmallIntegerField("抽取企业数")
    inspectors_per_target = models.PositiveSmallIntegerField("每家企业执法人员数", default=2)
    # What makes it reproducible.
    seed = models.BigIntegerField("随机种子")
    algorithm = models.CharField("算法版本", max_length=16)
    enterprise_pool = models.JSONField("企业库（抽取时，按编号排序）", default=list)
    inspector_pool = models.JSONField("执法人员库（抽取时，按编号排序）", default=list)
    exclusions = models.JSONField(
        "回避与轮换排除", default=dict, blank=True, help_text="企业编号 → 不得抽取的执法人员编号。"
    )
    result = models.JSONField("抽取结果", default=list)
    fingerprint = models.CharField("结果指纹（SHA-256）", max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_verified_at = models.DateTimeField("最近核验时间", null=True, blank=True)
    last_verified_ok = models.BooleanField("最近核验结果", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths: tuple[str, ...] = ()
    scope_department_path = "department"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "双随机抽取"
        verbose_name_plural = "双随机抽取"

    def __str__(self) -> str:
        return f"{self.plan.name} 第{self.pk}次抽取"

    def get_absolute_url(self) -> str:
        return reverse("inspections:draw_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("inspections:draw_public", args=[self.public_id])


class DrawTarget(models.Model):
    """One drawn enterprise and the inspectors drawn for it."""

    draw = models.ForeignKey(
        RandomDraw, verbose_name="抽取", on_delete=models.CASCADE, related_name="targets"
    )
    order = models.PositiveSmallIntegerField("顺序")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="检查对象", on_delete=models.PROTECT, related_name="draw_targets"
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="执法人员", related_name="draw_targets"
    )

    class Meta:
        ordering = ["draw", "order"]
        verbose_name = "抽取结果"
        verbose_name_plural = "抽取结果"
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="draw_target_unique"),
            models.UniqueConstraint(fields=["draw", "order"], name="draw_target_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.enterprise}"

    def get_absolute_url(self) -> str:
        return self.draw.get_absolute_url() + f"#target-{self.pk}"


class ConflictOfInterest(models.Model):
    """An inspector's declared conflict with an enterprise (回避): never drawn for it."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="执法人员",
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.CharField("回避原因", max_length=128)
    declared_at = models.DateTimeField("申报时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "enterprise__region"
    scope_sector_paths = ("enterprise__sector",)

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = "利益冲突回避"
        verbose_name_plural = "利益冲突回避"
        constraints = [
            models.UniqueConstraint(fields=["inspector", "enterprise"], name="conflict_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:conflict_list")


class Inspection(TimeStampedModel):
    """A visit and its 现场检查记录. Findings become hazards when the inspector commits them."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="被检查单位", on_delete=models.PROTECT, related_name="inspections"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属地区", on_delete=models.PROTECT, related_name="+"
    )
    sector = models.ForeignKey(
        Sector, verbose_name="行业领域", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name="执法部门", on_delete=models.PROTECT, related_name="inspections"
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name="执法检查计划",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    draw_target = models.ForeignKey(
        DrawTarget,
        verbose_name="双随机抽取结果",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    date = models.DateField("检查日期")
    start_time = models.TimeField("开始时间", null=True, blank=True)
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("检查场所", max_length=128)
    method = models.CharField("检查方式", max_length=16, choices=InspectionMethod.choices)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="检查人员", related_name="inspections"
    )
    representative = models.CharField("企业现场负责人", max_length=32, blank=True)
    representative_title = models.CharField("职务", max_length=32, blank=True)
    situation = models.TextField("检查情况", blank=True)
    unchecked_count = models.PositiveSmallIntegerField("未检查项数", default=0)
    unchecked_reason = models.TextField(
        "未检查项目说明",
        blank=True,
        help_text="提交时检查表仍有未检查项目的原因，打印在现场检查记录上。",
    )
    measures = models.TextField("现场处理措施", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.SCHEDULED
    )
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths = ("sector",)
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "现场检查"
        verbose_name_plural = "现场检查"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=models.F("start_time")),
                name="inspection_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["date"]), models.Index(fields=["enterprise", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_done(self) -> bool:
        return self.status == InspectionStatus.DONE


class ChecklistItem(models.Model):
    """The result of one clause of the enterprise's sector standard at one visit."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="现场检查", on_delete=models.CASCADE, related_name="checklist"
    )
    clause = models.ForeignKey(
        "hazards.Clause", verbose_name="检查条款", on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField("检查结果", max_length=8, choices=CheckResult.choices)
    remark = models.CharField("备注", max_length=255, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField("检查时间", auto_now=True)

    class Meta:
        ordering = ["inspection", "clause__standard", "clause__order"]
        verbose_name = "检查表条目"
        verbose_name_plural = "检查表条目"
        constraints = [
            models.UniqueConstraint(fields=["inspection", "clause"], name="checklist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.clause.ref} {self.get_result_display()}"

    def get_absolute_url(self) -> str:
        return self.inspection.get_absolute_url() + f"#clause-{self.clause_id}"

    @property
    def badge(self) -> str:
        return RESULT_BADGES.get(self.result, "secondary")


class Finding(models.Model):
    """A problem found at a visit (a failed clause or a free-text finding) → one hazard."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="现场检查", on_delete=models.CASCADE, related_name="findings"
    )
    checklist_item = models.OneToOneField(
        ChecklistItem,
        verbose_name="检查表条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="finding",
    )
    level = models.CharField("隐患级别", max_length=16, choices=HazardLevel.choices)
    clause = models.ForeignKey(
        "hazards.Clause",
        verbose_name="判定依据",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField("隐患地点/部位", max_length=128)
    description = models.TextField("问题描述")
    deadline = models.DateField("整改期限")
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name="登记的隐患",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finding",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["inspection", "created_at", "pk"]
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"

    def __str__(self) -> str:
        return self.description[:30]

    def get_absolute_url(self) -> str:
        return self.inspection.get_absolute_url() + f"#finding-{self.pk}"

    @property
    def level_badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "secondary")

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR


def _document_path(document: EnforcementDocument, filename: str) -> str:
    safe = document.number.replace("〔", "-").replace("〕", "-").replace("号", "")
    return f"documents/{document.year}/{document.issuer}/{safe}.pdf"


class EnforcementDocument(models.Model):
    """An issued, numbered document. The PDF is rendered once; its SHA-256 proves it unchanged."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="现场检查", on_delete=models.PROTECT, related_name="documents"
    )
    type = models.CharField("文书类型", max_length=16, choices=DocumentType.choices)
    issuer = models.CharField("发文字号简称", max_length=16)
    kind = models.CharField("文书代字", max_length=8)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=64, unique=True)
    pdf = models.FileField("PDF", upload_to=_document_path)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    pages = models.PositiveSmallIntegerField("页数", default=1)
    data = models.JSONField("文书内容", default=dict, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="制作人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("制作时间", auto_now_add=True)
    round = models.PositiveSmallIntegerField(
        "复查轮次",
        default=0,
        help_text="整改复查意见书载明第几次复查的结果；其他文书为 0。",
    )
    # 作废: the document stays in the register with its 文号, marked void.
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField("作废原因", max_length=255, blank=True)
    # 签收: the enterprise acknowledges receipt; the regulator sees when and by whom.
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "inspection__region"
    scope_sector_paths = ("inspection__sector",)
    # A document of a visit to the enterprise is addressed to it.
    scope_enterprise_path = "inspection__enterprise"

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = "执法文书"
        verbose_name_plural = "执法文书"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year", "sequence"], name="document_number_unique"
            ),
            # One live document per type per visit (per re-check round for 整改复查意见书).
            models.UniqueConstraint(
                fields=["inspection", "type", "round"],
                condition=Q(voided_at__isnull=True),
                name="document_one_live_per_type",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="document_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:document_download", args=[self.pk])

    @property
    def file_name(self) -> str:
        void = "（已作废）" if self.is_void else ""
        return f"{self.get_type_display()}（{self.number}）{void}.pdf"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

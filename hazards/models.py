"""Hazards (隐患), the judgment standards they cite, and every step of their closed loop."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import Region, ScopedQuerySet, Sector, TimeStampedModel
from enterprises.models import Enterprise

from .choices import (
    LEVEL_BADGES,
    OPEN_STATES,
    RECTIFIED_STATES,
    STATE_BADGES,
    ExtensionStatus,
    HazardLevel,
    HazardSource,
    HazardState,
    PhotoKind,
    Stoppage,
    SupervisionLevel,
)


class JudgmentStandard(models.Model):
    """A published 重大事故隐患判定标准 (e.g. 工贸 应急管理部令第10号)."""

    code = models.SlugField("代码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=128)
    doc_no = models.CharField("文号", max_length=64, blank=True)
    issuer = models.CharField("发布机关", max_length=64, blank=True)
    sector_label = models.CharField("适用行业", max_length=32, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name="适用行业领域", blank=True)
    published = models.DateField("发布日期", null=True, blank=True)
    effective = models.DateField("施行日期", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="被替代为",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    complete = models.BooleanField("条款完整", default=True)
    notes = models.TextField("说明", blank=True)
    source = models.TextField("来源", blank=True)

    class Meta:
        ordering = ["sector_label", "-effective", "code"]
        verbose_name = "重大事故隐患判定标准"
        verbose_name_plural = "重大事故隐患判定标准"

    def __str__(self) -> str:
        return f"{self.name}（{self.doc_no}）" if self.doc_no else self.name

    def get_absolute_url(self) -> str:
        return reverse("hazards:standard_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        if self.effective and self.effective > today:
            return False
        return self.superseded_by is None or not self.superseded_by.is_current


class Clause(models.Model):
    """One item of a standard; a 重大 hazard cites exactly one as its 判定依据."""

    standard = models.ForeignKey(
        JudgmentStandard, verbose_name="判定标准", on_delete=models.PROTECT, related_name="clauses"
    )
    ref = models.CharField("条款", max_length=64)
    article = models.PositiveSmallIntegerField("条", null=True, blank=True)
    item = models.PositiveSmallIntegerField("项", null=True, blank=True)
    sub_sector = models.CharField("类别", max_length=255, blank=True)
    text = models.TextField("内容")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["standard", "order"]
        verbose_name = "判定条款"
        verbose_name_plural = "判定条款"
        constraints = [
            models.UniqueConstraint(fields=["standard", "ref"], name="clause_unique_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.doc_no or self.standard.name} {self.ref}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:standard_detail", args=[self.standard_id]) + f"#clause-{self.pk}"

    @property
    def citation(self) -> str:
        """How a ledger or document cites it: 《name》（doc_no）ref：text."""
        return f"《{self.standard.name}》{self.ref}：{self.text}"


class HazardSequence(models.Model):
    """The last number issued per county and year; locked while a number is taken (no gaps)."""

    county_code = models.CharField("县级区划代码", max_length=6)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        ordering = ["county_code", "year"]
        verbose_name = "隐患编号序列"
        verbose_name_plural = "隐患编号序列"
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="hazard_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_list")


def found_by_regulator_q() -> Q:
    """Found by the regulators (执法检查、督导、暗访、举报核查…), not self-reported by the enterprise."""
    return ~Q(source=HazardSource.SELF_REPORT)


def urged_q(on) -> Q:
    """督促整改到位 on a day: rectified (待复查、已复查、已销号), or under an approved extension
    whose new deadline has not passed."""
    approved = ExtensionRequest.objects.filter(
        hazard=OuterRef("pk"), status=ExtensionStatus.APPROVED
    )
    return Q(state__in=RECTIFIED_STATES) | (Q(Exists(approved)) & Q(current_deadline__gte=on))


class HazardQuerySet(ScopedQuerySet):
    def open(self) -> HazardQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def found_by_regulator(self) -> HazardQuerySet:
        return self.filter(found_by_regulator_q())

    def urged(self, on=None) -> HazardQuerySet:
        return self.filter(urged_q(on or timezone.localdate()))

    def not_urged(self, on=None) -> HazardQuerySet:
        return self.exclude(urged_q(on or timezone.localdate()))

    def overdue(self, on=None) -> HazardQuerySet:
        """Open and past the current deadline (an approved extension moves that deadline)."""
        return self.open().filter(current_deadline__lt=on or timezone.localdate())

    def not_overdue(self, on=None) -> HazardQuerySet:
        on = on or timezone.localdate()
        return self.exclude(Q(state__in=OPEN_STATES) & Q(current_deadline__lt=on))

    def with_is_overdue(self, on=None) -> HazardQuerySet:
        on = on or timezone.localdate()
        return self.annotate(
            is_overdue=models.ExpressionWrapper(
                Q(state__in=OPEN_STATES) & Q(current_deadline__lt=on),
                output_field=models.BooleanField(),
            )
        )


class Hazard(TimeStampedModel):
    """One hazard, from registration to sign-off. Changes of state go through hazards.workflow."""

    number = models.CharField("隐患编号", max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="生产经营单位", on_delete=models.PROTECT, related_name="hazards"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="所属地区",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="登记时企业所在地区，用于数据范围和统计。",
    )
    sector = models.ForeignKey(
        Sector, verbose_name="行业领域", on_delete=models.PROTECT, related_name="hazards"
    )
    level = models.CharField("隐患级别", max_length=16, choices=HazardLevel.choices)
    clause = models.ForeignKey(
        Clause,
        verbose_name="判定依据",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    source = models.CharField(
        "隐患来源", max_length=16, choices=HazardSource.choices, default=HazardSource.INSPECTION
    )
    place = models.CharField("隐患地点/部位", max_length=128)
    description = models.TextField("隐患描述")
    found_date = models.DateField("发现日期")
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发现人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField("整改期限")
    current_deadline = models.DateField(
        "当前整改期限", help_text="批准延期或复查不通过后的新期限；逾期以此判断。"
    )
    state = models.CharField(
        "整改状态", max_length=20, choices=HazardState.choices, default=HazardState.REGISTERED
    )
    stoppage = models.CharField(
        "停产停业", max_length=16, choices=Stoppage.choices, default=Stoppage.NONE
    )
    # 整改方案 (五落实 for 重大 hazards)
    measures = models.TextField("整改措施", blank=True)
    responsible_person = models.CharField("整改责任人", max_length=64, blank=True)
    funds = models.DecimalField(
        "整改资金（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    plan_deadline = models.DateField("方案整改时限", null=True, blank=True)
    emergency_plan = models.TextField("安全措施和应急预案", blank=True)
    # 整改完成 (evidence)
    completed_date = models.DateField("整改完成日期", null=True, blank=True)
    completion_note = models.TextField("整改完成情况", blank=True)
    funds_spent = models.DecimalField(
        "实际投入资金（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    assessment = models.TextField("评估意见", blank=True)
    # 复查 and 销号
    recheck_unit = models.CharField("复查单位", max_length=64, blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recheck_date = models.DateField("复查日期", null=True, blank=True)
    recheck_opinion = models.TextField("复查意见", blank=True)
    closed_date = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 双报告 (安全生产法 第四十一条)
    reported_to_regulator = models.DateField("向负有监管职责部门报告日期", null=True, blank=True)
    reported_to_workers = models.DateField(
        "向职工大会或职工代表大会报告日期", null=True, blank=True
    )
    supervision_level = models.CharField(
        "挂牌级别",
        max_length=16,
        choices=SupervisionLevel.choices,
        blank=True,
        help_text="当前有效的挂牌督办级别，摘牌后清空。",
    )
    supervisor_unit = models.CharField("监管责任单位", max_length=64, blank=True)
    supervisor_person = models.CharField("监管责任人", max_length=32, blank=True)
    remarks = models.TextField("备注", blank=True)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
        verbose_name="来源检查",
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = HazardQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths = ("sector",)

    class Meta:
        ordering = ["-found_date", "-number"]
        verbose_name = "事故隐患"
        verbose_name_plural = "事故隐患"
        constraints = [
            models.CheckConstraint(
                condition=~Q(level=HazardLevel.MAJOR) | Q(clause__isnull=False),
                name="hazard_major_cites_clause",
            ),
            models.CheckConstraint(
                condition=Q(current_deadline__gte=models.F("found_date")),
                name="hazard_deadline_after_found",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "current_deadline"]),
            models.Index(fields=["region", "state"]),
            models.Index(fields=["found_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.current_deadline < timezone.localdate()

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.current_deadline).days if self.overdue else 0

    @property
    def state_badge(self) -> str:
        return STATE_BADGES.get(self.state, "secondary")

    @property
    def level_badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "secondary")


class HazardEvent(models.Model):
    """One workflow step: who did what, when, from which state to which, and why."""

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=32)
    from_state = models.CharField("原状态", max_length=20, choices=HazardState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=HazardState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", default=timezone.now)
    comment = models.TextField("说明", blank=True)
    data = models.JSONField("详细信息", default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "隐患处理记录"
        verbose_name_plural = "隐患处理记录"
        indexes = [models.Index(fields=["hazard", "created_at"])]

    def __str__(self) -> str:
        return f"{self.hazard.number} {self.action_label}"

    def get_absolute_url(self) -> str:
        return self.hazard.get_absolute_url() + f"#event-{self.pk}"

    @property
    def action_label(self) -> str:
        from .choices import Action

        try:
            return Action(self.action).label
        except ValueError:
            return self.action


def _photo_path(photo: HazardPhoto, filename: str) -> str:
    return f"hazards/{photo.hazard.number}/{photo.kind}-{timezone.now():%Y%m%d%H%M%S%f}.{photo.extension}"


def _thumb_path(photo: HazardPhoto, filename: str) -> str:
    return f"hazards/{photo.hazard.number}/thumbs/{photo.kind}-{timezone.now():%Y%m%d%H%M%S%f}.jpg"


class HazardPhoto(models.Model):
    """A photo before or after rectification, served only to users whose scope covers it."""

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="photos"
    )
    event = models.ForeignKey(
        HazardEvent,
        verbose_name="所属记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    kind = models.CharField("类型", max_length=8, choices=PhotoKind.choices)
    image = models.FileField("照片", upload_to=_photo_path)
    thumbnail = models.FileField("缩略图", upload_to=_thumb_path)
    extension = models.CharField("格式", max_length=8)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "隐患照片"
        verbose_name_plural = "隐患照片"

    def __str__(self) -> str:
        return f"{self.hazard.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:photo", args=[self.pk])


class ExtensionRequest(models.Model):
    """A request to move the deadline, filed before it inside the working-day window."""

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    reason = models.TextField("延期理由")
    interim_measures = models.TextField("临时管控措施")
    old_deadline = models.DateField("原整改期限")
    requested_deadline = models.DateField("申请延期至")
    status = models.CharField(
        "审批状态", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    approved_deadline = models.DateField("批准延期至", null=True, blank=True)
    decision_comment = models.TextField("审批意见", blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending_per_hazard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hazard.number} 延期至 {self.requested_deadline}"

    def get_absolute_url(self) -> str:
        return self.hazard.get_absolute_url() + "#extensions"


class Supervision(models.Model):
    """挂牌督办: a level lists a 重大 hazard; only that level or higher de-lists it after sign-off."""

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="supervisions"
    )
    level = models.CharField("挂牌级别", max_length=16, choices=SupervisionLevel.choices)
    doc_no = models.CharField("督办文号", max_length=64)
    issuing_unit = models.CharField("督办单位", max_length=64)
    signer = models.CharField("签发人", max_length=32, blank=True)
    deadline = models.DateField("督办期限")
    report_interval_days = models.PositiveSmallIntegerField("进展报告周期（天）", default=90)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="挂牌人", on_delete=models.PROTECT, related_name="+"
    )
    listed_at = models.DateTimeField("挂牌时间", default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="摘牌人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField("摘牌时间", null=True, blank=True)

    class Meta:
        ordering = ["-listed_at"]
        verbose_name = "挂牌督办"
        verbose_name_plural = "挂牌督办"
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(removed_at__isnull=True),
                name="supervision_one_active_per_hazard",
            ),
            models.UniqueConstraint(
                fields=["issuing_unit", "doc_no"], name="supervision_unique_doc_no"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_no} {self.hazard.number}"

    def get_absolute_url(self) -> str:
        return self.hazard.get_absolute_url() + "#supervision"

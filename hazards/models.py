"""Hazards (隐患), the judgment standards they cite, and every step of their closed loop.

One module, though past 600 lines: the models refer to each other (a hazard cites a clause,
its events, extensions, supervisions and photos point back to it), and the whole closed loop
reads in one place."""

from __future__ import annotations

from datetime import date

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
    NOT_RECTIFIED_STATES,
    OPEN_STATES,
    RECTIFIED_STATES,
    STATE_BADGES,
    BasisKind,
    ExtensionStatus,
    HazardLevel,
    HazardSource,
    HazardState,
    PhotoKind,
    StandardStatus,
    Stoppage,
    SupervisionLevel,
)


class JudgmentStandard(models.Model):
    """A published 重大事故隐患判定标准 (e.g. 工贸 应急管理部令第10号).

    It is in force from `effective` (unknown: since always) until `ends`. A successor that is
    loaded (`superseded_by`) replaces it from then on; one that is only known by name
    (`successor_note`) is not in the catalog yet, so the old standard stays usable, with a
    warning, until an admin loads the new one.
    """

    code = models.SlugField("代码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=128)
    doc_no = models.CharField("文号", max_length=64, blank=True)
    issuer = models.CharField("发布机关", max_length=64, blank=True)
    sector_label = models.CharField("适用行业", max_length=32, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name="适用行业领域", blank=True)
    published = models.DateField("发布日期", null=True, blank=True)
    effective = models.DateField("施行日期", null=True, blank=True)
    ends = models.DateField(
        "废止日期",
        null=True,
        blank=True,
        help_text="自该日起不再适用（通常是替代标准的施行日期）。",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="被替代为",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    successor_note = models.TextField(
        "替代标准",
        blank=True,
        help_text="取代本标准的新标准（名称、文号），新标准尚未录入时填写。",
    )
    supersedes_note = models.TextField("替代的旧标准", blank=True)
    status_note = models.TextField("状态说明", blank=True)
    complete = models.BooleanField("条款完整", default=True)
    missing = models.TextField("缺少的部分", blank=True)
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
    def successor_label(self) -> str:
        """How the successor is named in a warning: its 文号, e.g. AQ 3067—2026."""
        if self.superseded_by_id:
            return self.superseded_by.doc_no or self.superseded_by.name
        return self.successor_note.split("《")[0].strip() or self.successor_note

    def status_on(self, day) -> str:
        """StandardStatus of this standard on a day."""
        if self.effective and self.effective > day:
            return StandardStatus.NOT_YET
        if self.superseded_by_id and (self.ends is None or self.ends <= day):
            return StandardStatus.REPLACED
        if self.ends and self.ends <= day:
            return StandardStatus.ENDED
        return StandardStatus.IN_FORCE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return StandardStatus(self.status).label

    @property
    def is_current(self) -> bool:
        return self.status in (StandardStatus.IN_FORCE, StandardStatus.ENDED)

    def warning_on(self, day) -> str:
        """What a form or a hazard says when this standard is cited for a day, or ''."""
        status = self.status_on(day)
        if status == StandardStatus.ENDED:
            return f"已被 {self.successor_label} 取代，新准则尚未录入"
        if status == StandardStatus.REPLACED:
            return f"已被 {self.successor_label} 取代"
        if status == StandardStatus.NOT_YET:
            return f"{self.effective:%Y-%m-%d} 起施行"
        return ""


class Clause(models.Model):
    """One item of a standard; a 重大 hazard cites exactly one as its 判定依据."""

    standard = models.ForeignKey(
        JudgmentStandard, verbose_name="判定标准", on_delete=models.PROTECT, related_name="clauses"
    )
    ref = models.CharField("条款", max_length=64)
    article = models.PositiveSmallIntegerField("条", null=True, blank=True)
    item = models.PositiveSmallIntegerField("项", null=True, blank=True)
    sub_sector = models.CharField("类别", max_length=255, blank=True)
    applies_to = models.ForeignKey(
        Sector,
        verbose_name="适用细分行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="只适用于该细分行业（或标有该专项的企业）；空为适用于标准的全部行业。",
    )
    lead_in = models.TextField("条文引语", blank=True, help_text="本条的适用范围或前提。")
    text = models.TextField("内容")
    order = models.PositiveIntegerField("排序", default=0)
    retired = models.BooleanField(
        "已停用", default=False, help_text="重新导入的标准不再包含该条款，但已有隐患引用它。"
    )

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
    other_basis = models.TextField(
        "其他依据",
        blank=True,
        help_text="判定标准未录入或不完整时，写明认定为重大事故隐患的法律依据（法规、标准及条款）。",
    )
    basis_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="依据确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis_confirmed_at = models.DateTimeField("依据确认时间", null=True, blank=True)
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

    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"],
        verbose_name="事故隐患变更历史",
        verbose_name_plural="事故隐患变更历史",
    )
    objects = HazardQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths = ("sector",)
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["-found_date", "-number"]
        verbose_name = "事故隐患"
        verbose_name_plural = "事故隐患"
        constraints = [
            models.CheckConstraint(
                condition=~Q(level=HazardLevel.MAJOR)
                | Q(clause__isnull=False)
                | ~Q(other_basis=""),
                name="hazard_major_cites_basis",
            ),
            models.CheckConstraint(
                condition=Q(clause__isnull=True) | Q(other_basis=""),
                name="hazard_one_basis",
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
        return self.overdue_days > 0

    @property
    def overdue_days(self) -> int:
        return self.overdue_days_on(timezone.localdate())

    def overdue_days_on(self, today: date) -> int:
        """Days past the deadline in force while still open (逾期); 0 when not overdue."""
        days = (today - self.current_deadline).days
        return days if self.is_open and days > 0 else 0

    @property
    def overdue_label(self) -> str:
        return self.overdue_label_on(timezone.localdate())

    def overdue_label_on(self, today: date) -> str:
        """逾期未整改 while not yet rectified; once rectified but not signed off, 逾期未销号."""
        days = self.overdue_days_on(today)
        if not days:
            return ""
        words = "逾期未整改" if self.state in NOT_RECTIFIED_STATES else "逾期未销号"
        return f"{words} {days} 天"

    @property
    def state_badge(self) -> str:
        return STATE_BADGES.get(self.state, "secondary")

    @property
    def basis_kind(self) -> str:
        """BasisKind of the hazard's 判定依据, or '' when it cites none."""
        if self.clause_id:
            return BasisKind.CLAUSE
        return BasisKind.OTHER if self.other_basis else ""

    @property
    def basis_awaits_confirmation(self) -> bool:
        return bool(self.other_basis) and self.basis_confirmed_at is None

    @property
    def clause_warning(self) -> str:
        """The warning on a cited standard that was replaced by the found date, or ''."""
        if not self.clause_id:
            return ""
        return self.clause.standard.warning_on(self.found_date)

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

    # Scoped through the hazard: what may see the hazard may see this.
    objects = ScopedQuerySet.as_manager()
    scope_region_path = "hazard__region"
    scope_sector_paths = ("hazard__sector",)
    scope_enterprise_path = "hazard__enterprise"

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
    # Evidence read from the original's EXIF; the stored file itself carries no EXIF.
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    # Scoped through the hazard: what may see the hazard may see this.
    objects = ScopedQuerySet.as_manager()
    scope_region_path = "hazard__region"
    scope_sector_paths = ("hazard__sector",)
    scope_enterprise_path = "hazard__enterprise"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "隐患照片"
        verbose_name_plural = "隐患照片"

    def __str__(self) -> str:
        return f"{self.hazard.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:photo", args=[self.pk])

    @property
    def evidence(self) -> str:
        """拍摄时间 …，位置 … as the photo's EXIF gave them, for regulators."""
        taken = (
            timezone.localtime(self.taken_at).strftime("%Y-%m-%d %H:%M")
            if self.taken_at
            else "未记录"
        )
        if self.latitude is None or self.longitude is None:
            place = "未记录"
        else:
            north = "北纬" if self.latitude >= 0 else "南纬"
            east = "东经" if self.longitude >= 0 else "西经"
            place = f"{north} {abs(self.latitude)}° {east} {abs(self.longitude)}°"
        return f"拍摄时间 {taken}，位置 {place}"


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

    # Scoped through the hazard: what may see the hazard may see this.
    objects = ScopedQuerySet.as_manager()
    scope_region_path = "hazard__region"
    scope_sector_paths = ("hazard__sector",)
    scope_enterprise_path = "hazard__enterprise"

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


def _minutes_path(report: WorkersReport, filename: str) -> str:
    return (
        f"hazards/{report.hazard.number}/minutes-{timezone.now():%Y%m%d%H%M%S%f}.{report.extension}"
    )


class WorkersReport(models.Model):
    """双报告 to the workers' congress (职工大会或职工代表大会): the day the enterprise reported the
    hazard, and the minutes of that meeting as a file. Served only to users whose scope covers
    the hazard."""

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="workers_reports"
    )
    reported_on = models.DateField("报告日期")
    minutes = models.FileField("会议记录", upload_to=_minutes_path)
    file_name = models.CharField("原文件名", max_length=255)
    extension = models.CharField("格式", max_length=8)
    size = models.PositiveIntegerField("大小（字节）")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["reported_on", "pk"]
        verbose_name = "向职工大会报告"
        verbose_name_plural = "向职工大会报告"

    def __str__(self) -> str:
        return f"{self.hazard.number} 向职工大会报告 {self.reported_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:workers_minutes", args=[self.hazard_id, self.pk])

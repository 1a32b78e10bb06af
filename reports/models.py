"""Notices (督办), in-app notifications, monthly progress reports and ledger imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.models import Region, ScopedQuerySet, TimeStampedModel
from enterprises.models import Enterprise
from hazards.choices import HazardState
from hazards.models import Hazard

from .choices import EDITABLE_REPORT_STATES, Channel, ImportStatus, NoticeStep, ReportState


class NoticeQuerySet(ScopedQuerySet):
    def sent(self) -> NoticeQuerySet:
        """The notices actually issued: without the steps a catch-up passed over."""
        return self.filter(skipped=False)


class Notice(models.Model):
    """One step of the reminder/escalation ladder for one hazard and one deadline.

    Unique per (hazard, step, deadline): a job run twice, or catching up after an outage,
    cannot send a step twice; a new deadline (extension, failed re-check) starts a new ladder.
    A catch-up issues only the highest step due (补发); the lower steps it passed over are kept
    as skipped rows, never sent, so no later run sends them either.
    """

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="notices"
    )
    step = models.CharField("环节", max_length=32, choices=NoticeStep.choices)
    deadline = models.DateField("对应整改期限")
    due_date = models.DateField("应发日期")
    issued_on = models.DateField("发文日期")
    catch_up = models.BooleanField(
        "补发", default=False, db_default=False, help_text="晚于应发日期发出。"
    )
    skipped = models.BooleanField(
        "未发出",
        default=False,
        db_default=False,
        help_text="停运后补发时已由更高一级的通知取代，不再发出。",
    )
    hazard_state = models.CharField(
        "发文时整改状态",
        max_length=20,
        choices=HazardState.choices,
        blank=True,
        db_default="",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    number = models.CharField("文号", max_length=64, blank=True)
    issuer = models.CharField("发文单位", max_length=64, blank=True)
    addressees = models.JSONField("送达对象", default=list, blank=True)
    body = models.TextField("内容", blank=True)
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

    objects = NoticeQuerySet.as_manager()
    scope_region_path = "hazard__region"
    scope_sector_paths = ("hazard__sector",)
    scope_enterprise_path = "hazard__enterprise"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "督办通知"
        verbose_name_plural = "督办通知"
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "step", "deadline"], name="notice_once_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.hazard.number}"

    def get_absolute_url(self) -> str:
        return reverse("notices:notice_detail", args=[self.pk])

    @property
    def addressed_to_enterprise(self) -> bool:
        """Served on the enterprise itself, which acknowledges receipt (签收)."""
        from .notices.steps import ENTERPRISE_STEPS

        return self.step in ENTERPRISE_STEPS


class Notification(models.Model):
    """An in-app message for one user (the bell)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    notice = models.ForeignKey(
        Notice,
        verbose_name="督办通知",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField("标题", max_length=128)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=255, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url or reverse("notices:notification_list")


class Delivery(models.Model):
    """One message to send or sent through one channel (in-app, e-mail, SMS), for audit.

    An outbox: e-mail and SMS rows are written pending in the notice's own transaction, and a
    sender sends what is pending (reports.notices.delivery), so a crash between the commit and
    the sending loses nothing. A retry after a failure is a new row.
    """

    notice = models.ForeignKey(
        Notice, verbose_name="督办通知", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    recipient = models.CharField("接收方", max_length=128)
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    pending = models.BooleanField("待发送", default=False)
    ok = models.BooleanField("成功", default=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        indexes = [
            models.Index(
                fields=["pending"], condition=models.Q(pending=True), name="delivery_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return self.notice.get_absolute_url()


class MonthlyReport(TimeStampedModel):
    """A frozen monthly progress snapshot of one county or city, filed upward before the 28th."""

    region = models.ForeignKey(
        Region, verbose_name="填报地区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    as_of = models.DateField("统计截止日期")
    due_date = models.DateField("报送截止日期")
    state = models.CharField(
        "状态", max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    figures = models.JSONField("统计数据", default=dict)
    built_at = models.DateTimeField("生成时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        "首次报送时间", null=True, blank=True, help_text="是否逾期按首次报送时间判断。"
    )
    # What the filer writes before submitting: the narrative, the enforcement figures the
    # system does not record, and the signature block.
    work_done = models.TextField("工作开展情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    entered = models.JSONField("填报数据", default=dict, blank=True)
    filled_by = models.CharField("填表人", max_length=32, blank=True)
    reviewed_by = models.CharField("审核人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    missing_reason = models.TextField(
        "未报送县区说明", blank=True, help_text="市级报告在有县（市、区）未报送时报送，须说明原因。"
    )
    return_reason = models.TextField("退回原因", blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    stale = models.BooleanField(
        "待更新", default=False, help_text="市级报告报送后又有县（市、区）报送或更正。"
    )
    stale_changes = models.JSONField("待更新内容", default=list, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths: tuple[str, ...] = ()
    # Figures of every sector: not for a sector department (which sees only its own sectors).
    scope_all_sectors = True

    class Meta:
        ordering = ["-year", "-month", "region"]
        verbose_name = "月度进展报告"
        verbose_name_plural = "月度进展报告"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "month"], name="report_once_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="report_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.year}年{self.month}月进展报告"

    def get_absolute_url(self) -> str:
        return reverse("monthly:report_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_REPORT_STATES


def _version_path(version: MonthlyReportVersion, filename: str) -> str:
    report = version.report
    return (
        f"documents/reports/{report.year}/{report.region_id}/"
        f"{report.year}-{report.month:02d}-v{version.number}.{filename.rsplit('.', 1)[-1]}"
    )


class MonthlyReportVersion(models.Model):
    """One filing of a monthly report, frozen: its figures, texts and the rendered PDF and Excel.

    The first filing is version 1; each correction adds the next number. The latest version is
    the one a city rolls up; earlier ones stay downloadable as they were filed.
    """

    report = models.ForeignKey(
        MonthlyReport, verbose_name="月度报告", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("版本")
    figures = models.JSONField("统计数据")
    texts = models.JSONField("文字与签署", default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    pdf = models.FileField("PDF", upload_to=_version_path)
    xlsx = models.FileField("Excel", upload_to=_version_path)
    return_reason = models.TextField("退回原因", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = "月度报告报送版本"
        verbose_name_plural = "月度报告报送版本"
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report}（第{self.number}版）"

    def get_absolute_url(self) -> str:
        return reverse("monthly:version_pdf", args=[self.report_id, self.number])

    @property
    def label(self) -> str:
        return "首次报送" if self.number == 1 else f"更正（第{self.number}版）"


class LedgerImport(TimeStampedModel):
    """One uploaded hazard ledger: validated rows kept until the user commits them."""

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
    new_enterprises = models.JSONField("待新建企业", default=list, blank=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    created_count = models.PositiveIntegerField("新增隐患数", default=0)
    existing_count = models.PositiveIntegerField(
        "已有隐患数", default=0, help_text="文件中已是系统中隐患的行：导入时不新增也不修改。"
    )
    source = models.JSONField(
        "原始表格",
        default=dict,
        blank=True,
        help_text="表头所在行、表头和各行原始内容，修改列对应时重新校验。",
    )
    columns = models.JSONField(
        "列对应", default=list, blank=True, help_text="文件每一列对应的字段。"
    )
    notes = models.JSONField(
        "读取说明", default=list, blank=True, help_text="跳过的标题、合计和表尾行等。"
    )
    numbers = models.JSONField(
        "预留编号",
        default=dict,
        blank=True,
        help_text="确认导入时为本文件预留的隐患编号段（县-年度: [起, 止]），中断后再次导入时沿用。",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths: tuple[str, ...] = ()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "隐患台账导入"
        verbose_name_plural = "隐患台账导入"

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("ledger:import_detail", args=[self.pk])


class SelfCheckSummary(models.Model):
    """An enterprise's monthly self-inspection summary (企业隐患自查月报), filed by the due day of the
    following month and signed by its 主要负责人. One per enterprise and month; filing again
    corrects it. "本月未发现重大事故隐患" is an explicit declaration, never inferred from zeros."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="selfcheck_summaries",
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    principal = models.CharField("主要负责人（签字）", max_length=32)
    found_count = models.PositiveIntegerField("自查发现隐患数")
    rectified_count = models.PositiveIntegerField("已整改隐患数")
    major_count = models.PositiveIntegerField("其中重大事故隐患数", default=0)
    no_major_declared = models.BooleanField("本月未发现重大事故隐患", default=False)
    note = models.TextField("说明", blank=True)
    # Empty only for summaries loaded without an account (the demo without its enterprise user).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField("报送时间")
    due_date = models.DateField("报送截止日期")

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "enterprise__region"
    scope_sector_paths = ("enterprise__sector",)
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["-year", "-month", "enterprise__name"]
        verbose_name = "企业隐患自查月报"
        verbose_name_plural = "企业隐患自查月报"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "month"], name="selfcheck_once_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="selfcheck_month_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(rectified_count__lte=models.F("found_count"))
                & models.Q(major_count__lte=models.F("found_count")),
                name="selfcheck_counts_consistent",
            ),
            # The declaration and a count of major hazards exclude each other.
            models.CheckConstraint(
                condition=models.Q(no_major_declared=False, major_count__gt=0)
                | models.Q(no_major_declared=True, major_count=0),
                name="selfcheck_declaration_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.year}年{self.month}月自查月报"

    def get_absolute_url(self) -> str:
        return reverse("selfcheck:summary_list") + f"#summary-{self.pk}"

    @property
    def is_late(self) -> bool:
        return timezone.localdate(self.filed_at) > self.due_date

"""Public reports (群众举报): what a citizen saw, where, with photos; triaged by county staff.

The reporter's phone number (when given) is the one personal datum: it is shown only to staff
handling the report, and every showing is written to the audit log (services.tipoff_identity).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.models import Department, Region, ScopedQuerySet, Sector, TimeStampedModel
from enterprises.models import Enterprise
from hazards.models import Hazard

from .choices import STATE_BADGES, TipoffAction, TipoffState


class Tipoff(TimeStampedModel):
    """One public report. Its state changes only through tipoffs.workflow."""

    code = models.CharField("查询码", max_length=16, unique=True, editable=False)
    region = models.ForeignKey(
        Region, verbose_name="所在地区", on_delete=models.PROTECT, related_name="+"
    )
    what = models.TextField("举报内容")
    where = models.CharField("企业名称或地址", max_length=200)
    phone = models.CharField("举报人电话", max_length=32, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=TipoffState.choices, default=TipoffState.NEW
    )
    state_changed_at = models.DateTimeField("状态日期", default=timezone.now)
    reject_reason = models.TextField("不予受理理由", blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="被举报单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tipoffs",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name="行业领域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="转办部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tipoffs",
    )
    hazard = models.OneToOneField(
        Hazard,
        verbose_name="查实登记的隐患",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tipoff",
    )
    finding = models.TextField("核查情况", blank=True)
    reward_amount = models.DecimalField(
        "奖励金额（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    reward_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="奖励登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reward_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="奖励审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reward_approved_at = models.DateTimeField("奖励审批时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    # Reports not yet transferred have no sector: only staff who see every sector (应急, 安委办)
    # see them; a transferred report is seen by the department supervising its sector.
    scope_sector_paths = ("sector",)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "群众举报"
        verbose_name_plural = "群众举报"
        constraints = [
            models.CheckConstraint(
                condition=Q(reward_approved_by__isnull=True)
                | ~Q(reward_approved_by=F("reward_recorded_by")),
                name="tipoff_reward_approver_not_recorder",
            ),
            models.CheckConstraint(
                condition=~Q(state=TipoffState.VERIFIED) | Q(hazard__isnull=False),
                name="tipoff_verified_has_hazard",
            ),
        ]

    def __str__(self) -> str:
        return f"举报 {self.created_at:%Y-%m-%d} {self.where[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("tipoffs:tipoff_detail", args=[self.pk])

    @property
    def anonymous(self) -> bool:
        return not self.phone

    @property
    def state_badge(self) -> str:
        return STATE_BADGES.get(self.state, "secondary")

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATES

        return self.state in OPEN_STATES


class TipoffEvent(models.Model):
    """One step of a report's handling: who, when, from which state to which."""

    tipoff = models.ForeignKey(
        Tipoff, verbose_name="举报", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=16, choices=TipoffAction.choices)
    from_state = models.CharField("原状态", max_length=16, blank=True)
    to_state = models.CharField("新状态", max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "举报处理记录"
        verbose_name_plural = "举报处理记录"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.tipoff.get_absolute_url()


def _photo_path(photo: TipoffPhoto, filename: str) -> str:
    return f"tipoffs/{photo.tipoff.code}/{timezone.now():%Y%m%d%H%M%S%f}.{photo.extension}"


def _thumb_path(photo: TipoffPhoto, filename: str) -> str:
    return f"tipoffs/{photo.tipoff.code}/thumbs/{timezone.now():%Y%m%d%H%M%S%f}.jpg"


class TipoffPhoto(models.Model):
    """A photo sent with a report: checked and stripped of EXIF like a hazard photo."""

    tipoff = models.ForeignKey(
        Tipoff, verbose_name="举报", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField("照片", upload_to=_photo_path)
    thumbnail = models.FileField("缩略图", upload_to=_thumb_path)
    extension = models.CharField("格式", max_length=8)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "举报照片"
        verbose_name_plural = "举报照片"

    def __str__(self) -> str:
        return f"{self.tipoff} 照片"

    def get_absolute_url(self) -> str:
        return reverse("tipoffs:photo", args=[self.pk])

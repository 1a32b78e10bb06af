"""Reference data (regions, sectors, departments) and the scoping every query starts from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from .choices import ALL_SECTOR_KINDS, SIGNIFICANT_DIGITS, DepartmentKind, RegionLevel
from .scoping import effective_scope


class TimeStampedModel(models.Model):
    """Abstract base with creation and modification times."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see.

    A model declares `scope_region_path` (path to its Region foreign key) and
    `scope_sector_paths` (paths to Sector foreign keys or many-to-many fields), and may declare
    `scope_department_path` (path to the Department that owns the row, for rows without a
    sector: plans, draws; "self" for departments). A model with `scope_all_sectors = True` sums up
    every sector (the monthly report): a sector department does not see it. The user's territory is a region subtree (code prefix); a sector
    department adds a sector filter, and sees only rows of departments of its own kind.
    An enterprise account has no territory: it sees rows of its own enterprises, through
    `scope_enterprise_path` ("pk" for Enterprise), and nothing of a model that does not declare it.
    """

    def for_user(self, user) -> ScopedQuerySet:
        scope = effective_scope(user)
        if scope is None:
            return self.none()
        if scope.enterprise_ids is not None:
            return self._for_enterprises(scope.enterprise_ids)
        qs = self
        if scope.region_prefix is not None:
            path = self.model.scope_region_path
            lookup = "pk__startswith" if path == "pk" else f"{path}__code__startswith"
            qs = qs.filter(**{lookup: scope.region_prefix})
        if scope.sector_ids is not None and getattr(self.model, "scope_all_sectors", False):
            return self.none()
        if scope.sector_ids is not None and self.model.scope_sector_paths:
            qs = qs.filter(self._sector_condition(list(scope.sector_ids)))
        department_path = getattr(self.model, "scope_department_path", None)
        if scope.department_kind is not None and department_path:
            lookup = "kind" if department_path == "self" else f"{department_path}__kind"
            qs = qs.filter(**{lookup: scope.department_kind})
        return qs

    def _for_enterprises(self, enterprise_ids) -> ScopedQuerySet:
        """An enterprise account sees rows of its own enterprises, and only of models that
        declare `scope_enterprise_path` ("pk" for the enterprise itself); nothing else."""
        path = getattr(self.model, "scope_enterprise_path", None)
        if path is None:
            return self.none()
        lookup = "pk__in" if path == "pk" else f"{path}__in"
        return self.filter(**{lookup: list(enterprise_ids)})

    def _sector_condition(self, sector_ids: list[int]) -> Q:
        condition = Q(pk__in=[])
        for path in self.model.scope_sector_paths:
            field = None if "__" in path else self.model._meta.get_field(path)
            if field is not None and field.many_to_many:
                through = field.remote_field.through
                source = field.m2m_field_name()
                target = field.m2m_reverse_field_name()
                condition |= Q(
                    Exists(
                        through.objects.filter(
                            **{source: OuterRef("pk"), f"{target}__in": sector_ids}
                        )
                    )
                )
            else:
                condition |= Q(**{f"{path}__in": sector_ids})
        return condition


class Region(models.Model):
    """An administrative region (GB/T 2260; 9-digit 统计用区划代码 for towns)."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)
    abbreviation = models.CharField(
        "简称",
        max_length=8,
        blank=True,
        help_text="发文字号中的地区简称，例如鄂托克前旗为“鄂前”：鄂前安办督〔2026〕3号。"
        "不填时用全称。",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "pk"
    scope_sector_paths: tuple[str, ...] = ()

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_list") + f"?region={self.code}"

    @property
    def prefix(self) -> str:
        """The significant leading digits shared by every code in this region's subtree."""
        return self.code[: SIGNIFICANT_DIGITS[self.level]]

    def subtree(self) -> models.QuerySet[Region]:
        return Region.objects.filter(code__startswith=self.prefix)

    @property
    def document_prefix(self) -> str:
        """What a 文号 issued in this region's name starts with: its abbreviation, or its name."""
        return self.abbreviation or self.name[:16]

    @property
    def full_name(self) -> str:
        """鄂尔多斯市鄂托克前旗上海庙镇: the names from the city down (one query per level, so
        kept per process like other reference data: core.reference_cache)."""
        from . import reference_cache

        return reference_cache.cache().get_or_set(f"region-full-name:{self.code}", self._full_name)

    def _full_name(self) -> str:
        names, node = [], self
        while node is not None and node.level != RegionLevel.PROVINCE:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names)) or self.name


class SectorQuerySet(models.QuerySet):
    def for_user(self, user) -> SectorQuerySet:
        """The sectors the user's department supervises (every sector for 应急 and 安委办)."""
        scope = effective_scope(user)
        if scope is None:
            return self.none()
        if scope.enterprise_ids is not None:
            return self.filter(enterprises__in=list(scope.enterprise_ids)).distinct()
        return self if scope.sector_ids is None else self.filter(pk__in=scope.sector_ids)


class Sector(models.Model):
    """A 行业领域, supervised by one kind of department (三管三必须)."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    supervisor_kind = models.CharField(
        "行业监管部门", max_length=32, choices=DepartmentKind.choices
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = SectorQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "行业领域"
        verbose_name_plural = "行业领域"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_list") + f"?sector={self.pk}"


class Department(models.Model):
    """A government department of one region (应急管理局, 住建局 …)."""

    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类别", max_length=32, choices=DepartmentKind.choices)
    region = models.ForeignKey(Region, verbose_name="所属地区", on_delete=models.PROTECT)

    objects = ScopedQuerySet.as_manager()
    scope_region_path = "region"
    scope_sector_paths: tuple[str, ...] = ()
    scope_department_path = "self"

    class Meta:
        ordering = ["region", "kind", "name"]
        verbose_name = "部门"
        verbose_name_plural = "部门"
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:core_department_change", args=[self.pk])

    @property
    def sees_all_sectors(self) -> bool:
        return self.kind in ALL_SECTOR_KINDS

    def sector_ids(self) -> list[int]:
        """The sectors this department supervises (and their sub-sectors); reference data, kept
        per process (core.reference_cache, cleared when a sector changes)."""
        from core import reference_cache

        return reference_cache.cache().get_or_set(
            f"sector-ids:{self.kind}",
            lambda: list(
                Sector.objects.filter(supervisor_kind=self.kind).values_list("pk", flat=True)
            ),
        )


class WorkCalendarDay(models.Model):
    """An exception to the ordinary week: a holiday on a weekday or a 调休 working weekend.

    Seeded from the chinese_calendar package; admins add next year's days when the State
    Council publishes them, before the package catches up.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'}"

    def get_absolute_url(self) -> str:
        return reverse("admin:core_workcalendarday_change", args=[self.pk])


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """A long piece of work run in the background (large export, report build) with progress."""

    kind = models.CharField("类型", max_length=32)
    title = models.CharField("名称", max_length=128)
    state = models.CharField(
        "状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.TextField("说明", blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("结果文件名", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    # Written by the running worker every few seconds; a running job whose heartbeat is old
    # lost its worker (core.tasks.sweep_jobs).
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("已运行次数", default=0)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("core:job_detail", args=[self.pk])


class DocumentSequence(models.Model):
    """The last number an issuing unit gave a kind of document in a year (文号 without gaps)."""

    issuer = models.CharField("发文单位简称", max_length=32)
    kind = models.CharField("文书类型", max_length=32)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        ordering = ["issuer", "kind", "year"]
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year"], name="document_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer}{self.kind}〔{self.year}〕{self.last}号"

    def get_absolute_url(self) -> str:
        return reverse("admin:core_documentsequence_change", args=[self.pk])


class DataVersion(models.Model):
    """A counter bumped after every committed change of a kind of data (e.g. hazards), one per
    scope: `hazards` (the epoch), `hazards:*` (every region), `hazards:15`, `hazards:1506`,
    `hazards:150623` (a province, city, county; see hazards.versioning).

    Cached counts and figures carry the versions of the scope they cover in their keys. It lives in the database, not in the
    cache, so a cache that was down or lost its contents never serves figures older than the
    last committed change.
    """

    name = models.CharField("数据（范围）", max_length=64, primary_key=True)
    value = models.BigIntegerField("版本", default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"

    def __str__(self) -> str:
        return f"{self.name}@{self.value}"

    def get_absolute_url(self) -> str:
        return reverse("admin:index")


class IdempotencyKey(models.Model):
    """The first answer to a POST that carried this key (a form's hidden token or the API's
    Idempotency-Key header): a repeat of the request gets the same answer, not a second record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("键", max_length=64)
    path = models.CharField("地址", max_length=255)
    status = models.PositiveSmallIntegerField("状态码", default=0)
    location = models.CharField("跳转地址", max_length=500, blank=True)
    body = models.JSONField("应答", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "幂等键"
        verbose_name_plural = "幂等键"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.key[:8]}…"

    def get_absolute_url(self) -> str:
        return reverse("admin:index")


class ScheduledRun(models.Model):
    """A scheduled task's claim on one slot (e.g. the notice run of 2026-05-20): with several
    workers and schedulers, the first to insert the row runs the slot, every other one skips.
    A claim never finished (its worker died) may be taken over once it is older than the
    task's time limit."""

    task = models.CharField("任务", max_length=64)
    slot = models.CharField("时段", max_length=32)
    worker = models.CharField("执行进程", max_length=128, blank=True)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "定时任务运行"
        verbose_name_plural = "定时任务运行"
        constraints = [
            models.UniqueConstraint(fields=["task", "slot"], name="scheduled_run_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.slot}"

    def get_absolute_url(self) -> str:
        return reverse("admin:index")


# The audit log lives in its own module; imported here so that Django finds the model.
from .audit import AuditEntry, AuditKind  # noqa: E402,F401

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from . import services, workdays
from .audit import audit_entries_for
from .choices import CalendarDayKind
from .errors import ServiceError, add_to_form
from .models import (
    AuditEntry,
    Department,
    DocumentSequence,
    Job,
    Region,
    Sector,
    WorkCalendarDay,
)
from .services import county_departments_create


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "abbreviation", "level", "parent")
    list_editable = ("abbreviation",)
    list_filter = ("level",)
    search_fields = ("code", "name", "abbreviation")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and (count := county_departments_create(obj)):
            self.message_user(request, f"已按模板为{obj.name}建立 {count} 个部门。")


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "supervisor_kind", "order")
    list_filter = ("supervisor_kind",)
    search_fields = ("name", "code")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region",)


class CalendarRangeForm(forms.Form):
    """One line of the State Council's arrangement: a range of days off or of make-up days."""

    name = forms.CharField(label="节日名称", max_length=services.CALENDAR_NAME_MAX)
    kind = forms.ChoiceField(label="类型", choices=CalendarDayKind.choices)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label="结束日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="只有一天时，与开始日期相同。",
    )


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    change_list_template = "admin/core/workcalendarday/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.add_range_view)
        return [
            path("add-range/", view, name="core_workcalendarday_add_range"),
            *super().get_urls(),
        ]

    def add_range_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CalendarRangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = services.work_calendar_add_range(**form.cleaned_data)
            except ServiceError as exc:
                add_to_form(form, exc, request=request)
            else:
                data = form.cleaned_data
                messages.success(
                    request,
                    f"已录入{data['name']} {data['start']:%Y-%m-%d} 至 {data['end']:%Y-%m-%d}"
                    f"（{CalendarDayKind(data['kind']).label}，共 {count} 天）。",
                )
                if "_continue" in request.POST:
                    return redirect("admin:core_workcalendarday_add_range")
                return redirect("admin:core_workcalendarday_changelist")
        year = self._year(request)
        entered = list(WorkCalendarDay.objects.filter(date__year=year))
        off = {row.date for row in entered if not row.is_workday}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "按日期范围录入节假日安排",
            "form": form,
            "year": year,
            "estimated": workdays.is_estimated(year),
            "statutory": [
                (day, name, day in off) for day, name in workdays.statutory_holidays(year).items()
            ],
            "entered": entered,
        }
        return TemplateResponse(request, "admin/core/workcalendarday/add_range.html", context)

    @staticmethod
    def _year(request) -> int:
        raw = request.GET.get("year", "")
        today = timezone.localdate()
        if raw.isdigit() and 2000 <= int(raw) <= 2099:
            return int(raw)
        return workdays.missing_arrangement(today) or today.year


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "state", "progress", "created_by", "created_at")
    list_filter = ("state", "kind")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence (notices, documents, 文号 sequences, workflow events, the audit
    log): the admin shows them and nobody adds, edits or deletes them there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "region", "address", "summary", "target")
    list_filter = ("kind",)
    search_fields = ("username", "summary", "target", "address")
    date_hierarchy = "at"

    def get_queryset(self, request):
        """As on the audit page: a county's administrator reads the rows of that county."""
        entries = audit_entries_for(request.user)
        if entries is None:
            return AuditEntry.objects.none()
        return entries.select_related("region")


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdmin):
    list_display = ("issuer", "kind", "year", "last")

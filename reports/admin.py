from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Delivery, MonthlyReport, Notice, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "recipient", "sent_at", "ok", "error"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Notices are made by the daily job only; the admin shows them for audit."""

    list_display = ["hazard", "step", "deadline", "due_date", "number", "created_at"]
    list_filter = ["step"]
    search_fields = ["number", "hazard__number", "hazard__enterprise__name"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    inlines = [DeliveryInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "user__username", "user__name"]
    raw_id_fields = ["user", "notice"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "month", "as_of", "due_date", "state", "submitted_at"]
    list_filter = ["state", "year", "month"]
    # The state moves only through build and submit (reports.monthly.services).
    readonly_fields = ["state", "figures", "built_at", "submitted_by", "submitted_at"]

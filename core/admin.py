from django.contrib import admin

from .models import Department, DocumentSequence, Job, Region, Sector, WorkCalendarDay


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "abbreviation", "level", "parent")
    list_editable = ("abbreviation",)
    list_filter = ("level",)
    search_fields = ("code", "name", "abbreviation")


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


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "state", "progress", "created_by", "created_at")
    list_filter = ("state", "kind")


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(admin.ModelAdmin):
    list_display = ("issuer", "kind", "year", "last")

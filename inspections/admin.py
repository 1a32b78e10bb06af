from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    ConflictOfInterest,
    EnforcementDocument,
    Inspection,
    InspectionPlan,
    IssuingUnit,
    RandomDraw,
)


@admin.register(IssuingUnit)
class IssuingUnitAdmin(admin.ModelAdmin):
    list_display = ["department", "short_name", "full_name", "reconsideration_authority"]

    @admin.display(description="文书告知的行政复议机关")
    def reconsideration_authority(self, unit):
        return unit.reconsideration_authority


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["inspector", "enterprise", "reason", "declared_at"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["inspector"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "year", "month", "region", "department"]
    raw_id_fields = ["enterprises"]


@admin.register(RandomDraw)
class RandomDrawAdmin(admin.ModelAdmin):
    """Read-only: a draw is evidence; nobody edits it after the fact."""

    list_display = ["pk", "plan", "region", "count", "algorithm", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["date", "enterprise", "method", "status"]
    raw_id_fields = ["enterprise", "plan", "draw_target", "inspectors"]


@admin.register(EnforcementDocument)
class EnforcementDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "type", "inspection", "issued_at", "voided_at", "void_reason"]

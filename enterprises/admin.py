from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, EnterpriseImport


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "credit_code",
        "region",
        "sector",
        "risk_grade",
        "key_supervision",
        "status",
    )
    list_filter = ("status", "risk_grade", "key_supervision", "sector")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("region",)
    list_select_related = ("region", "sector")


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "uploaded_by",
        "status",
        "row_count",
        "created_count",
        "created_at",
    )
    list_filter = ("status",)
    readonly_fields = ("rows", "errors")

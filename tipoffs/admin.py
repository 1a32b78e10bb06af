from django.contrib import admin

from .models import Tipoff


@admin.register(Tipoff)
class TipoffAdmin(admin.ModelAdmin):
    """Read-only: reports change through the triage pages, which audit the reporter's number."""

    list_display = ("created_at", "region", "where", "state")
    list_filter = ("state",)
    exclude = ("phone",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

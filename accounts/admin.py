from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User
from .tokens import tokens_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "region", "department", "is_active")
    list_filter = ("role", "is_active", "department__kind")
    search_fields = ("username", "name", "phone", "certificate_no")
    autocomplete_fields = ("region",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "职责与范围",
            {"fields": ("name", "role", "region", "department", "phone", "certificate_no")},
        ),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (
            "职责与范围",
            {"fields": ("name", "role", "region", "department", "phone", "certificate_no")},
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A deactivated account's API tokens die with it (a password change revokes them through
        # accounts.tokens.RevokeTokensOnPasswordChange).
        if change and "is_active" in form.changed_data and not obj.is_active:
            tokens_revoke(user=obj)

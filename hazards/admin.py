"""Admins maintain the judgment standards (provincial and sector standards not in the bundled
file). Hazards themselves change only through the workflow, so they have no admin page."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Clause, HazardEvent, JudgmentStandard


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ("order", "ref", "article", "item", "sub_sector", "applies_to", "text", "retired")
    extra = 1
    show_change_link = True


@admin.register(JudgmentStandard)
class JudgmentStandardAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "doc_no",
        "sector_label",
        "effective",
        "ends",
        "complete",
        "superseded_by",
    )
    list_filter = ("sector_label", "complete")
    search_fields = ("name", "doc_no", "code")
    filter_horizontal = ("sectors",)
    autocomplete_fields = ("superseded_by",)
    inlines = [ClauseInline]


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ("ref", "standard", "sub_sector", "applies_to", "retired", "short_text")
    list_filter = ("standard", "retired")
    search_fields = ("ref", "text", "standard__name")
    autocomplete_fields = ("standard",)

    @admin.display(description="内容")
    def short_text(self, clause: Clause) -> str:
        return clause.text[:60]


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyAdmin):
    """Workflow events are the hazard's history: shown, never edited."""

    list_display = ["hazard", "action", "from_state", "to_state", "actor", "created_at"]
    search_fields = ["hazard__number"]

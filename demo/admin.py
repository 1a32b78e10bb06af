from django.contrib import admin

from .models import DemoSeed


@admin.register(DemoSeed)
class DemoSeedAdmin(admin.ModelAdmin):
    """Deleting a part's row lets the next `seed_demo` load that part again."""

    list_display = ("part", "seeded_at")

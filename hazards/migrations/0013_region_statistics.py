"""Finer planner statistics on hazards.region_id.

Every scoped query filters `region_id LIKE '<prefix>%'`. With the default statistics (100 most
common values, 101 histogram bounds) a province of 800 towns has most of its towns outside the
most-common list, and PostgreSQL guessed one row for a county of 3,000 hazards: it then looked
a hazard up by walking its county's region index (3,000 rows, 10 ms) instead of its primary key
(0.05 ms). With 1,000 every town of a province is in the list and the guess is exact.
"""

from django.db import migrations

TARGET = 1000


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE hazards_hazard ALTER COLUMN region_id SET STATISTICS {TARGET}"
    )
    schema_editor.execute("ANALYZE hazards_hazard (region_id)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE hazards_hazard ALTER COLUMN region_id SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("hazards", "0012_major_dashboard_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

"""Trigram indexes for the keyword search of the hazard list (icontains on text columns).

`LIKE '%word%'` cannot use a btree; pg_trgm GIN indexes serve it. PostgreSQL only (the demo's
SQLite skips them); kept out of the model state.
"""

from django.db import migrations

INDEXES = {
    "hazard_description_trgm": ("hazards_hazard", "description"),
    "hazard_place_trgm": ("hazards_hazard", "place"),
    "hazard_number_trgm": ("hazards_hazard", "number"),
    "enterprise_name_trgm": ("enterprises_enterprise", "name"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0003_bench_indexes"),
        ("enterprises", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

"""Indexes for the hazard list at province scale (found by bench/run.py, checked with EXPLAIN).

Scopes and the region filter are `region_id::text LIKE '1506%'`; under a non-C collation only a
pattern-ops btree serves that prefix as an index range (Django already makes one for the
varchar foreign key, hazards_hazard_region_id_…_like; the composite ones below add the
pattern-ops column after their leading column). The list is ordered by
(-found_date, -number): one index in that order lets LIMIT 20 stop after 20 rows. The overdue and
level filters count from small index-only scans. PostgreSQL only (the demo's SQLite skips them);
kept out of the model state, so `makemigrations` sees no change.
"""

from django.db import migrations

OPEN = "('registered', 'rectifying', 'awaiting_recheck', 'rechecked')"
INDEXES = {
    # ORDER BY found_date DESC, number DESC LIMIT n of the list, the ledger and the API.
    "hazard_found_number_idx": "(found_date DESC, number DESC)",
    # open + overdue (current_deadline < today) counted per region prefix, index-only.
    "hazard_open_deadline_idx": f"(current_deadline, region_id varchar_pattern_ops) "
    f"WHERE state IN {OPEN}",
    # level = major counted per region prefix, index-only.
    "hazard_level_region_idx": "(level, region_id varchar_pattern_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # An early version of this migration duplicated Django's own *_like index on region_id.
    schema_editor.execute("DROP INDEX IF EXISTS hazard_region_prefix_idx")
    for name, definition in INDEXES.items():
        columns, _, where = definition.partition(" WHERE ")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON hazards_hazard {columns}"
            + (f" WHERE {where}" if where else "")
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0002_hazard_inspection"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

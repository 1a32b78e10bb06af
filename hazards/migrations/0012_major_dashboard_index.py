"""One covering partial index for every 重大 figure of the leaders' dashboard (bench/run.py).

The dashboard counts the scope's 重大 hazards in one query grouped by sub-region, sector and
state, with conditional counts on the dates and on clause_id (among 重大 hazards, 其他依据 is
`clause_id IS NULL`): this index holds all of those columns, so the query is an index-only scan
of about 6% of the table (1 000 000 hazards, the province's dashboard cold, together with the
statistics below: about 0.57 s → 0.09–0.12 s).
It replaces hazard_major_cover_idx of 0005, which lacked clause_id and so forced heap reads.

Extended statistics on (code prefix, sector, state), one per prefix length the dashboard groups
by, tell the planner the query makes about a thousand groups rather than tens of thousands, so
it hashes them instead of sorting all the rows (province: about 65 ms → 35 ms).
PostgreSQL only (the demo's SQLite skips it); kept out of the model state, like 0005.
"""

from django.db import migrations

NAME = "hazard_major_dashboard_idx"
DEFINITION = (
    "(region_id varchar_pattern_ops) "
    "INCLUDE (state, found_date, closed_date, current_deadline, sector_id, clause_id) "
    "WHERE level = 'major'"
)
OLD_NAME = "hazard_major_cover_idx"
OLD_DEFINITION = (
    "(region_id varchar_pattern_ops) "
    "INCLUDE (state, found_date, closed_date, current_deadline, sector_id) "
    "WHERE level = 'major'"
)

# The sub-regions' code prefix lengths (core.choices.SIGNIFICANT_DIGITS).
STATISTICS = {f"hazard_prefix{n}_sector_state": n for n in (2, 4, 6, 9)}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON hazards_hazard {DEFINITION}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_NAME}")
    for name, digits in STATISTICS.items():
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {name} (ndistinct) "
            f"ON (substring(region_id, 1, {digits})), sector_id, state FROM hazards_hazard"
        )
    schema_editor.execute("ANALYZE hazards_hazard")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_NAME} ON hazards_hazard {OLD_DEFINITION}"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
    for name in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0011_workers_report"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

"""Covering partial index for the dashboard's 重点监管企业执法检查覆盖率 at province scale.

The coverage asks which enterprises had a finished inspection between two dates: an index-only
range scan of finished inspections by date replaces reading each inspection row. PostgreSQL
only (the demo's SQLite skips it); kept out of the model state, like hazards 0005.
"""

from django.db import migrations

NAME = "inspection_done_date_idx"
DEFINITION = "(date) INCLUDE (enterprise_id) WHERE status = 'done'"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON inspections_inspection {DEFINITION}"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_document_acknowledgement"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

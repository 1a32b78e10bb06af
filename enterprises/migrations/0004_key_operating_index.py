"""Covering partial index for the dashboard's 重点监管企业执法检查覆盖率 at province scale.

The coverage counts 重点监管 enterprises in operation per sub-region code prefix: an index-only
scan of these (about 9% of the enterprises) replaces a scan of the whole table. PostgreSQL only
(the demo's SQLite skips it); kept out of the model state, like hazards 0005.
"""

from django.db import migrations

NAME = "enterprise_key_operating_idx"
DEFINITION = (
    "(region_id varchar_pattern_ops) INCLUDE (id, sector_id) "
    "WHERE key_supervision AND status = 'operating'"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON enterprises_enterprise {DEFINITION}"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_import_skipped_rows"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

"""A hazard's source visit is read through the finding it was registered from
(inspections.Finding.hazard); the hazard no longer points up to the visit itself.

Hazards that name a visit but have no finding (rows loaded without one, such as the bench data
set) get a finding copied from the hazard first, so no link is lost. Going back fills the
column again from the findings. Plain SQL: it runs on PostgreSQL and on the demo's SQLite, and
at province scale in one statement.
"""

from django.db import migrations

FINDINGS_FROM_HAZARDS = """
INSERT INTO inspections_finding
    (inspection_id, level, clause_id, place, description, deadline, hazard_id, created_at)
SELECT h.inspection_id, h.level, h.clause_id, h.place, h.description, h.deadline, h.id,
       h.created_at
FROM hazards_hazard h
WHERE h.inspection_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM inspections_finding f WHERE f.hazard_id = h.id)
"""

INSPECTIONS_FROM_FINDINGS = """
UPDATE hazards_hazard SET inspection_id = (
    SELECT f.inspection_id FROM inspections_finding f WHERE f.hazard_id = hazards_hazard.id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0005_dashboard_indexes"),
        ("inspections", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FINDINGS_FROM_HAZARDS, reverse_sql=INSPECTIONS_FROM_FINDINGS),
        migrations.RemoveField(
            model_name="hazard",
            name="inspection",
        ),
        migrations.RemoveField(
            model_name="historicalhazard",
            name="inspection",
        ),
    ]

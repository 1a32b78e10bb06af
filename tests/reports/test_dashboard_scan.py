"""The dashboard's 重大 counts read only the covering partial index: every column the grouped
query reads is in hazard_major_dashboard_idx (whose predicate is the query's level = 'major'),
so at province scale PostgreSQL answers it with an index-only scan and never reads the table
(bench/run.py, 1 000 000 hazards). Planner statistics on (code prefix, sector, state) exist for
every prefix length the dashboard groups by."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection

from core.choices import SIGNIFICANT_DIGITS
from hazards.models import Hazard
from reports.dashboard import figures

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)


def _index_columns(name: str) -> tuple[set[str], str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indexrelid = %s::regclass",
            [name],
        )
        columns = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = %s::regclass",
            [name],
        )
        return columns, cursor.fetchone()[0]


@pytest.mark.parametrize("who", ["leader", "inspector", "admin"])
def test_every_column_the_major_counts_read_is_in_the_covering_index(personas, who):
    user = getattr(personas, who)
    region = user.scope_region
    digits = SIGNIFICANT_DIGITS[figures.child_level(region)] if region else 2
    c = figures._Conditions(date(2026, 5, 1), date(2026, 5, 31), TODAY)
    months = figures._months(c.start, c.end, TODAY)
    query = figures._major_query(Hazard.objects.for_user(user), c, months, digits)
    sql, _ = query.query.sql_with_params()
    assert " JOIN " not in sql
    read = set(re.findall(r'"hazards_hazard"\."(\w+)"', sql))
    columns, predicate = _index_columns("hazard_major_dashboard_idx")
    assert "level = 'major'" in predicate.replace("(", "").replace(")", "").replace("::text", "")
    assert read - {"level"} <= columns, read - columns


def test_planner_statistics_exist_for_every_prefix_length():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxname FROM pg_statistic_ext WHERE stxrelid = 'hazards_hazard'::regclass"
        )
        names = {row[0] for row in cursor.fetchall()}
    for digits in SIGNIFICANT_DIGITS.values():
        assert f"hazard_prefix{digits}_sector_state" in names

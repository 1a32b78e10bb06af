"""The planner knows how many hazards each town holds, so a hazard in a user's scope is looked
up by its primary key, not by walking its county (hazards/0013_region_statistics)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_region_statistics_cover_every_town_of_a_province():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute"
            " WHERE attrelid = 'hazards_hazard'::regclass AND attname = 'region_id'"
        )
        (target,) = cursor.fetchone()
    # A province has up to about a thousand towns; each must fit in the most-common list.
    assert target >= 1000

"""The list filters and the menu are drawn once per process for each user and query string, and
never outlive a change of the regions, sectors or departments they are drawn from."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.choices import RegionLevel
from core.models import Region, Sector

pytestmark = pytest.mark.django_db


def _filter_form(html: str) -> str:
    start = html.index('<form class="card p-2 mb-3 filter-form"')
    return html[start : html.index("</form>", start)]


def _region_queries(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return html, sum('FROM "core_region"' in q["sql"] for q in queries.captured_queries)


def test_the_second_request_draws_the_same_form_without_reading_the_regions(client, personas):
    client.force_login(personas.leader)
    first, first_reads = _region_queries(client, "/hazards/?level=major")
    second, second_reads = _region_queries(client, "/hazards/?level=major")
    assert _filter_form(second) == _filter_form(first)
    assert '<option value="major" selected>' in _filter_form(second)
    assert second_reads < first_reads
    assert second.count("月度报告") == first.count("月度报告")


def test_another_query_string_gets_its_own_form(client, personas):
    client.force_login(personas.leader)
    client.get("/hazards/?level=major")
    html = client.get("/hazards/?level=general").content.decode()
    assert '<option value="general" selected>' in _filter_form(html)
    assert '<option value="major" selected>' not in _filter_form(html)


def test_users_of_other_counties_never_see_each_others_form(client, personas):
    client.force_login(personas.inspector)
    own = _filter_form(client.get("/hazards/").content.decode())
    client.force_login(personas.inspector_b)
    other = _filter_form(client.get("/hazards/").content.decode())
    assert "上海庙镇" in own and "上海庙镇" not in other


def test_a_new_town_is_offered_at_once(client, personas):
    client.force_login(personas.inspector)
    assert "巴拉尔镇" not in client.get("/hazards/").content.decode()
    Region.objects.create(
        code="150623199", name="巴拉尔镇", level=RegionLevel.TOWN, parent_id="150623"
    )
    assert "巴拉尔镇" in _filter_form(client.get("/hazards/").content.decode())


def test_a_renamed_sector_is_shown_at_once(client, personas):
    client.force_login(personas.inspector)
    client.get("/hazards/")
    sector = Sector.objects.filter(parent__isnull=True).order_by("order").first()
    sector.name = "危险化学品（更名）"
    sector.save()
    assert "危险化学品（更名）" in _filter_form(client.get("/hazards/").content.decode())


def test_a_sector_given_to_a_department_kind_is_in_its_users_scope_at_once(personas):
    from accounts.models import User
    from core.scoping import effective_scope

    def housing_sectors():
        return effective_scope(User.objects.get(pk=personas.housing.pk)).sector_ids

    before = housing_sectors()
    assert housing_sectors() == before  # kept: the second read is the process's copy
    sector = Sector.objects.create(code="test-lift", name="电梯安装", supervisor_kind="housing")
    assert housing_sectors() == before | {sector.pk}

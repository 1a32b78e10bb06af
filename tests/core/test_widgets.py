"""The region drop-down of the list filters: a tree two levels deep, deeper on demand."""

import pytest

from accounts.choices import Role
from core.choices import RegionLevel
from core.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _options(client, url):
    html = client.get(url).content.decode()
    start = html.index('name="region"')
    return html[start : html.index("</select>", start)]


@pytest.mark.parametrize("url", ["/hazards/", "/enterprises/"])
def test_a_province_user_sees_cities_and_counties_and_the_towns_of_a_chosen_county(client, url):
    Region.objects.create(
        code="150624100", name="乌兰镇", level=RegionLevel.TOWN, parent_id="150624"
    )
    client.force_login(UserFactory(role=Role.LEADER, region_id="150000"))

    first = _options(client, url)
    assert "鄂尔多斯市" in first and "\u3000\u3000鄂托克前旗" in first
    assert "上海庙镇" not in first  # a town: three levels below the province

    county = _options(client, f"{url}?region=150623")
    assert '<option value="150623" selected>' in county
    assert "\u3000\u3000\u3000上海庙镇" in county and "城川镇" in county
    assert "乌兰镇" not in county  # a town of another county stays folded

    town = _options(client, f"{url}?region=150623101")
    assert '<option value="150623101" selected>' in town and "城川镇" in town
    assert "乌兰镇" in _options(client, f"{url}?region=150624")


def test_a_county_user_sees_every_town_of_the_county(client):
    client.force_login(UserFactory(role=Role.INSPECTOR, region_id="150623"))
    options = _options(client, "/hazards/")
    assert "鄂托克前旗" in options and "\u3000上海庙镇" in options
    assert "鄂托克旗" not in options.replace("鄂托克前旗", "")

"""Regions: the abbreviation (简称) used in 文号, loaded for the seed regions and kept when an
admin has set one."""

import pytest

from core.models import Region
from core.services import regions_load

pytestmark = pytest.mark.django_db


def test_seed_regions_have_the_abbreviations_of_their_documents():
    abbreviations = dict(
        Region.objects.exclude(abbreviation="").values_list("code", "abbreviation")
    )
    # 鄂安发〔2024〕11号, 鄂前安发〔2024〕2号, 孝政发〔2024〕1号 in the shared seed documents.
    assert abbreviations == {"150600": "鄂", "150623": "鄂前", "141181": "孝"}
    assert Region.objects.get(code="150623").document_prefix == "鄂前"
    assert Region.objects.get(code="150624").document_prefix == "鄂托克旗"


def test_loading_again_keeps_what_an_admin_set():
    Region.objects.filter(code="150623").update(abbreviation="前旗")
    Region.objects.filter(code="150624").update(abbreviation="鄂托")
    regions_load()
    assert Region.objects.get(code="150623").abbreviation == "前旗"
    assert Region.objects.get(code="150624").abbreviation == "鄂托"
    Region.objects.filter(code="150623").update(abbreviation="")
    regions_load()
    assert Region.objects.get(code="150623").abbreviation == "鄂前"


def test_admins_edit_the_abbreviation(personas, client):
    client.force_login(personas.admin)
    page = client.get("/admin/core/region/150624/change/")
    assert page.status_code == 200 and 'name="abbreviation"' in page.content.decode()
    form = {"code": "150624", "name": "鄂托克旗", "abbreviation": "鄂托", "level": "county"}
    response = client.post("/admin/core/region/150624/change/", {**form, "parent": "150600"})
    assert response.status_code == 302
    assert Region.objects.get(code="150624").abbreviation == "鄂托"

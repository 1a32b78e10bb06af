"""What the fuzzer found, as rules: times of day have one published shape in and out; a list's
query parameters are held to their published types (what the list page ignores, the API
refuses), an empty filter means "any" and the schema says so; numbers that PostgreSQL cannot
store are refused as input; every status and content type an operation answers is published."""

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.api.serializers import LOCAL_TIME_PATTERN
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def schema(personas):
    return client_for(personas.inspector).get("/api/v1/schema/?format=json").json()


def test_a_visits_times_of_day_match_the_published_pattern(team, schema):
    api = client_for(team.inspector)
    visit = {
        "enterprise": EnterpriseFactory().pk,
        "date": timezone.localdate().isoformat(),
        "method": "open",
        "inspectors": [team.inspector.pk, team.inspector2.pk],
    }
    created = api.post("/api/v1/inspections/", {**visit, "start_time": "09:30"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["start_time"] == "09:30:00"
    properties = schema["components"]["schemas"]["Inspection"]["properties"]
    for name in ("start_time", "end_time"):
        assert "format" not in properties[name]
        assert properties[name]["pattern"] == LOCAL_TIME_PATTERN
    assert re.fullmatch(LOCAL_TIME_PATTERN, created.json()["start_time"])
    # An offset or a fraction is not a time of day on the wall clock: refused in Chinese.
    for value in ("09:30:00+08:00", "09:30:00.5", "9:30", "25:00"):
        refused = api.post("/api/v1/inspections/", {**visit, "start_time": value}, format="json")
        assert refused.status_code == 400, value
        assert "时间格式应为 HH:MM" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/api/v1/inspections/?mine=0.07", "mine"),
        ("/api/v1/enterprises/?key_supervision=yes", "key_supervision"),
        ("/api/v1/plans/?year=2026.5", "year"),
        ("/api/v1/regions/?page_size=abc", "page_size"),
        ("/api/v1/regions/?page_size=0", "page_size"),
        ("/api/v1/draws/?page_size=10&page_size=20", "page_size"),
        ("/api/v1/notices/?hazard=1&hazard=2", "hazard"),
        ("/api/v1/hazards/?page=1&page=2", "page"),
    ],
)
def test_list_query_parameters_that_break_their_type_are_refused(personas, query, field):
    answer = client_for(personas.inspector).get(query)
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert field in body["fields"] and "：" in body["detail"]


def test_an_empty_filter_means_any_and_the_schema_says_so(personas, schema):
    api = client_for(personas.inspector)
    for query in ("/api/v1/enterprises/?status=", "/api/v1/plans/?period=&year="):
        assert api.get(query).status_code == 200, query
    for path in ("/api/v1/enterprises/", "/api/v1/hazards/", "/api/v1/hazards/ledger.xlsx"):
        parameters = schema["paths"][path]["get"]["parameters"]
        query = [p for p in parameters if p["in"] == "query"]
        assert query and all(p.get("allowEmptyValue") for p in query), path
    page_size = next(
        p
        for p in schema["paths"]["/api/v1/regions/"]["get"]["parameters"]
        if p["name"] == "page_size"
    )
    assert page_size["schema"]["minimum"] == 1


def test_numbers_beyond_what_the_database_stores_are_bad_input(team):
    api = client_for(team.reviewer)
    year = timezone.localdate().year
    for body in (
        {"name": "计划", "year": 40000},
        {"name": "计划", "year": year, "department": 2**70},
        {"name": "计划", "year": year, "enterprises": [2**63]},
        {"name": "计划", "year": year, "month": 13, "period": "month"},
    ):
        answer = api.post("/api/v1/plans/", body, format="json")
        assert answer.status_code == 400, (body, answer.content)
    answer = api.post("/api/v1/draws/", {"plan": 1, "count": 1, "exclude_days": 10**9})
    assert answer.status_code == 400, answer.content


def test_every_answer_is_published(schema):
    draws = schema["paths"]["/api/v1/draws/"]["post"]["responses"]
    assert "404" in draws  # a plan that does not exist or is out of scope
    result = schema["paths"]["/api/v1/jobs/{id}/result/"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in result

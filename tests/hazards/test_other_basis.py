"""A catalog gap never blocks a real 重大 hazard: where the sector's standard is missing,
incomplete or replaced by one not loaded yet, the inspector cites 其他依据 with the legal basis
written out, the reviewer confirms it before sign-off, and the dashboard counts such hazards.
Also: the clause a hazard cites belongs to a standard in force on its found date."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from freezegun import freeze_time

from core.errors import ServiceError
from core.models import Sector
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from hazards.models import Clause, Hazard
from hazards.services import hazard_queue, hazard_update
from reports.dashboard import services as dashboard
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, register, today

pytestmark = pytest.mark.django_db

GB35181 = "《重大火灾隐患判定规则》GB 35181—2025 第5.1条：未按规定设置消防车通道"


def enterprise_of(code: str, **fields):
    return EnterpriseFactory(sector=Sector.objects.get(code=code), **fields)


def other(by, code="fire", **fields):
    return register(by, enterprise=enterprise_of(code), clause=None, other_basis=GB35181, **fields)


# ---------------------------------------------------------------- registration


def test_a_major_fire_hazard_cites_other_basis_where_no_fire_standard_is_loaded(personas):
    hazard = other(personas.inspector)
    assert hazard.level == HazardLevel.MAJOR and hazard.clause is None
    assert hazard.other_basis == GB35181 and hazard.basis_kind == "other"
    assert hazard.events.get().data["other_basis"] == GB35181


def test_other_basis_is_allowed_where_the_standard_is_incomplete(personas):
    hazard = other(personas.inspector, code="road")
    assert hazard.basis_kind == "other"


def test_other_basis_is_allowed_where_the_standard_was_replaced_by_one_not_loaded(personas):
    hazard = other(personas.inspector, code="hazchem")  # 121号 replaced by AQ 3067 on 09-30
    assert hazard.basis_kind == "other"


def test_other_basis_is_refused_where_a_complete_standard_applies(personas):
    with pytest.raises(ServiceError, match="判定标准已完整录入") as caught:
        other(personas.inspector, code="ammonia")
    assert caught.value.field == "other_basis"


def test_other_basis_must_be_written_out(personas):
    with pytest.raises(ServiceError, match="请写明其他依据"):
        register(
            personas.inspector, enterprise=enterprise_of("fire"), clause=None, other_basis="见规定"
        )


def test_a_hazard_cites_a_clause_or_other_basis_not_both(personas):
    clause = Clause.objects.filter(standard__code="daolu-yunshu-2023").first()
    with pytest.raises(ServiceError, match="只能是一项"):
        register(
            personas.inspector, enterprise=enterprise_of("road"), clause=clause, other_basis=GB35181
        )


def test_a_major_hazard_without_any_basis_is_told_about_other_basis_where_there_is_a_gap(
    personas,
):
    with pytest.raises(ServiceError, match="或选择“其他依据”"):
        register(personas.inspector, enterprise=enterprise_of("fire"), clause=None)


def test_the_database_wants_a_clause_or_an_other_basis_for_a_major_hazard(personas):
    hazard = other(personas.inspector)
    with pytest.raises(IntegrityError):
        Hazard.objects.filter(pk=hazard.pk).update(other_basis="")


def test_the_database_refuses_both_a_clause_and_an_other_basis(personas):
    hazard = other(personas.inspector, code="road")
    clause = Clause.objects.filter(standard__code="daolu-yunshu-2023").first()
    with pytest.raises(IntegrityError):
        Hazard.objects.filter(pk=hazard.pk).update(clause=clause)


# ---------------------------------------------------------------- in force on the found date


def test_a_clause_of_a_standard_replaced_before_the_found_date_is_refused(personas):
    coal = enterprise_of("coal")
    old = Clause.objects.get(standard__code="meikuang-2020", ref="第三条第（一）项")
    with pytest.raises(ServiceError, match="已被 应急管理部令第21号（2026年修订） 取代"):
        register(personas.inspector, enterprise=coal, clause=old, found=date(2026, 7, 1))
    hazard = register(personas.inspector, enterprise=coal, clause=old, found=date(2026, 6, 30))
    assert hazard.clause == old and hazard.clause_warning == ""


def test_a_clause_of_a_standard_not_yet_in_force_on_the_found_date_is_refused(personas):
    power = enterprise_of("power")
    clause = Clause.objects.filter(standard__code="dianli-2026").first()
    with pytest.raises(ServiceError, match="2026-07-01 起施行"):
        register(personas.inspector, enterprise=power, clause=clause, found=date(2026, 6, 1))


def test_a_hazard_citing_a_standard_replaced_by_one_not_loaded_shows_the_warning(personas, client):
    hazard = register(personas.inspector, found=date(2026, 10, 8))
    assert hazard.clause.standard.code == "huagong-2017"
    assert hazard.clause_warning == "已被 AQ 3067—2026 取代，新准则尚未录入"
    earlier = register(personas.inspector, found=date(2026, 9, 29))
    assert earlier.clause_warning == ""
    client.force_login(personas.inspector)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "已被 AQ 3067—2026 取代，新准则尚未录入" in page
    api = client.get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert api["clause_warning"] == "已被 AQ 3067—2026 取代，新准则尚未录入"


def test_the_clause_picker_warns_of_a_replaced_standard_and_offers_other_basis(personas, client):
    client.force_login(personas.inspector)
    chemical = enterprise_of("hazchem")
    url = reverse("hazards:clause_options")
    page = client.get(url, {"enterprise": chemical.pk, "found_date": "2026-10-08"}).content.decode()
    assert "已被 AQ 3067—2026 取代，新准则尚未录入" in page and 'value="other"' in page
    before = client.get(url, {"enterprise": chemical.pk, "found_date": "2026-09-01"})
    assert "取代" not in before.content.decode() and 'value="other"' not in before.content.decode()


def test_the_clause_picker_offers_the_standard_in_force_on_the_found_date(personas, client):
    client.force_login(personas.inspector)
    coal = enterprise_of("coal")
    url = reverse("hazards:clause_options")
    june = client.get(url, {"enterprise": coal.pk, "found_date": "2026-06-30"}).context
    july = client.get(url, {"enterprise": coal.pk, "found_date": "2026-07-01"}).context
    assert {c.standard.code for c in june["clauses"]} == {"meikuang-2020"}
    assert {c.standard.code for c in july["clauses"]} == {"meikuang-2026"}


def test_the_clause_api_takes_an_enterprise_and_a_found_date(personas, client):
    client.force_login(personas.inspector)
    ammonia = enterprise_of("ammonia")
    rows = client.get("/api/v1/clauses/", {"enterprise": ammonia.pk, "page_size": 100}).json()[
        "results"
    ]
    assert {r["sub_sector"] for r in rows} == {"管理类（通用）", "液氨制冷"}
    chemical = enterprise_of("hazchem")
    rows = client.get(
        "/api/v1/clauses/", {"enterprise": chemical.pk, "found_date": "2026-10-08"}
    ).json()["results"]
    assert rows and all(r["warning"] == "已被 AQ 3067—2026 取代，新准则尚未录入" for r in rows)
    rows = client.get("/api/v1/clauses/", {"q": "121号第六项", "found_date": "2026-09-01"}).json()
    assert {r["standard_doc_no"] for r in rows["results"]} == {"安监总管三〔2017〕121号"}
    assert rows["count"] == 2
    other_county = EnterpriseFactory(region_id="150624")
    assert client.get("/api/v1/clauses/", {"enterprise": other_county.pk}).status_code == 400


# ---------------------------------------------------------------- review and sign-off


def test_sign_off_is_refused_until_the_reviewer_confirms_the_other_basis(personas):
    p = personas
    hazard = advance(
        other(p.inspector), HazardState.RECHECKED, inspector=p.inspector, reviewer=p.reviewer
    )
    assert Action.SIGN_OFF not in {t.action for t in workflow.available(hazard, p.reviewer)}
    with pytest.raises(ServiceError, match="确认判定依据后才能销号"):
        workflow.apply(hazard=hazard, action=Action.SIGN_OFF, by=p.reviewer)
    with pytest.raises(ServiceError, match="角色"):
        workflow.apply(hazard=hazard, action=Action.CONFIRM_BASIS, by=p.inspector)
    workflow.apply(hazard=hazard, action=Action.CONFIRM_BASIS, by=p.reviewer, comment="依据属实")
    hazard.refresh_from_db()
    assert hazard.basis_confirmed_by == p.reviewer and hazard.basis_confirmed_at is not None
    workflow.apply(hazard=hazard, action=Action.SIGN_OFF, by=p.reviewer)
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED


def test_a_hazard_citing_a_clause_needs_no_confirmation(personas):
    p = personas
    hazard = register(p.inspector)
    with pytest.raises(ServiceError, match="没有待确认的其他依据"):
        workflow.apply(hazard=hazard, action=Action.CONFIRM_BASIS, by=p.reviewer)
    advance(hazard, HazardState.CLOSED, inspector=p.inspector, reviewer=p.reviewer)


def test_reviewers_find_the_basis_to_confirm_in_their_queue(personas):
    hazard = other(personas.inspector)
    assert hazard in hazard_queue(personas.reviewer)
    workflow.apply(hazard=hazard, action=Action.CONFIRM_BASIS, by=personas.reviewer)
    assert hazard not in hazard_queue(personas.reviewer)


def test_a_basis_written_anew_is_confirmed_anew(personas):
    hazard = other(personas.inspector)
    workflow.apply(hazard=hazard, action=Action.CONFIRM_BASIS, by=personas.reviewer)
    hazard = hazard_update(hazard=hazard, by=personas.inspector, other_basis=GB35181 + "、第5.3条")
    assert hazard.basis_confirmed_at is None and hazard.basis_awaits_confirmation


def test_the_hazard_page_shows_other_basis_as_such(
    personas, client, django_capture_on_commit_callbacks
):
    hazard = other(personas.inspector)
    client.force_login(personas.reviewer)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "其他依据" in page and "GB 35181—2025 第5.1条" in page
    assert "待审核人员确认判定依据" in page and "确认判定依据" in page
    with django_capture_on_commit_callbacks(execute=True):  # the step commits, as on a server
        response = client.post(
            reverse("hazards:hazard_action", args=[hazard.pk, "confirm-basis"]),
            {"confirm-basis-comment": "依据属实"},
        )
    assert response.status_code == 302
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "待审核人员确认判定依据" not in page and "确认" in page


def test_the_api_registers_and_shows_other_basis(personas, client):
    client.force_login(personas.inspector)
    fire = enterprise_of("fire")
    response = client.post(
        "/api/v1/hazards/",
        {
            "enterprise": fire.pk,
            "level": "major",
            "other_basis": GB35181,
            "place": "厂区",
            "description": "消防车通道被占用",
            "deadline": (today() + timedelta(days=10)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["basis_kind"] == "other" and body["other_basis"] == GB35181
    assert body["basis_confirmed_at"] is None


# ---------------------------------------------------------------- dashboard


@freeze_time("2026-11-20 10:00:00")
def test_the_dashboard_counts_other_basis_hazards_separately(personas, client):
    other(personas.inspector, found=date(2026, 11, 2))
    other(personas.inspector, code="road", found=date(2026, 11, 3))
    register(personas.inspector, found=date(2026, 11, 4))
    other(personas.inspector, found=date(2026, 10, 2))  # another month
    dashboard.invalidate()
    client.force_login(personas.leader)
    response = client.get(reverse("dashboard:dashboard"))
    figure = response.context["data"]["cards"]["major_other_basis"]
    assert figure["value"] == 2
    listed = client.get(figure["url"]).context["page"].object_list
    assert {h.other_basis for h in listed} == {GB35181} and len(listed) == 2
    assert "引用“其他依据”" in response.content.decode()

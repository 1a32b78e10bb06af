from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from core.errors import ServiceError
from core.models import Sector
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from hazards.models import Clause, Hazard, JudgmentStandard
from hazards.services import (
    clause_choices,
    clause_search,
    hazard_queue,
    hazard_update,
    standards_load,
)
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import advance, register

pytestmark = pytest.mark.django_db


def test_standards_loaded_idempotently():
    before = (JudgmentStandard.objects.count(), Clause.objects.count())
    assert before == (12, 493)
    assert standards_load() == (12, 493)
    assert (JudgmentStandard.objects.count(), Clause.objects.count()) == before
    gongmao = JudgmentStandard.objects.get(code="gongmao-2023")
    assert gongmao.doc_no == "应急管理部令第10号" and gongmao.clauses.count() == 64


def test_clause_picker_follows_enterprise_sector():
    from core.models import Sector

    dust = Sector.objects.get(code="dust")
    docs = set(clause_choices(dust).values_list("standard__code", flat=True))
    assert docs == {"gongmao-2023"}
    metallurgy = Sector.objects.get(code="metallurgy")
    assert set(clause_choices(metallurgy).values_list("standard__code", flat=True)) == {
        "gongmao-2023"
    }
    assert not clause_choices(Sector.objects.get(code="campus")).exists()


def test_clause_search_by_keyword_and_current_standard():
    from core.models import Sector

    coal = Sector.objects.get(code="coal")
    codes = set(clause_search(sector=coal).values_list("standard__code", flat=True))
    assert codes == {"meikuang-2026"}  # the 2020 standard was replaced on 2026-07-01
    hits = clause_search(sector=Sector.objects.get(code="hazchem"), keyword="报警")
    assert hits.exists() and all("报警" in c.text or "报警" in c.ref for c in hits)


def test_major_hazard_requires_clause_in_database(personas):
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    with pytest.raises(IntegrityError):
        Hazard.objects.filter(pk=hazard.pk).update(level=HazardLevel.MAJOR)


def test_register_refuses_major_without_clause_and_foreign_clause(personas):
    with pytest.raises(ServiceError, match="必须选择判定依据"):
        register(personas.inspector, clause=None)
    campus = EnterpriseFactory(sector=Sector.objects.get(code="campus"))
    gas_clause = Clause.objects.filter(standard__code="ranqi-2023").first()
    with pytest.raises(ServiceError, match="不适用于该企业的行业领域"):
        register(personas.inspector, enterprise=campus, clause=gas_clause)


def test_register_validates_dates_and_scope(personas):
    with pytest.raises(ServiceError, match="不能早于发现日期"):
        register(personas.inspector, deadline=date.today() - timedelta(days=1))
    with pytest.raises(ServiceError, match="发现日期不能晚于今天"):
        register(personas.inspector, found=date.today() + timedelta(days=1))
    from enterprises.models import Enterprise

    with pytest.raises(Enterprise.DoesNotExist):
        register(personas.inspector_b)
    with pytest.raises(ServiceError, match="角色不能登记"):
        register(personas.leader)


def test_numbers_are_per_county_and_year(personas):
    a1 = register(personas.inspector, found=date(2025, 12, 30))
    a2 = register(personas.inspector)
    b1 = register(personas.inspector_b, enterprise=EnterpriseFactory(region_id="150624"))
    year = date.today().year
    assert (a1.number, a2.number, b1.number) == (
        "150623-2025-00001",
        f"150623-{year}-00001",
        f"150624-{year}-00001",
    )


def test_update_writes_event_and_deadline_only_before_rectification(personas):
    hazard = register(personas.inspector)
    hazard_update(hazard=hazard, by=personas.inspector, place="二号储罐区")
    assert hazard.events.last().action == Action.EDIT
    assert hazard.events.last().data == {"fields": ["隐患地点/部位"]}
    new = date.today() + timedelta(days=60)
    hazard = hazard_update(hazard=hazard, by=personas.inspector, deadline=new)
    assert hazard.current_deadline == new
    advance(
        hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=personas.reviewer
    )
    with pytest.raises(ServiceError, match="请申请延期"):
        hazard_update(hazard=hazard, by=personas.inspector, deadline=new + timedelta(days=1))
    assert hazard.history.count() >= 3


def test_queue_by_role(personas):
    registered = register(personas.inspector)
    awaiting = advance(
        register(personas.inspector),
        HazardState.AWAITING_RECHECK,
        inspector=personas.inspector,
        reviewer=personas.reviewer,
    )
    rechecked = advance(
        register(personas.inspector),
        HazardState.RECHECKED,
        inspector=personas.inspector,
        reviewer=personas.reviewer,
    )
    closed = advance(
        register(personas.inspector),
        HazardState.CLOSED,
        inspector=personas.inspector,
        reviewer=personas.reviewer,
    )
    inspector_queue = set(hazard_queue(personas.inspector))
    assert {registered, awaiting} <= inspector_queue and closed not in inspector_queue
    assert rechecked not in inspector_queue
    # A reviewer's own queue: the unit's sign-offs; the unit view adds the re-checks.
    assert set(hazard_queue(personas.reviewer)) == {rechecked}
    assert set(hazard_queue(personas.reviewer, mine=False)) == {awaiting, rechecked}
    assert closed not in set(hazard_queue(personas.reviewer, mine=False))
    assert not hazard_queue(personas.inspector_b, mine=False).exists()
    assert not hazard_queue(personas.leader, mine=False).exists()


def test_the_queue_is_personal_by_default_and_says_why_each_hazard_waits(client, personas):
    """An inspector's own queue holds what they found or acted on; the unit view holds all."""
    colleague = UserFactory(
        username="colleague", role="inspector", department=personas.inspector.department
    )
    mine = register(personas.inspector)
    theirs = advance(
        register(colleague),
        HazardState.AWAITING_RECHECK,
        inspector=colleague,
        reviewer=personas.reviewer,
    )
    assert set(hazard_queue(personas.inspector)) == {mine}
    assert set(hazard_queue(personas.inspector, mine=False)) == {mine, theirs}
    client.force_login(personas.inspector)
    own = client.get(reverse("hazards:queue"))
    assert list(own.context["page"]) == [mine] and own.context["mine"] is True
    unit = client.get(reverse("hazards:queue"), {"scope": "unit"}).content.decode()
    assert theirs.number in unit and "待复查" in unit and "待录入整改方案" in unit
    workflow.apply(
        hazard=advance(mine, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=None),
        action=Action.REQUEST_EXTENSION,
        by=personas.inspector,
        requested_deadline=(mine.current_deadline + timedelta(days=20)).isoformat(),
        reason="设备到货延迟",
        interim_measures="停用储罐并专人值守",
    )
    client.force_login(personas.reviewer)
    reviewer = client.get(reverse("hazards:queue")).content.decode()
    assert mine.number in reviewer and "延期待审批" in reviewer


def test_overdue_is_computed_in_the_queryset(personas):
    from freezegun import freeze_time

    with freeze_time("2026-03-01"):
        hazard = register(personas.inspector, days=10, found=date(2026, 3, 1))
    with freeze_time("2026-03-11"):
        assert not Hazard.objects.overdue().exists()
    with freeze_time("2026-03-12"):
        assert list(Hazard.objects.overdue()) == [hazard]
        assert Hazard.objects.with_is_overdue().get().is_overdue
        assert hazard.overdue_days == 1


def test_overlong_and_out_of_range_inputs_are_clear_errors(personas):
    from hazards import workflow

    with pytest.raises(ServiceError, match="隐患地点/部位：") as info:
        register(personas.inspector, place="长" * 200)
    assert info.value.field == "place"
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError, match="整改责任人不能超过 64 个字"):
        workflow.apply(
            hazard=hazard,
            action=Action.START_RECTIFICATION,
            by=personas.inspector,
            measures="m",
            responsible_person="人" * 65,
            funds="1",
            emergency_plan="e",
            plan_deadline=hazard.current_deadline.isoformat(),
        )
    with pytest.raises(ServiceError, match="整改资金过大"):
        workflow.apply(
            hazard=hazard,
            action=Action.START_RECTIFICATION,
            by=personas.inspector,
            measures="m",
            responsible_person="张三",
            funds="1e20",
            emergency_plan="e",
            plan_deadline=hazard.current_deadline.isoformat(),
        )
    with pytest.raises(ServiceError, match="整改期限不能早于发现日期"):
        hazard_update(
            hazard=hazard, by=personas.inspector, deadline=hazard.found_date - timedelta(days=1)
        )


def test_register_refuses_a_sector_the_enterprise_does_not_have(personas):
    with pytest.raises(ServiceError, match="该企业登记的行业领域"):
        register(
            personas.inspector, level=HazardLevel.GENERAL, sector=Sector.objects.get(code="gas")
        )


@pytest.mark.django_db(transaction=True)
def test_committed_changes_bump_the_data_version(personas):
    from hazards import versioning, workflow

    before = versioning.data_version()
    hazard = register(personas.inspector, level=HazardLevel.GENERAL)
    after_register = versioning.data_version()
    assert after_register != before
    workflow.apply(hazard=hazard, action=Action.START_RECTIFICATION, by=personas.inspector)
    assert versioning.data_version() != after_register

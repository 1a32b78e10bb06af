"""双随机: reproducible from the stored seed and pools, tamper-evident, rotation and conflicts."""

import pytest
from django.utils import timezone

from core.errors import ServiceError
from inspections import draw as drawing
from inspections import selectors, services
from inspections.models import ConflictOfInterest, DrawTarget, RandomDraw
from tests.factories import EnterpriseFactory

from .conftest import visit

pytestmark = pytest.mark.django_db


def make_plan(team, enterprises=()):
    return services.plan_create(
        by=team.reviewer,
        name="2026年度安全生产执法检查计划",
        year=timezone.localdate().year,
        enterprises=enterprises,
    )


def test_same_seed_and_pool_give_the_same_draw():
    data = drawing.normalise(
        seed=20260423,
        enterprise_pool=[9, 3, 5, 1, 7, 11, 13],
        inspector_pool=[40, 41, 42, 43],
        exclusions={"3": [40]},
        count=4,
        per_target=2,
    )
    first = drawing.run("v1", data)
    again = drawing.run(
        "v1", drawing.normalise(**{**data.__dict__, "enterprise_pool": [13, 11, 9, 7, 5, 3, 1]})
    )
    assert first == again
    assert len(first) == 4 and len({row["enterprise"] for row in first}) == 4
    assert all(len(row["inspectors"]) == 2 for row in first)
    # A different seed gives a different draw (for this pool).
    other = drawing.run("v1", drawing.normalise(**{**data.__dict__, "seed": 1}))
    assert other != first


def test_draw_stores_everything_and_verifies(team):
    EnterpriseFactory.create_batch(8)
    plan = make_plan(team)
    draw = services.draw_run(by=team.reviewer, plan=plan, count=3, seed=12345)
    assert draw.seed == 12345 and draw.algorithm == "v1"
    assert draw.enterprise_pool == sorted(draw.enterprise_pool) and len(draw.enterprise_pool) == 8
    assert len(draw.result) == 3 and draw.targets.count() == 3
    assert set(plan.enterprises.values_list("pk", flat=True)) == {
        r["enterprise"] for r in draw.result
    }
    check = services.draw_verify(draw=draw)
    assert check.ok, check.problems
    draw.refresh_from_db()
    assert draw.last_verified_ok is True
    # Re-running the algorithm on the stored inputs reproduces the stored result exactly.
    second = drawing.run(
        "v1",
        drawing.normalise(
            seed=draw.seed,
            enterprise_pool=draw.enterprise_pool,
            inspector_pool=draw.inspector_pool,
            exclusions=draw.exclusions,
            count=draw.count,
            per_target=draw.inspectors_per_target,
        ),
    )
    assert second == draw.result


def test_verify_detects_a_tampered_result(team):
    EnterpriseFactory.create_batch(6)
    draw = services.draw_run(by=team.reviewer, plan=make_plan(team), count=2, seed=99)
    outsider = next(
        e for e in draw.enterprise_pool if e not in {r["enterprise"] for r in draw.result}
    )
    # Swap the drawn enterprise in the detail rows: the rows no longer match.
    target = draw.targets.first()
    original = target.enterprise_id
    DrawTarget.objects.filter(pk=target.pk).update(enterprise_id=outsider)
    check = services.draw_verify(draw=draw)
    assert not check.ok and not check.rows_match
    assert "抽取结果明细" in " ".join(check.problems)
    DrawTarget.objects.filter(pk=target.pk).update(enterprise_id=original)
    # Rewrite the stored result consistently with the rows: the re-run and fingerprint disagree.
    result = [dict(row) for row in draw.result]
    result[0]["enterprise"] = outsider
    RandomDraw.objects.filter(pk=draw.pk).update(result=result)
    DrawTarget.objects.filter(pk=target.pk).update(enterprise_id=outsider)
    check = services.draw_verify(draw=draw)
    assert not check.ok
    assert not check.rerun_matches and not check.fingerprint_matches
    draw.refresh_from_db()
    assert draw.last_verified_ok is False


def test_two_inspectors_per_target_rotation_and_conflicts(team):
    enterprises = EnterpriseFactory.create_batch(3)
    first = enterprises[0]
    # Last round: inspector and inspector2 visited the first enterprise.
    visit(team, first, inspectors=[team.inspector, team.inspector2])
    ConflictOfInterest.objects.create(
        inspector=team.inspector3, enterprise=enterprises[1], reason="近亲属在该企业任职"
    )
    plan = make_plan(team)
    for seed in range(8):
        draw = services.draw_run(by=team.reviewer, plan=plan, count=3, seed=seed)
        rows = {r["enterprise"]: set(r["inspectors"]) for r in draw.result}
        assert all(len(ids) >= 2 for ids in rows.values())
        assert not rows[first.pk] & {team.inspector.pk, team.inspector2.pk}
        assert rows[first.pk] == {team.inspector3.pk, team.inspector4.pk}
        assert team.inspector3.pk not in rows[enterprises[1].pk]
        assert str(first.pk) in draw.exclusions
        plan.enterprises.clear()  # draw the same pool again with the next seed


def test_draw_refuses_fewer_than_two_inspectors_and_a_too_small_pool(team):
    EnterpriseFactory.create_batch(2)
    plan = make_plan(team)
    with pytest.raises(ServiceError, match="至少抽取 2 名"):
        services.draw_run(by=team.reviewer, plan=plan, count=1, inspectors_per_target=1)
    with pytest.raises(ServiceError, match="少于要抽取的 5 家"):
        services.draw_run(by=team.reviewer, plan=plan, count=5)
    with pytest.raises(ServiceError, match="不能组织双随机抽取"):
        services.draw_run(by=team.inspector, plan=plan, count=1)


def test_draw_pool_filters(team):
    key = EnterpriseFactory(key_supervision=True, risk_grade="red")
    EnterpriseFactory(key_supervision=False, risk_grade="blue")
    recent = EnterpriseFactory(key_supervision=True, risk_grade="red")
    visit(team, recent)
    draw = services.draw_run(
        by=team.reviewer,
        plan=make_plan(team),
        count=1,
        risk_grades=["red"],
        key_supervision_only=True,
        exclude_days=30,
    )
    assert draw.enterprise_pool == [key.pk]


def test_plan_progress_counts_the_random_share(team):
    named = EnterpriseFactory()
    EnterpriseFactory.create_batch(4)
    plan = make_plan(team, [named])
    services.draw_run(by=team.reviewer, plan=plan, count=3, seed=1)
    progress = selectors.plan_progress(plan)
    assert (progress.targets, progress.drawn) == (4, 3)
    assert progress.random_share == 75.0 and progress.meets_share

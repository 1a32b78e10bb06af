"""Races on PostgreSQL with real connections: one sign-off wins, numbers have no gaps."""

import threading

import pytest
from django.db import connection

from core.errors import ServiceError
from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState
from hazards.models import Hazard, HazardEvent
from hazards.services import hazard_register
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazard_helpers import advance, register, today

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(functions):
    """Start every function at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except Exception as exc:  # collected and asserted on by the caller
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_reviewers_sign_off_at_once_exactly_one_wins(personas):
    from accounts.choices import Role

    second = UserFactory(
        username="reviewer2", role=Role.REVIEWER, department=personas.reviewer.department
    )
    hazard = advance(
        register(personas.inspector),
        HazardState.RECHECKED,
        inspector=personas.inspector,
        reviewer=personas.reviewer,
    )
    results = run_together(
        [
            lambda: workflow.apply(hazard=hazard.pk, action=Action.SIGN_OFF, by=personas.reviewer),
            lambda: workflow.apply(hazard=hazard.pk, action=Action.SIGN_OFF, by=second),
        ]
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ServiceError)
    assert error.message == "隐患当前状态为“已销号”，不能销号。"
    assert HazardEvent.objects.filter(hazard=hazard, action=Action.SIGN_OFF).count() == 1
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.CLOSED


def test_fifty_concurrent_registrations_get_consecutive_numbers(personas):
    enterprises = [EnterpriseFactory() for _ in range(5)]
    clause_enterprise = enterprises[0]

    def make(i):
        return lambda: (
            hazard_register(
                by=personas.inspector,
                enterprise=enterprises[i % 5],
                level=HazardLevel.GENERAL,
                place=f"部位{i}",
                description=f"隐患{i}",
                deadline=today(),
            ).number
        )

    results = run_together([make(i) for i in range(50)])
    assert all(kind == "ok" for kind, _ in results), [r for r in results if r[0] != "ok"][:3]
    year = today().year
    assert sorted(number for _, number in results) == [
        f"150623-{year}-{n:05d}" for n in range(1, 51)
    ]
    assert clause_enterprise.hazards.count() == 10

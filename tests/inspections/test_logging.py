"""Each document issued, each draw and each refused step leaves one line in the log: who, what
and how long."""

import logging
import re

import pytest
from django.utils import timezone

from core.errors import ServiceError
from inspections import services
from inspections.choices import DocumentType
from tests.factories import EnterpriseFactory

from .conftest import checked_visit

pytestmark = pytest.mark.django_db

TIMED = re.compile(r"— by \S+ \(#\d+\), \d+ ms$")


def lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("inspections.services")]


def test_a_document_issue_logs_who_what_and_how_long(team, enterprise, caplog):
    inspection, _, _ = checked_visit(team, enterprise)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="inspections"):
        document = services.document_issue(
            by=team.inspector, inspection=inspection, type=DocumentType.ORDER
        )
    [record] = lines(caplog)
    message = record.getMessage()
    assert record.levelno == logging.INFO
    assert "责令限期整改指令书" in message and document.number in message
    assert f"inspection #{inspection.pk}" in message and team.inspector.username in message
    assert TIMED.search(message), message


def test_a_draw_logs_its_seed_and_result(team, caplog):
    EnterpriseFactory.create_batch(3)
    plan = services.plan_create(by=team.reviewer, name="计划", year=2026)
    with caplog.at_level(logging.INFO, logger="inspections"):
        draw = services.draw_run(by=team.reviewer, plan=plan, count=2, seed=11)
    [record] = lines(caplog)
    message = record.getMessage()
    assert f"plan #{plan.pk}" in message and f"draw #{draw.pk}" in message
    assert "seed 11" in message and team.reviewer.username in message
    assert TIMED.search(message), message


def test_a_refusal_is_logged_once_with_its_reason(team, personas, caplog):
    EnterpriseFactory.create_batch(3)
    plan = services.plan_create(by=team.reviewer, name="计划", year=2026)
    draw = services.draw_run(by=team.reviewer, plan=plan, count=1, seed=5)
    target = draw.targets.get()
    caplog.clear()
    # Scheduling a drawn target schedules a visit, which a leader may not do: one line, for
    # the step the leader asked for.
    with caplog.at_level(logging.INFO, logger="inspections"):
        with pytest.raises(ServiceError) as refused:
            services.draw_target_schedule(
                by=personas.leader, target=target, date=timezone.localdate()
            )
    [record] = lines(caplog)
    message = record.getMessage()
    assert f"drawn target #{target.pk} refused" in message
    assert refused.value.message in message and "[role]" in message
    assert personas.leader.username in message and TIMED.search(message), message

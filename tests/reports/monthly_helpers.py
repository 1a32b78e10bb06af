"""Monthly report test data: a county with old stock, new and closed hazards of both levels in
two towns, another county with a little of everything, and what a county filer does."""

from __future__ import annotations

from datetime import date

from freezegun import freeze_time

from hazards import workflow
from hazards.choices import Action, HazardLevel, HazardState, SupervisionLevel
from reports.monthly import filing, services
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import advance, register

AS_OF = date(2026, 5, 20)
START = date(2026, 4, 21)


def _make(
    personas,
    found,
    *,
    level=HazardLevel.MAJOR,
    days=30,
    close_on=None,
    town="150623101",
    sector=None,
    to=None,
):
    from core.models import Region, Sector

    with freeze_time(found):
        enterprise = EnterpriseFactory(
            region=Region.objects.get(code=town),
            **({"sector": Sector.objects.get(code=sector)} if sector else {}),
        )
        inspector = personas.inspector if town.startswith("150623") else personas.inspector_b
        hazard = register(inspector, enterprise=enterprise, level=level, days=days, found=found)
    if to:
        with freeze_time(found):
            advance(hazard, to, inspector=inspector, reviewer=personas.reviewer)
    if close_on:
        with freeze_time(close_on):
            advance(hazard, HazardState.CLOSED, inspector=inspector, reviewer=personas.reviewer)
    return hazard


def make_data(personas):
    """A county with old stock, new and closed hazards of both levels in two towns; another
    county with a little of everything."""
    p = personas
    _make(p, date(2023, 6, 1))  # old stock, open and overdue
    _make(p, date(2026, 3, 1), close_on=date(2026, 5, 2))  # opening stock closed in period
    _make(p, date(2026, 4, 10), days=60, to=HazardState.RECTIFYING)  # opening stock, on time
    _make(p, date(2026, 4, 25), close_on=date(2026, 5, 10), town="150623102", sector="gas")
    listed = _make(p, date(2026, 4, 28), days=10, to=HazardState.RECTIFYING)  # overdue
    with freeze_time(date(2026, 5, 1)):
        workflow.apply(
            hazard=listed,
            action=Action.LIST_SUPERVISION,
            by=p.reviewer,
            level=SupervisionLevel.COUNTY,
            issuing_unit="鄂托克前旗安委办",
            doc_no="鄂前安办督〔2026〕1号",
            deadline="2026-06-30",
        )
    _make(p, date(2026, 5, 5), level=HazardLevel.GENERAL, days=5)  # overdue general
    _make(p, date(2026, 5, 6), level=HazardLevel.GENERAL, close_on=date(2026, 5, 18))
    _make(p, date(2026, 5, 20), level=HazardLevel.GENERAL, town="150623102")
    _make(p, date(2026, 5, 10), close_on=date(2026, 5, 15))
    _make(p, date(2026, 5, 8), level=HazardLevel.GENERAL, town="150624")
    _make(p, date(2026, 4, 30), town="150624", days=5)
    return p


def build(on=AS_OF, force=True):
    with freeze_time(on):
        return services.monthly_reports_build(on=on, force=force)


ENTERED = {"cases_filed": 1, "fines": "2.5", "closed_down": 0, "judiciary": 0}


def file(report, by, **data):
    """What a county filer does: enter the figures the system does not record, then submit."""
    filing.report_update(report=report, by=by, data={**ENTERED, **data})
    return filing.report_submit(report=report, by=by)

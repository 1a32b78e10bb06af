"""Demo self-inspection summaries and one acknowledged notice for `make run`.

Summaries of last month (and the month before, for the enterprise the demo enterprise account
holds) for a few 鄂托克前旗 enterprises, consistent with the hazards each reported itself; the
others are left to show on the list of enterprises that have not filed. The enterprise account
`qiye` is used as the filer and signer when it exists; the demo works without it.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.utils import timezone

from enterprises.choices import EnterpriseStatus
from enterprises.demo import qiye_enterprise
from enterprises.models import Enterprise

from ..models import Notice, SelfCheckSummary
from ..notices.steps import ENTERPRISE_STEPS
from . import services

COUNTY = "150623"
OTHER_FILERS = 3


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _account(enterprise: Enterprise):
    """The demo enterprise account holding this enterprise, when it exists."""
    return (
        get_user_model()
        .objects.filter(username="qiye", enterprises=enterprise, is_active=True)
        .first()
    )


def _summary(enterprise: Enterprise, year: int, month: int, extra: int) -> bool:
    reported = services.self_reported(enterprise, year, month)
    due = services.due_date(year, month)
    filed_at = timezone.make_aware(datetime.combine(min(due, timezone.localdate()), time(10)))
    _, created = SelfCheckSummary.objects.get_or_create(
        enterprise=enterprise,
        year=year,
        month=month,
        defaults={
            "principal": enterprise.principal or "主要负责人",
            "found_count": reported.total + extra,
            "rectified_count": extra,
            "major_count": reported.major,
            "no_major_declared": reported.major == 0,
            "note": "已按判定标准完成本月隐患自查。",
            "filed_by": _account(enterprise),
            "filed_at": filed_at,
            "due_date": due,
        },
    )
    return created


def _acknowledge_one(enterprise: Enterprise) -> int:
    """One overdue notice served on an enterprise, acknowledged (the demo account's own
    enterprise first, else any of the county)."""
    served = Notice.objects.sent().filter(
        step__in=ENTERPRISE_STEPS, hazard__region__code__startswith=COUNTY
    )
    notice = (
        served.filter(hazard__enterprise=enterprise).order_by("issued_on", "pk").first()
        or served.order_by("issued_on", "pk").first()
    )
    if notice is None or notice.acknowledged_at is not None:
        return 0
    issued = datetime.combine(notice.issued_on, time(15, 20))
    notice.acknowledged_at = timezone.make_aware(issued)
    notice.acknowledged_by = _account(notice.hazard.enterprise)
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return 1


def seed_selfcheck() -> int:
    year, month = services.default_period()
    own = qiye_enterprise()
    others = (
        Enterprise.objects.filter(
            region__code__startswith=COUNTY, status=EnterpriseStatus.OPERATING
        )
        .exclude(pk=own.pk)
        .order_by("name")[:OTHER_FILERS]
    )
    made = _summary(own, year, month, 2) + _summary(own, *_previous(year, month), 1)
    for n, enterprise in enumerate(others):
        made += _summary(enterprise, year, month, n)
    return made + _acknowledge_one(own)

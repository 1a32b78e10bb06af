"""The inspection indicators page: coverage of key enterprises, visits against yearly caps,
inspector workload."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from core.choices import RegionLevel
from core.models import Region
from enterprises.models import Enterprise

from .. import indicators
from ..forms import PeriodForm


@login_required
def indicator_page(request):
    form = PeriodForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    region = data.get("region") or request.user.region
    if region is None:
        region = Region.objects.filter(level=RegionLevel.PROVINCE).first()
    start = data.get("start") or date(today.year, 1, 1)
    end = data.get("end") or today
    caps = indicators.visits_against_caps(user=request.user, region=region, year=end.year)
    return render(
        request,
        "inspections/indicators.html",
        {
            "form": form,
            "region": region,
            "start": start,
            "end": end,
            "coverage": indicators.key_supervision_coverage(
                user=request.user, region=region, start=start, end=end
            ),
            "caps": caps[:100],
            "over_cap": sum(1 for row in caps if row.visits > row.cap),
            "cap_table": indicators.yearly_caps(),
            "workload": indicators.inspector_workload(
                user=request.user, region=region, start=start, end=end
            ),
            "enterprise_count": Enterprise.objects.for_user(request.user).count(),
        },
    )

"""The one FilterSet of the monthly report list, for the page and the API."""

from __future__ import annotations

import django_filters

from core.filtersets import scoped
from core.models import Region

from ..choices import ReportState
from ..filtering import IntegerFilter
from ..models import MonthlyReport


class ReportFilterSet(django_filters.FilterSet):
    year = IntegerFilter(label="年度", min_value=2000, max_value=2100)
    month = IntegerFilter(label="月份", min_value=1, max_value=12)
    state = django_filters.ChoiceFilter(label="状态", choices=ReportState.choices)
    region = django_filters.ModelChoiceFilter(
        label="填报地区", queryset=scoped(Region), help_text="地区代码。"
    )

    class Meta:
        model = MonthlyReport
        fields: list[str] = []

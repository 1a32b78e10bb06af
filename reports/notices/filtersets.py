"""The one FilterSet of the notice list, for the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from core.filtersets import YesNoAll, scoped
from hazards.choices import HazardLevel
from hazards.models import Hazard

from ..choices import REMINDER_PREFIX, NoticeStep
from ..models import Notice

# The step filter's value for every reminder, whatever its number of days.
ANY_REMINDER = "remind"


class NoticeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键字", method="filter_keyword", help_text="文号、隐患编号或企业名称。"
    )
    step = django_filters.ChoiceFilter(
        label="环节",
        choices=[(ANY_REMINDER, "到期提醒（全部）"), *NoticeStep.choices],
        method="filter_step",
        help_text="remind 表示全部到期提醒，或某一环节。",
    )
    level = django_filters.ChoiceFilter(
        label="隐患级别", choices=HazardLevel.choices, field_name="hazard__level"
    )
    hazard = django_filters.ModelChoiceFilter(
        label="隐患", queryset=scoped(Hazard), help_text="隐患 id。"
    )
    after = django_filters.DateFilter(
        label="到期日起", field_name="due_date", lookup_expr="gte", help_text="到期日不早于该日。"
    )
    before = django_filters.DateFilter(
        label="到期日止", field_name="due_date", lookup_expr="lte", help_text="到期日不晚于该日。"
    )
    open = django_filters.BooleanFilter(
        label="仅未销号",
        method="filter_open",
        widget=YesNoAll,
        help_text="true：只列未销号隐患的通知。",
    )

    class Meta:
        model = Notice
        fields: list[str] = []

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(hazard__number__icontains=value)
            | Q(hazard__enterprise__name__icontains=value)
        )

    def filter_step(self, queryset, name, value):
        if value == ANY_REMINDER:
            return queryset.filter(step__startswith=REMINDER_PREFIX)
        return queryset.filter(step=value)

    def filter_open(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(hazard__in=Hazard.objects.open().values("pk"))

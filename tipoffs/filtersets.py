"""The one FilterSet of public reports: the staff list page and the API list."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from core.filtersets import DATE, RegionFilter

from .choices import TipoffState
from .models import Tipoff


class TipoffFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键字", method="filter_keyword", max_length=64)
    state = django_filters.ChoiceFilter(
        label="状态", choices=TipoffState.choices, empty_label="全部"
    )
    region = RegionFilter()
    created_after = django_filters.DateFilter(
        label="举报日期起", field_name="created_at", lookup_expr="date__gte", widget=DATE
    )
    created_before = django_filters.DateFilter(
        label="举报日期止", field_name="created_at", lookup_expr="date__lte", widget=DATE
    )

    class Meta:
        model = Tipoff
        fields = ["q", "state", "region", "created_after", "created_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_keyword(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(what__icontains=value) | Q(where__icontains=value))

"""One FilterSet for the hazard list page, the API and the ledger export."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from core.filtersets import DATE, OneFormFilterSet, RegionFilter, SectorFilter, YesNoAll, scoped
from core.models import Region, Sector
from enterprises.models import Enterprise

from .choices import (
    OPEN_STATES,
    BasisKind,
    HazardLevel,
    HazardSource,
    HazardState,
    SupervisionLevel,
)
from .models import Hazard, JudgmentStandard, found_by_regulator_q

OVERDUE_DAYS_MAX = 36_500


class HazardFilterSet(OneFormFilterSet):
    q = django_filters.CharFilter(label="关键字", method="filter_keyword")
    # distinct=False: the filter joins nothing, and SELECT DISTINCT would defeat the list's
    # (found_date, number) index at province scale.
    state = django_filters.MultipleChoiceFilter(
        label="整改状态", choices=HazardState.choices, widget=forms.SelectMultiple, distinct=False
    )
    is_open = django_filters.BooleanFilter(label="未销号", method="filter_open", widget=YesNoAll)
    level = django_filters.ChoiceFilter(
        label="隐患级别", choices=HazardLevel.choices, empty_label="全部"
    )
    overdue = django_filters.BooleanFilter(label="逾期", method="filter_overdue", widget=YesNoAll)
    supervision_level = django_filters.ChoiceFilter(
        label="挂牌级别", choices=SupervisionLevel.choices, empty_label="全部"
    )
    supervised = django_filters.BooleanFilter(
        label="挂牌督办", method="filter_supervised", widget=YesNoAll
    )
    region = RegionFilter()
    sector = SectorFilter()
    source = django_filters.ChoiceFilter(
        label="隐患来源", choices=HazardSource.choices, empty_label="全部"
    )
    basis = django_filters.ChoiceFilter(
        label="判定依据", choices=BasisKind.choices, empty_label="全部", method="filter_basis"
    )
    enterprise = django_filters.ModelChoiceFilter(
        label="企业", queryset=scoped(Enterprise), empty_label="全部"
    )
    found_after = django_filters.DateFilter(
        label="发现日期起", field_name="found_date", lookup_expr="gte", widget=DATE
    )
    found_before = django_filters.DateFilter(
        label="发现日期止", field_name="found_date", lookup_expr="lte", widget=DATE
    )
    deadline_after = django_filters.DateFilter(
        label="整改期限起", field_name="current_deadline", lookup_expr="gte", widget=DATE
    )
    deadline_before = django_filters.DateFilter(
        label="整改期限止", field_name="current_deadline", lookup_expr="lte", widget=DATE
    )
    closed_after = django_filters.DateFilter(
        label="销号日期起", field_name="closed_date", lookup_expr="gte", widget=DATE
    )
    closed_before = django_filters.DateFilter(
        label="销号日期止", field_name="closed_date", lookup_expr="lte", widget=DATE
    )
    # Drill-down targets of the dashboard (reports/dashboard.py): hazards registered on a region
    # itself rather than a sub-region, and overdue hazards by how many days they are overdue.
    region_exact = django_filters.ModelChoiceFilter(
        label="所属地区（仅本级）", queryset=scoped(Region), field_name="region", empty_label="全部"
    )
    # Bounded: a day count past a century cannot be subtracted from a date (and means nothing).
    overdue_days_min = django_filters.NumberFilter(
        label="逾期天数不少于",
        method="filter_overdue_days",
        min_value=0,
        max_value=OVERDUE_DAYS_MAX,
    )
    overdue_days_max = django_filters.NumberFilter(
        label="逾期天数不超过",
        method="filter_overdue_days",
        min_value=0,
        max_value=OVERDUE_DAYS_MAX,
    )
    # Drill-down targets of 检查发现隐患督促整改率: the original deadline (before any extension),
    # hazards found by the regulators, and whether the hazard is 督促整改到位 today.
    original_deadline_after = django_filters.DateFilter(
        label="原整改期限起", field_name="deadline", lookup_expr="gte", widget=DATE
    )
    original_deadline_before = django_filters.DateFilter(
        label="原整改期限止", field_name="deadline", lookup_expr="lte", widget=DATE
    )
    by_regulator = django_filters.BooleanFilter(
        label="监管部门检查发现", method="filter_by_regulator", widget=YesNoAll
    )
    urged = django_filters.BooleanFilter(
        label="督促整改到位（已整改或经批准延期）", method="filter_urged", widget=YesNoAll
    )
    ordering = django_filters.OrderingFilter(
        label="排序",
        fields=(
            ("number", "number"),
            ("found_date", "found_date"),
            ("current_deadline", "deadline"),
            ("state", "state"),
            ("level", "level"),
            ("enterprise__name", "enterprise"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "number": "隐患编号",
            "found_date": "发现日期",
            "current_deadline": "整改期限",
            "state": "整改状态",
            "level": "隐患级别",
            "enterprise__name": "企业",
            "updated_at": "更新时间",
        },
    )

    class Meta:
        model = Hazard
        fields = []

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Each condition on its own table, so each can use its trigram index (no join + OR).
        enterprises = Enterprise.objects.filter(name__icontains=value).values("pk")
        return queryset.filter(
            Q(number__icontains=value)
            | Q(description__icontains=value)
            | Q(place__icontains=value)
            | Q(enterprise__in=enterprises)
        )

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(state__in=OPEN_STATES)
            if value
            else queryset.exclude(state__in=OPEN_STATES)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.overdue(today) if value else queryset.not_overdue(today)

    def filter_overdue_days(self, queryset, name, value):
        """Overdue (open, deadline passed) by at least / at most `value` days."""
        if value is None:
            return queryset
        today = timezone.localdate()
        boundary = today - timedelta(days=int(value))
        queryset = queryset.overdue(today)
        if name == "overdue_days_min":
            return queryset.filter(current_deadline__lte=boundary)
        return queryset.filter(current_deadline__gte=boundary)

    def filter_basis(self, queryset, name, value):
        if value == BasisKind.CLAUSE:
            return queryset.filter(clause__isnull=False)
        if value == BasisKind.OTHER:
            return queryset.exclude(other_basis="")
        return queryset

    def filter_by_regulator(self, queryset, name, value):
        if value is None:
            return queryset
        found = found_by_regulator_q()
        return queryset.filter(found) if value else queryset.exclude(found)

    def filter_urged(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.urged() if value else queryset.not_urged()

    def filter_supervised(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.exclude(supervision_level="")
            if value
            else queryset.filter(supervision_level="")
        )

    @property
    def form(self):
        form = super().form
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.Select) and name != "ordering":
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        return form


class StandardFilterSet(django_filters.FilterSet):
    """The judgment standards list of the API: reference data, the same for every user."""

    q = django_filters.CharFilter(label="关键字（名称、文号、发布机关）", method="filter_keyword")
    sector = django_filters.ModelChoiceFilter(
        label="适用行业领域",
        queryset=Sector.objects.all(),
        field_name="sectors",
        method="filter_sector",
    )

    class Meta:
        model = JudgmentStandard
        fields = ["q", "sector"]

    def filter_keyword(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(doc_no__icontains=word) | Q(issuer__icontains=word)
            )
        return queryset

    def filter_sector(self, queryset, name, value):
        if not value:
            return queryset
        ids = [value.pk] + ([value.parent_id] if value.parent_id else [])
        return queryset.filter(pk__in=JudgmentStandard.objects.filter(sectors__in=ids).values("pk"))

"""One FilterSet per inspections list, shared by its page and the API (`filterset_class`).

Every choice that names an object comes from the user's scope: a filter value outside it is
a bad value (shown as such), never a way to learn what exists elsewhere."""

from __future__ import annotations

import django_filters
from django import forms

from core.filtersets import scoped
from core.models import Department, Region
from enterprises.models import Enterprise

from .choices import DocumentType, InspectionMethod, InspectionStatus, PlanPeriod
from .models import EnforcementDocument, Inspection, InspectionPlan, RandomDraw


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="企业名称", method="filter_keyword")
    status = django_filters.ChoiceFilter(
        label="状态", choices=InspectionStatus.choices, empty_label="全部"
    )
    method = django_filters.ChoiceFilter(
        label="检查方式", choices=InspectionMethod.choices, empty_label="全部"
    )
    # A checkbox: any value but "false" means ticked, as the list page's form sends it.
    mine = django_filters.BooleanFilter(
        label="只看我参加的", method="filter_mine", widget=forms.CheckboxInput
    )
    date = django_filters.DateFilter(label="检查日期")
    enterprise = django_filters.ModelChoiceFilter(
        label="被检查单位", queryset=scoped(Enterprise), empty_label="全部"
    )
    plan = django_filters.ModelChoiceFilter(
        label="执法检查计划", queryset=scoped(InspectionPlan), empty_label="全部"
    )

    class Meta:
        model = Inspection
        fields = []

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(inspectors=self.request.user) if value else queryset


class PlanFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度")
    period = django_filters.ChoiceFilter(
        label="计划类型", choices=PlanPeriod.choices, empty_label="全部"
    )
    region = django_filters.ModelChoiceFilter(
        label="检查地区", queryset=scoped(Region), empty_label="全部"
    )
    department = django_filters.ModelChoiceFilter(
        label="执法部门", queryset=scoped(Department), empty_label="全部"
    )

    class Meta:
        model = InspectionPlan
        fields = []


class DrawFilterSet(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label="执法检查计划", queryset=scoped(InspectionPlan), empty_label="全部"
    )
    region = django_filters.ModelChoiceFilter(
        label="抽取地区", queryset=scoped(Region), empty_label="全部"
    )

    class Meta:
        model = RandomDraw
        fields = []


class DocumentFilterSet(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        label="文书类型", choices=DocumentType.choices, empty_label="全部"
    )

    class Meta:
        model = EnforcementDocument
        fields = []

"""One FilterSet for the enterprise list page, the API and exports."""

import django_filters
from django import forms
from django.db.models import Q

from core.models import Region, Sector
from core.widgets import RegionSelect

from .choices import EnterpriseStatus, RiskGrade, StandardizationLevel
from .models import Enterprise


def _regions(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.for_user(user)


class YesNoAll(forms.Select):
    """A yes/no/all select for boolean filters ("true"/"false"/"")."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", "全部"), ("true", "是"), ("false", "否")])

    def format_value(self, value):
        return {True: ["true"], False: ["false"], "true": ["true"], "false": ["false"]}.get(
            value, [""]
        )

    def value_from_datadict(self, data, files, name):
        return {"true": True, "false": False}.get(data.get(name))


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键字", method="filter_keyword")
    region = django_filters.ModelChoiceFilter(
        label="所属地区（含下级）",
        queryset=_regions,
        method="filter_region",
        empty_label="全部",
        widget=RegionSelect,
    )
    sector = django_filters.ModelChoiceFilter(
        label="行业领域", queryset=Sector.objects.all(), method="filter_sector", empty_label="全部"
    )
    risk_grade = django_filters.ChoiceFilter(
        label="风险等级", choices=RiskGrade.choices, empty_label="全部"
    )
    standardization_level = django_filters.ChoiceFilter(
        label="标准化等级", choices=StandardizationLevel.choices, empty_label="全部"
    )
    key_supervision = django_filters.BooleanFilter(label="重点监管", widget=YesNoAll)
    status = django_filters.ChoiceFilter(
        label="经营状态", choices=EnterpriseStatus.choices, empty_label="全部"
    )
    ordering = django_filters.OrderingFilter(
        label="排序",
        fields=(
            ("name", "name"),
            ("credit_code", "credit_code"),
            ("region__code", "region"),
            ("sector__order", "sector"),
            ("risk_grade", "risk_grade"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": "企业名称",
            "credit_code": "信用代码",
            "region__code": "所属地区",
            "sector__order": "行业领域",
            "risk_grade": "风险等级",
            "updated_at": "更新时间",
        },
    )

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "region",
            "sector",
            "risk_grade",
            "standardization_level",
            "key_supervision",
            "status",
        ]

    @property
    def form(self):
        form = super().form
        for name, field in form.fields.items():
            if name not in ("q", "ordering"):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
        return form

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.prefix) if value else queryset

    def filter_sector(self, queryset, name, value):
        if not value:
            return queryset
        ids = [value.pk, *value.children.values_list("pk", flat=True)]
        return queryset.filter(Q(sector__in=ids) | Q(other_sectors__in=ids)).distinct()

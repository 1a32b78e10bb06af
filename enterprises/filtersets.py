"""One FilterSet for the enterprise list page, the API and exports."""

import django_filters
from django.db.models import Q

from core.filtersets import RegionFilter, SectorFilter, YesNoAll

from .choices import EnterpriseStatus, RiskGrade, StandardizationLevel
from .models import Enterprise


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键字", method="filter_keyword")
    region = RegionFilter()
    # An enterprise belongs to a sector through its main sector or one of its other sectors.
    sector = SectorFilter(method="filter_sector")
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

    def filter_sector(self, queryset, name, value):
        if not value:
            return queryset
        ids = [value.pk, *value.children.values_list("pk", flat=True)]
        return queryset.filter(Q(sector__in=ids) | Q(other_sectors__in=ids)).distinct()

"""Filter pieces every list shares: choice lists scoped to the user, region and sector filters
that include the sub-tree, and the yes/no/all and date widgets."""

from __future__ import annotations

import django_filters
from django import forms

from core.models import Region, Sector
from core.widgets import RegionSelect

DATE = forms.DateInput(attrs={"type": "date"})


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def scoped(model):
    """A choice queryset for a FilterSet: the objects of `model` the requesting user may see."""

    def queryset(request):
        user = _user(request)
        return model.objects.for_user(user) if user is not None else model.objects.none()

    return queryset


def user_sectors(request):
    """The sectors a user's department supervises (every sector for 应急 and 安委办)."""
    user = _user(request)
    if user is None:
        return Sector.objects.none()
    ids = user.scope_sector_ids
    return Sector.objects.all() if ids is None else Sector.objects.filter(pk__in=ids)


class _FieldsOfOneForm(dict):
    """The fields of a form class that django-filter built for one FilterSet: made fresh for it,
    so the one form made from the class need not deep-copy them again (a form copies each field
    with its widget and choices)."""

    def __deepcopy__(self, memo):
        return dict(self)


class OneFormFilterSet(django_filters.FilterSet):
    """A FilterSet whose form takes the fields made for it as they are. django-filter builds a
    form class from this FilterSet's own filters (copied from the class for each FilterSet) and
    makes one form of it; the fields are that form's alone."""

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _FieldsOfOneForm(form_class.base_fields)
        return form_class


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


class RegionFilter(django_filters.ModelChoiceFilter):
    """A region of the user's jurisdiction; the rows of that region and every region below it."""

    def __init__(self, *, field_name: str = "region", label: str = "所属地区（含下级）", **kwargs):
        kwargs.setdefault("queryset", scoped(Region))
        kwargs.setdefault("empty_label", "全部")
        kwargs.setdefault("widget", RegionSelect)
        super().__init__(field_name=field_name, label=label, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__code__startswith": value.prefix})


class SectorFilter(django_filters.ModelChoiceFilter):
    """A sector the user's department supervises; the rows of that sector and its sub-sectors."""

    def __init__(self, *, field_name: str = "sector", label: str = "行业领域", **kwargs):
        kwargs.setdefault("queryset", user_sectors)
        kwargs.setdefault("empty_label", "全部")
        super().__init__(field_name=field_name, label=label, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ids = [value.pk, *value.children.values_list("pk", flat=True)]
        return qs.filter(**{f"{self.field_name}__in": ids})

"""What the reports lists share for filtering: the API answers a bad filter value as the pages
show it (core.filtering), named by the filter's label."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend

from core.errors import ServiceError

# The API's wording for a number that is not one (the page shows the same sentence).
NOT_AN_INTEGER = "请填写合法的整数值。"


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter ("1.5" and "²" are refused, not rounded or dropped)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": NOT_AN_INTEGER})
        super().__init__(*args, **kwargs)


def filter_error(filterset) -> ServiceError:
    """The FilterSet's problems as one input error: the first names its filter's label."""
    form = filterset.form
    fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    name, problems = next(iter(fields.items()))
    label = form.fields[name].label if name in form.fields else ""
    return ServiceError(f"{label}：{problems[0]}" if label else problems[0], fields=fields)


class FilterSetBackend(DjangoFilterBackend):
    """The view's filterset_class on its list; a bad value answers 400 with the shared error body.

    Only the list is filtered: a detail, a file or a step answers for its object whatever the
    query string says."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise filter_error(filterset)
        return filterset.qs

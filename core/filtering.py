"""Applying a list page's FilterSet: bad filter values are shown, never silently dropped."""

from __future__ import annotations

from django.db.models import QuerySet


def filter_results(filterset, queryset: QuerySet) -> tuple[QuerySet, list[str]]:
    """The filtered rows and, for filter values that cannot be read, one message per field.

    With a bad value the page lists nothing rather than everything: a list that quietly
    ignored a filter would look filtered while it is not."""
    if not filterset.is_bound:
        return queryset, []
    if filterset.is_valid():
        return filterset.qs, []
    form = filterset.form
    errors = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        errors += [f"{label}：{message}" if label else message for message in messages]
    return queryset.none(), errors

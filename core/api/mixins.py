"""What every API view shares: the documented errors, input PostgreSQL cannot store, and query
parameters held to their published types."""

import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_filters import filters as df

from core.errors import ServiceError, has_chinese

from .schema import ApiSchema


def validated(serializer) -> dict:
    """The serializer's data, or an input ServiceError naming the first bad field in Chinese."""
    if serializer.is_valid():
        return dict(serializer.validated_data)
    name, problems = next(iter(serializer.errors.items()))
    message = str(problems[0] if isinstance(problems, list) and problems else problems)
    field = serializer.fields.get(name)
    label = str(field.label) if field is not None and field.label else ""
    if has_chinese(label):
        message = f"{label}：{message}"
    raise ServiceError(message, fields=serializer.errors)


NUL_MESSAGE = "不能包含空字符（\\x00）。"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def reject_nul(request) -> None:
    """A NUL character reaches PostgreSQL as an error (500) wherever a value is looked up or
    stored without a form field's own check: refuse it up front as bad input (400)."""
    errors = {}
    for key, values in request.query_params.lists():
        if _has_nul(key) or _has_nul(values):
            errors[key.replace("\x00", "")] = [NUL_MESSAGE]
    data = request.data
    if hasattr(data, "lists"):
        items = [(key, values) for key, values in data.lists() if isinstance(key, str)]
    elif isinstance(data, dict):
        items = list(data.items())
    else:
        items = [("non_field_errors", data)]
    for key, value in items:
        if _has_nul(key) or _has_nul(value):
            errors[str(key).replace("\x00", "")] = [NUL_MESSAGE]
    if errors:
        raise ServiceError(f"{next(iter(errors))}：{NUL_MESSAGE}", fields=errors)


# Filters that take several values (?state=a&state=b, ?ordering=a,b).
_MULTIPLE = (df.MultipleChoiceFilter, df.BaseCSVFilter)
_INTEGER = re.compile(r"-?[0-9]+")
_POSITIVE = re.compile(r"[0-9]*[1-9][0-9]*")


def _integer_filter(model, flt) -> bool:
    """A number filter on an integer column is published as an integer."""
    try:
        field = model._meta.get_field(flt.field_name)
    except FieldDoesNotExist:  # a method filter or a path through a relation
        return False
    return isinstance(field, models.IntegerField)


def _filter_problem(model, flt, values: list[str]) -> str | None:
    if len(values) > 1 and not isinstance(flt, _MULTIPLE):
        return "只能填写一个值。"
    value = values[0]
    if value == "" or isinstance(flt, _MULTIPLE):
        return None  # empty means "any", as on the list page; a choice list checks itself
    if isinstance(flt, df.BooleanFilter) and value not in ("true", "false"):
        return "应为 true 或 false。"
    if isinstance(flt, df.NumberFilter) and _integer_filter(model, flt):
        if not _INTEGER.fullmatch(value):
            return "请填写合法的整数值。"
    return None


def query_problems(params, filterset_class, paginated: bool) -> dict:
    """Parameter name → (label, messages) for what the list's FilterSet would silently ignore
    although the schema refuses it: a parameter given twice, a yes/no that is neither true nor
    false, a fraction for a whole number, a page size that is not a positive whole number."""
    errors, labels = {}, {"page": "页码", "page_size": "每页条数"}
    if filterset_class is not None:
        model = filterset_class._meta.model
        for name, flt in filterset_class.base_filters.items():
            values = params.getlist(name)
            if values and (problem := _filter_problem(model, flt, values)):
                errors[name] = [problem]
                labels[name] = str(flt.label or name)
    if paginated:
        for name in ("page", "page_size"):
            values = params.getlist(name)
            if len(values) > 1:
                errors[name] = ["只能填写一个值。"]
            elif name == "page_size" and values and values[0]:
                if not _POSITIVE.fullmatch(values[0]):
                    errors[name] = ["应为正整数。"]
    return {name: (labels.get(name, name), problems) for name, problems in errors.items()}


def reject_bad_query(request, view) -> None:
    """Refuse (400) list query parameters that do not match the published schema."""
    if request.method != "GET" or getattr(view, "action", None) not in (None, "list"):
        return
    filterset_class = getattr(view, "filterset_class", None)
    paginated = getattr(view, "paginator", None) is not None
    problems = query_problems(request.query_params, filterset_class, paginated)
    if problems:
        label, messages = next(iter(problems.values()))
        fields = {name: messages for name, (_, messages) in problems.items()}
        raise ServiceError(f"{label}：{messages[0]}", fields=fields)


class ApiDefaults:
    """Mixed into every API view: its schema documents the usual errors, input that holds
    a NUL character is refused with 400 before any query, and so are list query parameters
    that do not match their published type."""

    schema = ApiSchema()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        reject_nul(request)
        reject_bad_query(request, self)

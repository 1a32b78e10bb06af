"""The input of each workflow step, one serializer per row of the workflow table, built from
the fields the step reads (types and labels from the models that store them)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

from ..choices import Action, UrgingKind
from ..models import (
    ExtensionRequest,
    Hazard,
    Supervision,
)
from ..workflow import TABLE, Transition

# Where an action field's type and label come from, in order (a supervision's `level` and
# `deadline` are the listing's, not the hazard's).
_FIELD_MODELS = (Supervision, ExtensionRequest, Hazard)
_EXTRA_FIELDS = {
    "comment": lambda: serializers.CharField(
        required=False, allow_blank=True, label="说明", help_text="处理说明或意见。"
    ),
    "urging_kind": lambda: serializers.ChoiceField(
        choices=UrgingKind.choices, required=False, allow_blank=True, label="督促方式"
    ),
    "urging_date": lambda: serializers.DateField(
        required=False, allow_null=True, label="督促日期", help_text="留空为今天。"
    ),
    "urging_doc_no": lambda: serializers.CharField(
        required=False, allow_blank=True, max_length=64, label="文号"
    ),
    "new_deadline": lambda: serializers.DateField(
        required=False, allow_null=True, label="新的整改期限"
    ),
}


def _model_field(name: str) -> models.Field | None:
    for model in _FIELD_MODELS:
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _action_field(name: str) -> serializers.Field:
    """An optional, typed input: the workflow says which are required and why, in Chinese."""
    if name in _EXTRA_FIELDS:
        return _EXTRA_FIELDS[name]()
    field = _model_field(name)
    label = str(field.verbose_name) if field is not None else name
    common = {"required": False, "label": label}
    if field is not None and field.choices:
        return serializers.ChoiceField(choices=field.choices, allow_blank=True, **common)
    if isinstance(field, models.DateField):
        return serializers.DateField(allow_null=True, **common)
    if isinstance(field, models.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            allow_null=True,
            **common,
        )
    max_length = field.max_length if isinstance(field, models.CharField) else None
    return serializers.CharField(allow_blank=True, max_length=max_length, **common)


def _class_name(action: str) -> str:
    return "".join(part.capitalize() for part in action.split("-"))


def action_serializer(name: str, fields: tuple[str, ...]) -> type[serializers.Serializer]:
    attrs = {"__module__": __name__}
    attrs.update({field: _action_field(field) for field in ("comment", *fields)})
    metaclass = type(serializers.Serializer)
    return metaclass(f"{_class_name(name)}Serializer", (serializers.Serializer,), attrs)


def _transition_serializer(transition: Transition) -> type[serializers.Serializer]:
    return action_serializer(transition.action.value, transition.fields)


ACTION_SERIALIZERS: dict[Action, type[serializers.Serializer]] = {
    action: _transition_serializer(transition) for action, transition in TABLE.items()
}

_RECHECK_FIELDS = tuple(
    dict.fromkeys(TABLE[Action.RECHECK_PASS].fields + TABLE[Action.RECHECK_FAIL].fields)
)


class RecheckSerializer(action_serializer("recheck-base", _RECHECK_FIELDS)):
    passed = serializers.BooleanField(
        label="复查是否通过",
        help_text="true：复查通过（recheck-pass）；false：复查不通过（recheck-fail），"
        "须填写 new_deadline。",
    )

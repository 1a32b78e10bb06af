"""The Python-drawn widgets write exactly the markup of Django's widget templates."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.renderers import FastWidgetRenderer

CHOICES = [("", "全部"), ("major", "重大"), ("general", "一般<>&\"'"), (3, 3)]
GROUPED = [("", "—"), ("市", [("150600", "鄂尔多斯市"), ("150623", "\u3000鄂托克前旗")])]

CASES = [
    (forms.TextInput(attrs={"class": "form-control", "placeholder": '编号"<>'}), "q", "a&b"),
    (forms.TextInput(), "q", None),
    (forms.TextInput(attrs={"required": True, "disabled": False}), "q", ""),
    (forms.NumberInput(attrs={"min": 0}), "n", 12),
    (forms.DateInput(attrs={"type": "date"}), "d", datetime.date(2026, 5, 20)),
    (forms.DateInput(), "d", "2026-05-20"),
    (forms.HiddenInput(), "h", mark_safe("<b>")),
    (forms.EmailInput(), "e", "a@b.cn"),
    (forms.CheckboxInput(attrs={"class": "form-check-input"}), "c", True),
    (forms.CheckboxInput(), "c", False),
    (forms.Select(choices=CHOICES, attrs={"class": "form-select"}), "level", "major"),
    (forms.Select(choices=CHOICES), "level", None),
    (forms.Select(choices=CHOICES, attrs={"id": "x", "data-x": "1"}), "level", 3),
    (forms.Select(choices=GROUPED), "region", "150623"),
    (forms.SelectMultiple(choices=CHOICES), "states", ["major", "general<>&\"'"]),
    (forms.NullBooleanSelect(attrs={"class": "form-select"}), "overdue", "true"),
    (forms.Select(choices=[]), "empty", None),
    (forms.Textarea(), "t", "多行\n<文本>"),
    (forms.Textarea(attrs={"rows": 3, "class": "form-control", "maxlength": 500}), "t", ""),
    (forms.Textarea(attrs={"placeholder": '说明"<>'}), "t", None),
    (forms.Textarea(), "t", mark_safe("<b>已转义</b>")),
    (forms.Textarea(), "t", 0),
    (forms.CheckboxSelectMultiple(choices=CHOICES), "m", ["major"]),
]


@pytest.mark.parametrize(("widget", "name", "value"), CASES)
def test_fast_renderer_writes_the_same_markup_as_the_templates(widget, name, value):
    slow = widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=DjangoTemplates())
    fast = widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=FastWidgetRenderer())
    assert fast == slow


def test_a_whole_form_renders_the_same():
    class Form(forms.Form):
        q = forms.CharField(required=False)
        level = forms.ChoiceField(choices=CHOICES, required=False)
        found = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
        ok = forms.BooleanField(required=False)

    data = {"q": "<x>", "level": "general<>&\"'", "found": "bad", "ok": "on"}
    slow = str(Form(data, renderer=DjangoTemplates()))
    fast = str(Form(data, renderer=FastWidgetRenderer()))
    assert fast == slow
    assert "<select" in fast


@pytest.mark.parametrize("wrap_label", [False, True])
@pytest.mark.parametrize(
    "widget",
    [
        forms.RadioSelect(choices=CHOICES, attrs={"class": "form-check-input"}),
        forms.RadioSelect(choices=GROUPED),
        forms.CheckboxSelectMultiple(choices=CHOICES),
    ],
)
def test_one_radio_button_or_check_box_is_drawn_the_same(widget, wrap_label):
    """{{ radio.tag }} in a template draws one option of a choice list."""

    class Form(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=widget, required=False)

    data = {"choice": "general"}
    slow = [b.tag(wrap_label) for b in Form(data, renderer=DjangoTemplates())["choice"]]
    fast = [b.tag(wrap_label) for b in Form(data, renderer=FastWidgetRenderer())["choice"]]
    assert fast == slow
    assert any("checked" in tag for tag in fast)
    unlabelled = Form(data, renderer=FastWidgetRenderer(), auto_id=False)["choice"]
    slow_unlabelled = Form(data, renderer=DjangoTemplates(), auto_id=False)["choice"]
    assert [b.tag(wrap_label) for b in unlabelled] == [b.tag(wrap_label) for b in slow_unlabelled]

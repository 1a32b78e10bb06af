"""A form renderer that draws the common widgets (inputs, text areas, drop-downs, one radio
button or check box of a choice list) in Python.

Django's renderer draws a drop-down through one template include per option and another per
option's attributes: the region drop-down of a province user has over a hundred options, and a
list page's filter form spent more time there than in its SQL. The markup written here is
exactly that of Django's own widget templates (tests/core/test_renderers.py compares them for
every case it draws); any other widget, or a widget given its own template, is drawn by the
templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUT_TYPES = (
    "text",
    "number",
    "email",
    "url",
    "password",
    "hidden",
    "date",
    "datetime",
    "time",
    "search",
    "tel",
    "color",
    "checkbox",
)
INPUTS = {f"{WIDGETS}{name}.html" for name in INPUT_TYPES}
SELECT = f"{WIDGETS}select.html"
TEXTAREA = f"{WIDGETS}textarea.html"
OPTION = f"{WIDGETS}select_option.html"
# One radio button or check box of a choice list, drawn on its own ({{ radio.tag }}).
CHOICE_INPUTS = {f"{WIDGETS}radio_option.html", f"{WIDGETS}checkbox_option.html"}


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    shown = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
        f"\n{shown}</textarea>"
    )


def _choice_input(widget: dict) -> str:
    """input_option.html: the input, wrapped in its label when asked."""
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(target)}"' if target else ""
    # input.html ends with a newline, which the include keeps.
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            # The option template's file ends with a newline, which the include keeps.
            out.append(f"\n  {_option(option)}\n")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _options_plain(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION for _, group, _ in widget["optgroups"] for option in group
    )


class FastWidgetRenderer(DjangoTemplates):
    """Django's default renderer, with inputs and drop-downs drawn without templates."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and set(context) == {"widget"}:
            if template_name in INPUTS and widget.get("template_name") == template_name:
                return mark_safe(_input(widget))
            if template_name in CHOICE_INPUTS and widget.get("template_name") == template_name:
                return mark_safe(_choice_input(widget))
            if template_name == TEXTAREA and widget.get("template_name") == TEXTAREA:
                return mark_safe(_textarea(widget))
            if template_name == SELECT and widget.get("template_name") == SELECT:
                if _options_plain(widget):
                    return mark_safe(_select(widget))
        return super().render(template_name, context, request)

"""The shape of a monthly self-inspection summary; the rules are in services."""

from __future__ import annotations

import re

from django import forms

from enterprises.models import Enterprise

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(value: str | None) -> tuple[int, int] | None:
    """(year, month) of "2026-11", or None when the text is not a month."""
    match = PERIOD.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


class SelfCheckForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label="企业", queryset=Enterprise.objects.none(), empty_label=None
    )
    period = forms.CharField(
        label="自查月份", widget=forms.DateInput(attrs={"type": "month"}), max_length=7
    )
    found_count = forms.IntegerField(label="自查发现隐患数", min_value=0, max_value=100000)
    rectified_count = forms.IntegerField(label="已整改隐患数", min_value=0, max_value=100000)
    major_count = forms.IntegerField(
        label="其中重大事故隐患数", min_value=0, max_value=100000, initial=0
    )
    no_major_declared = forms.BooleanField(label="本月未发现重大事故隐患", required=False)
    principal = forms.CharField(label="主要负责人（签字）", max_length=32)
    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises or Enterprise.objects.none()
        self.fields[
            "no_major_declared"
        ].help_text = "本企业主要负责人声明：本月已按判定标准开展隐患自查，未发现重大事故隐患。"
        for name, field in self.fields.items():
            css = {"enterprise": "form-select", "no_major_declared": "form-check-input"}
            field.widget.attrs.setdefault("class", css.get(name, "form-control"))

    def clean_period(self) -> tuple[int, int]:
        period = parse_period(self.cleaned_data.get("period"))
        if period is None:
            raise forms.ValidationError("请选择自查月份，例如 2026-11。")
        return period

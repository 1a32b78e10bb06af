"""Enterprise-side forms. They check shape only; the hazard services and the workflow decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from hazards.choices import HazardLevel
from hazards.forms import DateInput, MultiplePhotoField
from hazards.models import Clause


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class SelfReportForm(forms.Form):
    """A hazard found by the enterprise's own self-inspection."""

    enterprise = forms.ModelChoiceField(
        label="企业", queryset=None, error_messages={"required": "请选择企业。"}
    )
    level = forms.ChoiceField(
        label="隐患级别",
        choices=HazardLevel.choices,
        initial=HazardLevel.GENERAL,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择隐患级别。"},
    )
    clause = forms.ModelChoiceField(
        label="判定依据（判定标准条款）",
        queryset=Clause.objects.none(),
        required=False,
        help_text="重大事故隐患必须选择所依据的判定标准条款。",
        error_messages={"invalid_choice": "请重新选择判定依据。"},
    )
    place = forms.CharField(
        label="隐患地点/部位", max_length=128, error_messages={"required": "请填写隐患地点/部位。"}
    )
    description = forms.CharField(
        label="隐患描述",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写隐患描述。"},
    )
    found_date = forms.DateField(
        label="发现日期", widget=DateInput, error_messages={"required": "请填写发现日期。"}
    )
    deadline = forms.DateField(
        label="整改期限", widget=DateInput, error_messages={"required": "请填写整改期限。"}
    )
    photos = MultiplePhotoField(label="现场照片（整改前）")

    def __init__(self, *args, enterprises, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["clause"].queryset = clauses
        self.fields["clause"].label_from_instance = lambda c: f"{c} {c.text[:60]}"
        self.fields["found_date"].initial = timezone.localdate
        if enterprises.count() == 1:
            self.fields["enterprise"].widget = forms.HiddenInput()
        _style(self)


class ProgressForm(forms.Form):
    comment = forms.CharField(
        label="整改进展情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写整改进展情况。"},
    )
    photos = MultiplePhotoField(label="现场照片（可选）")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "progress")
        super().__init__(*args, **kwargs)
        _style(self)


class PhotoForm(forms.Form):
    photos = MultiplePhotoField(label="整改后照片", required=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "after")
        super().__init__(*args, **kwargs)
        self.fields["photos"].error_messages["required"] = "请选择或拍摄照片。"
        _style(self)


class AccountRequestForm(forms.Form):
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=32,
        help_text="18 位，与营业执照一致。",
        error_messages={"required": "请填写统一社会信用代码。"},
    )
    contact_name = forms.CharField(
        label="联系人", max_length=32, error_messages={"required": "请填写联系人姓名。"}
    )
    phone = forms.CharField(
        label="联系人手机号码",
        max_length=20,
        error_messages={"required": "请填写联系人手机号码。"},
    )
    username = forms.CharField(
        label="用户名",
        max_length=150,
        help_text="登录时使用，字母、数字或下划线。",
        error_messages={"required": "请填写用户名。"},
    )
    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 8 位，不能全是数字，不能与用户名相近。",
        error_messages={"required": "请设置密码。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].widget.attrs.update({"autocapitalize": "characters"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})
        self.fields["username"].widget.attrs.update({"autocapitalize": "none"})
        _style(self)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="不予批准的理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写不予批准的理由。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

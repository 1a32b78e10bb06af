"""Forms of the public report page and of the staff's steps. They check shape only; the rules
are in tipoffs.services and tipoffs.steps."""

from __future__ import annotations

from django import forms

from core.choices import RegionLevel
from core.models import Sector
from enterprises.models import Enterprise
from enterprises.phones import PHONE_HELP
from hazards.choices import HazardLevel
from hazards.forms import DateInput, MultiplePhotoField
from hazards.models import Clause

from .services import CODE_LENGTH, public_regions


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput, forms.FileInput)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def region_choices() -> list:
    """Towns grouped under their county; each county also offers 不确定乡镇."""
    counties: dict[str, list] = {}
    names: dict[str, str] = {}
    for region in public_regions():
        if region.level == RegionLevel.COUNTY:
            names[region.code] = region.name
            counties.setdefault(region.code, []).insert(
                0, (region.code, f"{region.name}（不确定乡镇）")
            )
        else:
            counties.setdefault(region.code[:6], []).append((region.code, region.name))
    return [("", "请选择")] + [
        (names.get(code, code), options) for code, options in counties.items() if code in names
    ]


class TipoffForm(forms.Form):
    region = forms.ChoiceField(label="所在旗县、乡镇（苏木）")
    where = forms.CharField(
        label="企业名称或地址",
        max_length=200,
        help_text="例如：某某化工有限公司，或某某镇某某村东侧加油站",
    )
    what = forms.CharField(
        label="发现了什么问题",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="时间、部位、具体情况，越具体越便于核查。",
    )
    photos = MultiplePhotoField(label="照片（可选，最多 5 张）")
    phone = forms.CharField(
        label="联系电话（可选）",
        max_length=32,
        required=False,
        help_text=f"不填即为匿名举报。留下电话便于核查时联系您，只有处理举报的工作人员能看到。{PHONE_HELP}",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        _style(self)


class StatusForm(forms.Form):
    code = forms.CharField(
        label="查询码",
        max_length=32,
        help_text=f"提交举报后得到的 {CODE_LENGTH} 位查询码。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="不予受理理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(label="说明", required=False, max_length=1000)


class TransferForm(forms.Form):
    sector = forms.ModelChoiceField(
        label="行业领域",
        queryset=Sector.objects.all(),
        required=False,
        help_text="转办给本县监管该行业的部门（三管三必须）；选了企业时可不选，按企业的行业领域。",
    )
    enterprise = forms.ModelChoiceField(
        label="被举报企业", queryset=Enterprise.objects.none(), required=False
    )
    comment = forms.CharField(label="说明", required=False, max_length=1000)


class VerifyForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="被举报企业", queryset=Enterprise.objects.none())
    level = forms.ChoiceField(label="隐患级别", choices=HazardLevel.choices)
    clause = forms.ModelChoiceField(
        label="判定依据（重大事故隐患必选）",
        queryset=Clause.objects.filter(retired=False).select_related("standard"),
        required=False,
    )
    other_basis = forms.CharField(
        label="其他依据（判定标准未录入时）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    place = forms.CharField(label="隐患地点/部位", max_length=128, required=False)
    description = forms.CharField(
        label="隐患描述（不填则用举报内容）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(label="整改期限", widget=DateInput())
    finding = forms.CharField(
        label="核查情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotVerifiedForm(forms.Form):
    finding = forms.CharField(
        label="核查情况", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RewardForm(forms.Form):
    amount = forms.DecimalField(
        label="奖励金额（元）", max_digits=10, decimal_places=2, min_value=0.01
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


STEP_FORMS = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "transfer": TransferForm,
    "verify": VerifyForm,
    "not-verified": NotVerifiedForm,
}


def step_form(action: str, user, tipoff, data=None) -> forms.Form:
    form = STEP_FORMS[action](data, prefix=action)
    if "enterprise" in form.fields:
        form.fields["enterprise"].queryset = Enterprise.objects.for_user(user).filter(
            region__code__startswith=tipoff.region_id[:6]
        )
    _style(form)
    return form

"""Hazard forms. They check shape only; every rule lives in services and the workflow."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from core.models import Sector
from enterprises.models import Enterprise

from .choices import (
    Action,
    BasisKind,
    HazardLevel,
    HazardSource,
    PhotoKind,
    Stoppage,
    SupervisionLevel,
    UrgingKind,
)
from .models import Clause
from .services import EDITABLE_FIELDS, clause_offer, hazard_sectors


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget (radios and files styled in the template)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Zero or more image files; their content is checked by hazards.photos in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={"accept": "image/*", "capture": "environment", "multiple": True}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files if f]


def read_photos(files) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in files]


class ClauseOrOtherField(forms.ModelChoiceField):
    """A clause, or BasisKind.OTHER for 其他依据 (a legal basis written out)."""

    def to_python(self, value):
        if value == BasisKind.OTHER:
            return BasisKind.OTHER
        return super().to_python(value)

    def validate(self, value):
        if value != BasisKind.OTHER:
            super().validate(value)


OTHER_BASIS_HELP = (
    "写明认定为重大事故隐患的法律依据：法律法规或标准的名称、条款，例如“GB 35181—2025 第5.1条”。"
)


class HazardCreateForm(forms.Form):
    """The quick registration form used on site, usually on a phone."""

    enterprise = forms.ModelChoiceField(
        label="生产经营单位",
        queryset=Enterprise.objects.none(),
        error_messages={"required": "请选择发现隐患的企业。", "invalid_choice": "请重新选择企业。"},
        widget=forms.HiddenInput,
    )
    level = forms.ChoiceField(
        label="隐患级别",
        choices=HazardLevel.choices,
        initial=HazardLevel.GENERAL,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择隐患级别。"},
    )
    clause = ClauseOrOtherField(
        label="判定依据",
        queryset=Clause.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "请重新选择判定依据。"},
    )
    other_basis = forms.CharField(
        label="其他依据",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=OTHER_BASIS_HELP,
    )
    source = forms.ChoiceField(
        label="隐患来源", choices=HazardSource.choices, initial=HazardSource.INSPECTION
    )
    place = forms.CharField(
        label="隐患地点/部位",
        max_length=128,
        error_messages={"required": "请填写隐患地点/部位。"},
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)
        self.fields["found_date"].initial = timezone.localdate
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("clause") == BasisKind.OTHER:
            data["clause"] = None
        else:
            data["other_basis"] = ""
        return data

    @property
    def other_chosen(self) -> bool:
        return self["clause"].value() == BasisKind.OTHER

    def selected(self, name: str):
        """The chosen enterprise or clause, for re-showing it after an error."""
        if name in getattr(self, "cleaned_data", {}):
            return self.cleaned_data[name]
        value = self[name].value()
        if not value or value == BasisKind.OTHER:
            return None
        try:
            return self.fields[name].queryset.get(pk=value)
        except (ValueError, TypeError, self.fields[name].queryset.model.DoesNotExist):
            return None


class HazardEditForm(forms.Form):
    """The fields services.hazard_update accepts; it decides whether each change is allowed."""

    level = forms.ChoiceField(label="隐患级别", choices=HazardLevel.choices)
    clause = forms.ModelChoiceField(
        label="判定依据", queryset=Clause.objects.none(), required=False, empty_label="（无）"
    )
    other_basis = forms.CharField(
        label="其他依据",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="判定标准未录入或不完整时填写（不选条款）。" + OTHER_BASIS_HELP,
    )
    source = forms.ChoiceField(label="隐患来源", choices=HazardSource.choices)
    place = forms.CharField(label="隐患地点/部位", max_length=128)
    description = forms.CharField(label="隐患描述", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="整改期限", widget=DateInput)
    stoppage = forms.ChoiceField(label="停产停业", choices=Stoppage.choices)
    supervisor_unit = forms.CharField(label="监管责任单位", max_length=64, required=False)
    supervisor_person = forms.CharField(label="监管责任人", max_length=32, required=False)
    remarks = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault("initial", {name: getattr(hazard, name) for name in EDITABLE_FIELDS})
        super().__init__(*args, **kwargs)
        offered = clause_offer(
            sectors=hazard_sectors(hazard.enterprise, hazard.sector), on=hazard.found_date
        )
        self.fields["clause"].queryset = (
            Clause.objects.filter(Q(pk__in=offered.values("pk")) | Q(pk=hazard.clause_id or 0))
            .select_related("standard")
            .order_by("standard__code", "order")
        )
        self.fields["clause"].label_from_instance = lambda c: f"{c} {c.text[:40]}"
        _style(self)


class PhotoUploadForm(forms.Form):
    kind = forms.ChoiceField(label="照片类型", choices=PhotoKind.choices, widget=forms.RadioSelect)
    photos = MultiplePhotoField(label="照片", required=True)

    def __init__(self, *args, kinds=PhotoKind.values, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, PhotoKind(k).label) for k in kinds]
        # The later kind is the likelier one: 整改中 photos are mostly of the work done.
        self.fields["kind"].initial = kinds[-1] if kinds else None
        self.fields["photos"].error_messages["required"] = "请选择或拍摄照片。"
        _style(self)


class StandardImportForm(forms.Form):
    """A standard file to preview and load; the particulars are for an Excel sheet of clauses."""

    file = forms.FileField(
        label="标准文件",
        help_text="JSON 文件（共享数据格式，可含多个标准），或 Excel 条款表（.xlsx，列：ref 条款、"
        "text 内容、sub_sector 类别）。",
        error_messages={"required": "请选择要导入的文件。"},
    )
    code = forms.CharField(
        label="代码", required=False, max_length=64, help_text="仅 Excel：如 xiaofang-2025"
    )
    name = forms.CharField(label="标准名称", required=False, max_length=128)
    doc_no = forms.CharField(label="文号或标准号", required=False, max_length=64)
    issuer = forms.CharField(label="发布机关", required=False, max_length=64)
    sectors = forms.ModelMultipleChoiceField(
        label="适用行业领域",
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    effective = forms.DateField(label="施行日期", required=False, widget=DateInput)
    supersedes = forms.CharField(
        label="替代的旧标准",
        required=False,
        max_length=255,
        help_text="旧标准的文号，如 安监总管三〔2017〕121号：新标准施行后旧标准不再提供。",
    )
    complete = forms.BooleanField(label="条款完整", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["file"].widget.attrs["accept"] = ".json,.xlsx"

    def particulars(self) -> dict:
        """The typed particulars as a standard entry of the shared schema (without clauses)."""
        data = self.cleaned_data
        effective = data.get("effective")
        return {
            "code": data.get("code", "").strip(),
            "name": data.get("name", "").strip(),
            "doc_no": data.get("doc_no", "").strip(),
            "issuer": data.get("issuer", "").strip(),
            "sectors": [s.code for s in data.get("sectors") or []],
            "effective": effective.isoformat() if effective else None,
            "supersedes": data.get("supersedes", "").strip(),
            "complete": bool(data.get("complete")),
        }


# ---------------------------------------------------------------- workflow step forms

TEXT, AREA, DATE, MONEY = "text", "area", "date", "money"
# name → (label, kind, help text). The workflow decides which are required and checks values.
STEP_FIELDS: dict[str, tuple[str, str, str]] = {
    "measures": ("整改措施", AREA, "目标任务、方法措施"),
    "responsible_person": ("整改责任人", TEXT, ""),
    "funds": ("整改资金（万元）", MONEY, ""),
    "plan_deadline": ("方案整改时限", DATE, "不能晚于整改期限"),
    "emergency_plan": ("安全措施和应急预案", AREA, ""),
    "stoppage": ("停产停业", "stoppage", ""),
    "comment": ("说明", AREA, ""),
    "requested_deadline": ("申请延期至", DATE, ""),
    "reason": ("延期理由", AREA, ""),
    "interim_measures": ("临时管控措施", AREA, "延期期间的安全防范措施"),
    "approved_deadline": ("批准延期至", DATE, "留空则按申请日期批准"),
    "completed_date": ("整改完成日期", DATE, ""),
    "completion_note": ("整改完成情况", AREA, ""),
    "funds_spent": ("实际投入资金（万元）", MONEY, ""),
    "assessment": ("评估意见", AREA, "企业自评或专家评估意见"),
    "recheck_opinion": ("复查意见", AREA, ""),
    "recheck_date": ("复查日期", DATE, "留空为今天"),
    "new_deadline": ("新的整改期限", DATE, ""),
    "level": ("挂牌级别", "supervision_level", ""),
    "doc_no": ("督办文号", TEXT, "例如：鄂前安办督〔2026〕3号"),
    "issuing_unit": ("督办单位", TEXT, ""),
    "signer": ("签发人", TEXT, ""),
    "deadline": ("督办期限", DATE, ""),
    "reported_to_regulator": ("向负有监管职责部门报告日期", DATE, ""),
    "reported_to_workers": ("向职工大会或职工代表大会报告日期", DATE, ""),
    "urging_kind": ("督促方式", "urging_kind", ""),
    "urging_date": ("督促日期", DATE, "留空为今天"),
    "urging_doc_no": ("文号", TEXT, "函告、通报可填写文号，例如：鄂前安办函〔2026〕5号"),
}
COMMENT_LABELS = {
    Action.REPORT_PROGRESS: "整改进展情况",
    Action.APPROVE_EXTENSION: "审批意见",
    Action.REFUSE_EXTENSION: "不批准的理由",
    Action.SIGN_OFF: "销号意见",
    Action.CONFIRM_BASIS: "确认意见",
    Action.REMOVE_SUPERVISION: "摘牌说明",
    Action.RECORD_URGING: "督促内容",
}


def _step_field(action: str, name: str) -> forms.Field:
    label, kind, help_text = STEP_FIELDS.get(name, (name, TEXT, ""))
    if name == "comment":
        label = COMMENT_LABELS.get(action, label)
    options = {"label": label, "required": False, "help_text": help_text}
    if kind == AREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **options)
    if kind == DATE:
        return forms.CharField(widget=forms.TextInput(attrs={"type": "date"}), **options)
    if kind == MONEY:
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **options,
        )
    if kind == "stoppage":
        return forms.ChoiceField(choices=Stoppage.choices, **options)
    if kind == "urging_kind":
        return forms.ChoiceField(choices=[("", "请选择")] + list(UrgingKind.choices), **options)
    if kind == "supervision_level":
        return forms.ChoiceField(
            choices=[("", "请选择")] + list(SupervisionLevel.choices), **options
        )
    return forms.CharField(**options)


class StepForm(forms.Form):
    """The inputs of one workflow transition, as listed in its `fields`."""

    def __init__(self, *args, transition, initial=None, **kwargs):
        self.transition = transition
        kwargs.setdefault("prefix", transition.action.value)
        super().__init__(*args, initial=initial, **kwargs)
        for name in transition.fields:
            self.fields[name] = _step_field(transition.action, name)
        _style(self)

    @property
    def action(self) -> str:
        return self.transition.action.value

    @property
    def label(self) -> str:
        return self.transition.action.label

    def payload(self) -> tuple[str, dict]:
        """(comment, other inputs) as workflow.apply takes them."""
        data = {k: (v or "") for k, v in self.cleaned_data.items()}
        return data.pop("comment", ""), data

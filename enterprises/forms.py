"""Forms validate shape only; rules live in services."""

from django import forms

from core.models import Department, Region, Sector

from .models import Enterprise


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "address",
            "region",
            "sector",
            "other_sectors",
            "scale",
            "principal",
            "principal_phone",
            "safety_manager",
            "safety_manager_phone",
            "department",
            "risk_grade",
            "standardization_level",
            "key_supervision",
            "status",
        ]
        widgets = {"other_sectors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user)
        sectors = Sector.objects.all()
        if user.scope_sector_ids is not None:
            sectors = sectors.filter(pk__in=user.scope_sector_ids)
        self.fields["sector"].queryset = sectors
        self.fields["other_sectors"].queryset = Sector.objects.all()
        self.fields["department"].queryset = Department.objects.for_user(user).select_related(
            "region"
        )
        self.fields["credit_code"].widget.attrs.update(
            {"autocapitalize": "characters", "maxlength": 18, "spellcheck": "false"}
        )
        for name in ("principal_phone", "safety_manager_phone"):
            self.fields[name].widget.input_type = "tel"
        if self.instance.pk:
            # The credit code identifies the enterprise; changing it would break history.
            self.fields["credit_code"].disabled = True
        for name, field in self.fields.items():
            if name in ("other_sectors", "key_supervision"):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["key_supervision"].widget.attrs["class"] = "form-check-input"

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip()


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="企业名录文件（.xlsx）",
        error_messages={
            "required": "请选择要上传的 .xlsx 文件。",
            "empty": "文件是空的，请选择填写好的 .xlsx 文件。",
            "invalid": "未收到文件，请重新选择后上传。",
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )

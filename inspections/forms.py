"""Forms validate shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.models import User
from core.choices import RegionLevel
from core.models import Department, Region, Sector
from enterprises.choices import RiskGrade
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, Stoppage

from .choices import DocumentType, InspectionMethod, PlanPeriod
from .models import InspectionPlan
from .services import INSPECTOR_ROLES, conflict_inspectors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class PlanForm(StyledForm):
    name = forms.CharField(label="计划名称", max_length=128)
    period = forms.ChoiceField(label="计划类型", choices=PlanPeriod.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12, required=False)
    region = forms.ModelChoiceField(label="检查地区", queryset=Region.objects.none())
    department = forms.ModelChoiceField(label="执法部门", queryset=Department.objects.none())
    random_share_required = forms.IntegerField(
        label="随机抽查比例要求（%）", min_value=0, max_value=100, initial=70
    )
    enterprises = forms.ModelMultipleChoiceField(
        label="指定检查对象（可不选，之后通过双随机抽取）",
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user).exclude(
            level=RegionLevel.TOWN
        )
        self.fields["department"].queryset = Department.objects.for_user(user)
        self.fields["enterprises"].queryset = Enterprise.objects.for_user(user).order_by("name")
        self.initial.setdefault("year", timezone.localdate().year)
        self.initial.setdefault("region", user.region_id)
        self.initial.setdefault("department", user.department_id)


class DrawForm(StyledForm):
    count = forms.IntegerField(label="抽取企业数", min_value=1, max_value=500)
    region = forms.ModelChoiceField(label="抽取地区（含下级）", queryset=Region.objects.none())
    sector = forms.ModelChoiceField(
        label="行业领域", queryset=Sector.objects.all(), required=False, empty_label="全部"
    )
    risk_grades = forms.MultipleChoiceField(
        label="风险等级",
        choices=RiskGrade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    key_supervision_only = forms.BooleanField(label="仅重点监管企业", required=False)
    exclude_days = forms.IntegerField(
        label="排除最近多少天内已检查的企业", min_value=0, max_value=3650, initial=90
    )
    inspectors_per_target = forms.IntegerField(
        label="每家企业执法人员数", min_value=2, max_value=5, initial=2
    )
    seed = forms.IntegerField(
        label="随机种子（可不填，系统自动生成）",
        required=False,
        min_value=0,
        max_value=2**63 - 1,
    )

    def __init__(self, *args, plan: InspectionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = plan.region.subtree()
        self.initial.setdefault("region", plan.region_id)


class InspectionForm(StyledForm):
    enterprise = forms.ModelChoiceField(label="被检查单位", queryset=Enterprise.objects.none())
    date = forms.DateField(label="检查日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", required=False, widget=TIME)
    method = forms.ChoiceField(label="检查方式", choices=InspectionMethod.choices)
    inspectors = forms.ModelMultipleChoiceField(
        label="检查人员（至少两名）",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.CharField(label="检查场所", max_length=128, required=False)
    representative = forms.CharField(label="企业现场负责人", max_length=32, required=False)
    representative_title = forms.CharField(label="职务", max_length=32, required=False)
    plan = forms.ModelChoiceField(
        label="所属检查计划", queryset=InspectionPlan.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by("name")
        self.fields["inspectors"].queryset = (
            User.objects.for_user(user)
            .filter(is_active=True, role__in=INSPECTOR_ROLES)
            .order_by("department", "pk")
        )
        self.fields["inspectors"].label_from_instance = lambda u: (
            f"{u.display_name}（{u.department or u.region}）"
        )
        self.fields["plan"].queryset = InspectionPlan.objects.for_user(user)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("inspectors", [user.pk])


class FindingForm(StyledForm):
    place = forms.CharField(label="隐患地点/部位", max_length=128)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.ChoiceField(
        label="隐患级别", choices=HazardLevel.choices, initial=HazardLevel.GENERAL
    )
    deadline = forms.DateField(label="整改期限（可不填）", required=False, widget=DATE)


class CommitForm(StyledForm):
    representative = forms.CharField(label="企业现场负责人", max_length=32, required=False)
    measures = forms.CharField(
        label="现场处理措施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    situation = forms.CharField(
        label="检查情况（可不填，系统按检查表生成）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unchecked_reason = forms.CharField(
        label="未检查项目的原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="检查表还有未检查的项目时必须填写，例如“该装置停产检修，未进入现场”；打印在现场检查记录上。",
    )


class DocumentForm(StyledForm):
    type = forms.ChoiceField(label="文书类型", choices=DocumentType.choices)
    opinion = forms.CharField(
        label="复查意见（整改复查意见书）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.CharField(
        label="处理措施（现场处理措施决定书）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    stoppage = forms.ChoiceField(
        label="停产停业（现场处理措施决定书）",
        choices=Stoppage.choices,
        initial=Stoppage.NONE,
        required=False,
        help_text="责令停产停业的，对本次检查的重大事故隐患记录停产停业。",
    )


class DocumentVoidForm(StyledForm):
    reason = forms.CharField(
        label="作废原因",
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "例如：企业名称有误，重新出具"}),
    )


class PeriodForm(StyledForm):
    region = forms.ModelChoiceField(
        label="地区", queryset=Region.objects.none(), required=False, empty_label="本级"
    )
    start = forms.DateField(label="开始日期", required=False, widget=DATE)
    end = forms.DateField(label="结束日期", required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user).exclude(
            level=RegionLevel.TOWN
        )


class ConflictForm(StyledForm):
    """回避申报. The enterprise comes from the searchable radio list (name="enterprise")."""

    enterprise = forms.IntegerField(
        label="企业",
        error_messages={"required": "请搜索并选择企业。", "invalid": "请搜索并选择企业。"},
    )
    inspector = forms.ModelChoiceField(
        label="执法人员", queryset=User.objects.none(), empty_label=None
    )
    reason = forms.CharField(
        label="回避原因",
        max_length=128,
        widget=forms.TextInput(attrs={"placeholder": "例如：近亲属在该企业任职"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = conflict_inspectors(user)
        self.fields["inspector"].queryset = people
        self.fields["inspector"].label_from_instance = lambda u: u.display_name
        self.fields["inspector"].initial = user.pk
        self.fields["enterprise"].widget = forms.HiddenInput()

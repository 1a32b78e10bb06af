from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from core.api.serializers import ID_BOUNDS, LocalTimeField, ScopedPrimaryKeyRelatedField
from enterprises.models import Enterprise
from hazards.choices import HazardLevel, Stoppage

from ..choices import CheckResult, DocumentType, InspectionMethod, PlanPeriod
from ..models import (
    ChecklistItem,
    DrawTarget,
    EnforcementDocument,
    Finding,
    Inspection,
    InspectionPlan,
    RandomDraw,
)
from ..selectors import plan_progress


class PlanSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "name",
            "period",
            "year",
            "month",
            "region",
            "region_name",
            "department",
            "department_name",
            "enterprises",
            "random_share_required",
            "note",
            "progress",
            "created_at",
        ]

    def get_progress(self, plan) -> dict:
        p = plan_progress(plan)
        return {
            "targets": p.targets,
            "drawn": p.drawn,
            "inspected": p.inspected,
            "random_share": p.random_share,
            "meets_share": p.meets_share,
            "completion": p.completion,
        }


class PlanCreateSerializer(serializers.Serializer):
    name = serializers.CharField(label="计划名称", max_length=128)
    period = serializers.ChoiceField(
        label="计划类型", choices=PlanPeriod.choices, default=PlanPeriod.YEAR
    )
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = serializers.IntegerField(
        label="月份", required=False, allow_null=True, min_value=1, max_value=12
    )
    region = serializers.CharField(label="检查地区代码", required=False)
    department = serializers.IntegerField(label="执法部门", required=False, **ID_BOUNDS)
    enterprises = serializers.ListField(
        label="检查对象",
        child=serializers.IntegerField(**ID_BOUNDS),
        required=False,
        default=list,
        max_length=10000,
    )
    random_share_required = serializers.IntegerField(
        label="随机抽查比例要求", default=70, min_value=0, max_value=100
    )
    note = serializers.CharField(label="说明", required=False, default="", allow_blank=True)


class DrawTargetSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DrawTarget
        fields = ["order", "enterprise", "enterprise_name", "inspectors"]


class DrawSerializer(serializers.ModelSerializer):
    targets = DrawTargetSerializer(many=True, read_only=True)
    public_url = serializers.CharField(source="get_public_url", read_only=True)

    class Meta:
        model = RandomDraw
        fields = [
            "id",
            "public_id",
            "public_url",
            "plan",
            "region",
            "department",
            "sector",
            "risk_grades",
            "key_supervision_only",
            "exclude_days",
            "count",
            "inspectors_per_target",
            "seed",
            "algorithm",
            "enterprise_pool",
            "inspector_pool",
            "exclusions",
            "result",
            "fingerprint",
            "targets",
            "last_verified_at",
            "last_verified_ok",
            "created_at",
        ]


class DrawCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField(label="检查计划", **ID_BOUNDS)
    count = serializers.IntegerField(label="抽取企业数", min_value=1, max_value=10000)
    region = serializers.CharField(label="抽取地区代码", required=False)
    sector = serializers.IntegerField(
        label="行业领域", required=False, allow_null=True, **ID_BOUNDS
    )
    risk_grades = serializers.ListField(
        label="风险等级", child=serializers.CharField(), required=False, default=list
    )
    key_supervision_only = serializers.BooleanField(label="仅重点监管企业", default=False)
    exclude_days = serializers.IntegerField(
        label="排除近期已检查（天）", default=0, min_value=0, max_value=3650
    )
    inspectors_per_target = serializers.IntegerField(
        label="每家企业执法人员数", default=2, min_value=1, max_value=20
    )
    seed = serializers.IntegerField(
        label="随机种子", required=False, allow_null=True, min_value=0, max_value=2**63 - 1
    )


class DrawCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    rerun_matches = serializers.BooleanField()
    rows_match = serializers.BooleanField()
    fingerprint_matches = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class ChecklistItemSerializer(serializers.ModelSerializer):
    clause_ref = serializers.CharField(source="clause.ref", read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["clause", "clause_ref", "result", "remark", "checked_by", "checked_at"]


class FindingSerializer(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", read_only=True, default=None)

    class Meta:
        model = Finding
        fields = [
            "id",
            "level",
            "clause",
            "place",
            "description",
            "deadline",
            "hazard",
            "hazard_number",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    is_void = serializers.BooleanField(label="已作废", read_only=True)

    class Meta:
        model = EnforcementDocument
        fields = [
            "id",
            "inspection",
            "type",
            "number",
            "issuer",
            "kind",
            "year",
            "sequence",
            "sha256",
            "size",
            "pages",
            "issued_by",
            "issued_at",
            "round",
            "is_void",
            "voided_at",
            "voided_by",
            "void_reason",
        ]


class InspectionSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    checklist = ChecklistItemSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    hazards = serializers.SerializerMethodField()
    start_time = LocalTimeField(label="开始时间", allow_null=True, read_only=True)
    end_time = LocalTimeField(label="结束时间", allow_null=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "region",
            "sector",
            "department",
            "plan",
            "draw_target",
            "date",
            "start_time",
            "end_time",
            "place",
            "method",
            "inspectors",
            "representative",
            "representative_title",
            "situation",
            "measures",
            "status",
            "completed_at",
            "checklist",
            "findings",
            "hazards",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField(label="隐患编号")))
    def get_hazards(self, inspection) -> list[str]:
        """Numbers of the hazards registered from the findings, newest first."""
        hazards = [f.hazard for f in inspection.findings.all() if f.hazard_id]
        hazards.sort(key=lambda h: (h.found_date, h.number), reverse=True)
        return [h.number for h in hazards]


class InspectionCreateSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(Enterprise, label="被检查单位")
    date = serializers.DateField(label="检查日期")
    method = serializers.ChoiceField(label="检查方式", choices=InspectionMethod.choices)
    inspectors = ScopedPrimaryKeyRelatedField(User, label="检查人员", many=True)
    place = serializers.CharField(label="检查场所", required=False, default="", allow_blank=True)
    start_time = LocalTimeField(label="开始时间", required=False, allow_null=True)
    representative = serializers.CharField(
        label="企业现场负责人", required=False, default="", allow_blank=True
    )
    representative_title = serializers.CharField(
        label="职务", required=False, default="", allow_blank=True
    )
    plan = serializers.IntegerField(label="检查计划", required=False, allow_null=True, **ID_BOUNDS)
    draw_target = serializers.IntegerField(
        label="双随机抽取结果", required=False, allow_null=True, **ID_BOUNDS
    )


class ChecklistRecordSerializer(serializers.Serializer):
    clause = serializers.IntegerField(label="条款", **ID_BOUNDS)
    result = serializers.ChoiceField(label="检查结果", choices=CheckResult.choices)
    remark = serializers.CharField(label="备注", required=False, default="", allow_blank=True)


class FindingCreateSerializer(serializers.Serializer):
    place = serializers.CharField(label="隐患地点/部位")
    description = serializers.CharField(label="问题描述")
    level = serializers.ChoiceField(
        label="隐患级别", choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    clause = serializers.IntegerField(
        label="判定依据", required=False, allow_null=True, **ID_BOUNDS
    )
    deadline = serializers.DateField(label="整改期限", required=False, allow_null=True)


class CommitSerializer(serializers.Serializer):
    situation = serializers.CharField(label="检查情况", required=False, allow_blank=True)
    measures = serializers.CharField(label="现场处理措施", required=False, allow_blank=True)
    representative = serializers.CharField(label="企业现场负责人", required=False, allow_blank=True)
    unchecked_reason = serializers.CharField(
        label="未检查项目的原因",
        required=False,
        allow_blank=True,
        help_text="检查表还有未检查项目时必填；打印在现场检查记录上。",
    )


class DocumentIssueSerializer(serializers.Serializer):
    type = serializers.ChoiceField(label="文书类型", choices=DocumentType.choices)
    opinion = serializers.CharField(label="复查意见", required=False, allow_blank=True)
    measures = serializers.CharField(label="处理措施", required=False, allow_blank=True)
    stoppage = serializers.ChoiceField(
        label="停产停业", choices=Stoppage.choices, required=False, default=Stoppage.NONE
    )


class DocumentVoidSerializer(serializers.Serializer):
    reason = serializers.CharField(label="作废原因", max_length=255)

"""Hazard API serializers. They check the shape of input; every rule lives in services/workflow."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from core.api.schema import ErrorResponseSerializer
from enterprises.models import Enterprise

from ..choices import BasisKind, PhotoKind, SupervisionLevel
from ..models import (
    Clause,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    HazardPhoto,
    Supervision,
)
from ..services import EDITABLE_FIELDS, progress_reports_due
from ..workflow import available

# ---------------------------------------------------------------- shared pieces


# Every error answer: the shared body of the whole API.
ErrorSerializer = ErrorResponseSerializer


class UserBriefSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "display_name"]


# ---------------------------------------------------------------- hazard parts


class HazardEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(read_only=True)
    actor = UserBriefSerializer(read_only=True, allow_null=True)
    data = serializers.JSONField(read_only=True)

    class Meta:
        model = HazardEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "actor",
            "created_at",
            "comment",
            "data",
        ]


class HazardPhotoSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = UserBriefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="照片下载地址（同样按管辖范围校验）。")
    thumbnail_url = serializers.SerializerMethodField(help_text="缩略图地址。")

    class Meta:
        model = HazardPhoto
        fields = [
            "id",
            "kind",
            "kind_display",
            "event",
            "extension",
            "width",
            "height",
            "size",
            "uploaded_by",
            "created_at",
            "url",
            "thumbnail_url",
        ]

    def _url(self, name: str, photo: HazardPhoto) -> str:
        path = reverse(f"api:{name}", kwargs={"pk": photo.hazard_id, "photo_id": photo.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, photo: HazardPhoto) -> str:
        return self._url("hazard-photo-file", photo)

    def get_thumbnail_url(self, photo: HazardPhoto) -> str:
        return self._url("hazard-photo-thumbnail", photo)


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="照片文件", help_text="JPEG、PNG 或 WebP 图片。")
    kind = serializers.ChoiceField(
        label="照片类型", choices=PhotoKind.choices, help_text="before：整改前；after：整改后。"
    )


class ExtensionRequestSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = UserBriefSerializer(read_only=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_by",
            "requested_at",
            "reason",
            "interim_measures",
            "old_deadline",
            "requested_deadline",
            "status",
            "status_display",
            "decided_by",
            "decided_at",
            "approved_deadline",
            "decision_comment",
        ]


class SupervisionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    listed_by = UserBriefSerializer(read_only=True)
    removed_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "level",
            "level_display",
            "doc_no",
            "issuing_unit",
            "signer",
            "deadline",
            "report_interval_days",
            "listed_by",
            "listed_at",
            "removed_by",
            "removed_at",
        ]


class ProgressReportSerializer(serializers.Serializer):
    due = serializers.DateField(help_text="下次进展报告的截止日期。")
    late_days = serializers.IntegerField(help_text="逾期天数，未逾期为 0。")


class AvailableActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="操作名，即 POST /api/v1/hazards/{id}/{action}/。")
    label = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField(), help_text="可提交的字段。")


# ---------------------------------------------------------------- hazards


class HazardListSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    clause_label = serializers.SerializerMethodField()
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    stoppage_display = serializers.CharField(source="get_stoppage_display", read_only=True)
    supervision_level = serializers.ChoiceField(
        choices=SupervisionLevel.choices,
        allow_blank=True,
        read_only=True,
        help_text="当前有效的挂牌督办级别；未挂牌或已摘牌时为空字符串。",
    )
    basis_kind = serializers.ChoiceField(
        choices=BasisKind.choices,
        allow_blank=True,
        read_only=True,
        help_text="判定依据的类型：clause 判定标准条款，other 其他依据；未引用时为空字符串。",
    )
    clause_warning = serializers.CharField(
        read_only=True,
        help_text="所引用标准在发现日期已被取代时的提示（如“已被 AQ 3067—2026 取代，新准则尚未录入”），"
        "否则为空字符串。",
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text="未销号且已过当前整改期限。")
    overdue_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "number",
            "enterprise",
            "enterprise_name",
            "region",
            "region_name",
            "sector",
            "sector_name",
            "level",
            "level_display",
            "clause",
            "clause_label",
            "basis_kind",
            "other_basis",
            "clause_warning",
            "source",
            "source_display",
            "place",
            "description",
            "found_date",
            "deadline",
            "current_deadline",
            "state",
            "state_display",
            "stoppage",
            "stoppage_display",
            "supervision_level",
            "is_overdue",
            "overdue_days",
            "updated_at",
        ]
        read_only_fields = fields

    def get_clause_label(self, hazard: Hazard) -> str | None:
        return str(hazard.clause) if hazard.clause_id else None


class HazardDetailSerializer(HazardListSerializer):
    clause_citation = serializers.SerializerMethodField()
    found_by = UserBriefSerializer(read_only=True, allow_null=True)
    rechecked_by = UserBriefSerializer(read_only=True, allow_null=True)
    closed_by = UserBriefSerializer(read_only=True, allow_null=True)
    basis_confirmed_by = UserBriefSerializer(read_only=True, allow_null=True)
    events = HazardEventSerializer(many=True, read_only=True)
    photos = HazardPhotoSerializer(many=True, read_only=True)
    extensions = ExtensionRequestSerializer(many=True, read_only=True)
    supervisions = SupervisionSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField(
        help_text="当前用户此刻可以执行的工作流操作。"
    )
    progress_report = serializers.SerializerMethodField(
        help_text="挂牌督办中的隐患：下次进展报告的截止日期和逾期天数；未挂牌或已销号为 null。"
    )

    class Meta(HazardListSerializer.Meta):
        fields = [
            *HazardListSerializer.Meta.fields,
            "clause_citation",
            "basis_confirmed_by",
            "basis_confirmed_at",
            "found_by",
            "measures",
            "responsible_person",
            "funds",
            "plan_deadline",
            "emergency_plan",
            "completed_date",
            "completion_note",
            "funds_spent",
            "assessment",
            "recheck_unit",
            "rechecked_by",
            "recheck_date",
            "recheck_opinion",
            "closed_date",
            "closed_by",
            "reported_to_regulator",
            "reported_to_workers",
            "supervisor_unit",
            "supervisor_person",
            "remarks",
            "created_at",
            "events",
            "photos",
            "extensions",
            "supervisions",
            "progress_report",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressReportSerializer(allow_null=True))
    def get_progress_report(self, hazard: Hazard) -> dict | None:
        due = progress_reports_due([hazard]).get(hazard.pk)
        return {"due": due.due, "late_days": due.late_days} if due else None

    def get_clause_citation(self, hazard: Hazard) -> str | None:
        return hazard.clause.citation if hazard.clause_id else None

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_available_actions(self, hazard: Hazard) -> list[dict]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"action": t.action.value, "label": t.action.label, "fields": list(t.fields)}
            for t in available(hazard, request.user)
        ]


class HazardCreateSerializer(serializers.ModelSerializer):
    """Input of a registration; the service checks the rules (clause, dates, role)."""

    enterprise = serializers.PrimaryKeyRelatedField(
        label="生产经营单位",
        queryset=Enterprise.objects.none(),
        error_messages={"does_not_exist": "企业不存在，或不在您的管辖范围内。"},
    )
    clause = serializers.PrimaryKeyRelatedField(
        label="判定依据",
        queryset=Clause.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "判定依据条款“{pk_value}”不存在。"},
        help_text="判定标准条款 id；重大事故隐患必填，除非填写 other_basis。",
    )
    other_basis = serializers.CharField(
        label="其他依据",
        required=False,
        allow_blank=True,
        help_text="该行业判定标准未录入、不完整或已被未录入的新标准取代时，重大事故隐患可不选条款，"
        "在此写明法律依据；销号前须由审核人员确认。",
    )
    found_date = serializers.DateField(label="发现日期", required=False, help_text="默认今天。")

    class Meta:
        model = Hazard
        fields = [
            "enterprise",
            "level",
            "clause",
            "other_basis",
            "source",
            "place",
            "description",
            "found_date",
            "deadline",
            "stoppage",
            "supervisor_unit",
            "supervisor_person",
            "remarks",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)


class HazardUpdateSerializer(serializers.ModelSerializer):
    """The fields that may be edited while a hazard is open (PATCH)."""

    clause = serializers.PrimaryKeyRelatedField(
        label="判定依据",
        queryset=Clause.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "判定依据条款“{pk_value}”不存在。"},
    )

    class Meta:
        model = Hazard
        fields = list(EDITABLE_FIELDS)

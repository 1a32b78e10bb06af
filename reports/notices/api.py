"""Notices in the API: the scoped list with the notice page's filters, one notice, its PDF."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from core.api.mixins import ApiDefaults, validated
from hazards.choices import HazardLevel

from ..api_base import FileActionsMixin
from ..choices import NoticeStep
from ..models import Notice
from ..web import PDF, export
from .documents import notice_pdf
from .selectors import filter_notices, notice_queryset
from .steps import step_label


class NoticeSerializer(serializers.ModelSerializer):
    step_label = serializers.SerializerMethodField()
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)
    enterprise = serializers.CharField(source="hazard.enterprise.name", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "hazard",
            "hazard_number",
            "enterprise",
            "step",
            "step_label",
            "deadline",
            "due_date",
            "created_at",
            "number",
            "issuer",
            "addressees",
            "body",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_step_label(self, obj) -> str:
        return step_label(obj.step)

    def get_pdf_url(self, obj) -> str:
        return f"/api/v1/notices/{obj.pk}/notice.pdf"


class NoticeQuerySerializer(serializers.Serializer):
    """Query parameters of the notice list (the same filters as the notice page)."""

    q = serializers.CharField(
        label="关键字", required=False, allow_blank=True, help_text="文号、隐患编号或企业名称。"
    )
    step = serializers.ChoiceField(
        label="环节",
        choices=[("remind", "到期提醒（全部）"), *NoticeStep.choices],
        required=False,
        allow_blank=True,
        help_text="remind 表示全部到期提醒，或某一环节。",
    )
    level = serializers.ChoiceField(
        label="隐患级别", choices=HazardLevel.choices, required=False, allow_blank=True
    )
    hazard = serializers.IntegerField(
        label="隐患", required=False, min_value=1, help_text="隐患 id。"
    )
    after = serializers.DateField(label="到期日起", required=False, help_text="到期日不早于该日。")
    before = serializers.DateField(label="到期日止", required=False, help_text="到期日不晚于该日。")
    open = serializers.BooleanField(
        label="仅未销号", required=False, default=False, help_text="true：只列未销号隐患的通知。"
    )

    def as_params(self) -> dict:
        """The cleaned values in the form the shared filter function reads."""
        data = self.validated_data
        params = {key: str(data[key]) for key in ("q", "step", "level", "hazard") if data.get(key)}
        for key in ("after", "before"):
            if data.get(key):
                params[key] = data[key].isoformat()
        if data.get("open"):
            params["open"] = "true"
        return params


class NoticeViewSet(ApiDefaults, FileActionsMixin, viewsets.ReadOnlyModelViewSet):
    """督办通知：到期提醒和逾期督办各环节的通知（只读）。列表可按关键字、环节、隐患级别、
    隐患、到期日和是否未销号筛选；notice.pdf 为通知书 PDF。"""

    serializer_class = NoticeSerializer
    filter_backends: list = []

    def get_queryset(self):
        queryset = notice_queryset(self.request.user)
        if self.action != "list":
            return queryset
        query = NoticeQuerySerializer(data=self.request.query_params)
        validated(query)
        return filter_notices(queryset, query.as_params())

    @extend_schema(parameters=[NoticeQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def pdf(self, request, pk=None):
        notice = self.get_object()
        return export(
            request, "notice", lambda: notice_pdf(notice), f"{notice.hazard.number}.pdf", PDF
        )

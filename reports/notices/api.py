"""Notices in the API: the scoped list with the notice page's filters, one notice, its PDF."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from core.api.mixins import ApiDefaults

from ..api_base import FileActionsMixin
from ..filtering import FilterSetBackend
from ..models import Notice
from ..web import PDF, export
from .documents import notice_pdf
from .filtersets import NoticeFilterSet
from .selectors import notice_queryset
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
            "issued_on",
            "catch_up",
            "hazard_state",
            "created_at",
            "number",
            "issuer",
            "addressees",
            "body",
            "pdf_url",
            "acknowledged_at",
        ]
        read_only_fields = fields

    def get_step_label(self, obj) -> str:
        return step_label(obj.step)

    def get_pdf_url(self, obj) -> str:
        return f"/api/v1/notices/{obj.pk}/notice.pdf"


class NoticeViewSet(ApiDefaults, FileActionsMixin, viewsets.ReadOnlyModelViewSet):
    """督办通知：到期提醒和逾期督办各环节的通知（只读）。列表可按关键字、环节、隐患级别、
    隐患、到期日和是否未销号筛选；notice.pdf 为通知书 PDF。"""

    serializer_class = NoticeSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = NoticeFilterSet

    def get_queryset(self):
        return notice_queryset(self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def pdf(self, request, pk=None):
        notice = self.get_object()
        return export(
            request, "notice", lambda: notice_pdf(notice), f"{notice.hazard.number}.pdf", PDF
        )

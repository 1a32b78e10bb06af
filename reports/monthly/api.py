"""Monthly reports in the API: the scoped list, one report, its Excel and PDF, and filing it."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.mixins import ApiDefaults
from core.api.schema import error_responses

from ..api_base import FileActionsMixin
from ..filtering import FilterSetBackend
from ..models import MonthlyReport
from ..web import PDF, XLSX, export
from .documents import report_pdf, report_xlsx
from .filtersets import ReportFilterSet
from .selectors import report_queryset
from .services import report_submit


class MonthlyReportSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    submitted_by = serializers.CharField(
        source="submitted_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "region",
            "region_name",
            "year",
            "month",
            "as_of",
            "due_date",
            "state",
            "built_at",
            "submitted_by",
            "submitted_at",
            "figures",
        ]
        read_only_fields = fields


class MonthlyReportViewSet(ApiDefaults, FileActionsMixin, viewsets.ReadOnlyModelViewSet):
    """月度进展报告（只读，由后台任务生成）：列表可按年度、月份、状态、地区筛选；
    report.xlsx / report.pdf 下载，submit 报送。"""

    serializer_class = MonthlyReportSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = ReportFilterSet

    def get_queryset(self):
        return report_queryset(self.request.user)

    @extend_schema(
        request=None,
        summary="报送月度报告",
        responses={
            200: MonthlyReportSerializer,
            **error_responses(403, 404, 409, c409="该报告已报送。"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        report = report_submit(report=report, by=request.user)
        return Response(self.get_serializer(report).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def xlsx(self, request, pk=None):
        report = self.get_object()
        return export(
            request, "monthly report", lambda: report_xlsx(report), f"{report}.xlsx", XLSX
        )

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def pdf(self, request, pk=None):
        report = self.get_object()
        return export(request, "monthly report", lambda: report_pdf(report), f"{report}.pdf", PDF)

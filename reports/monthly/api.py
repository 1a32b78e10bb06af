"""Monthly reports in the API: the scoped list, one report, its Excel and PDF, and filing it."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.mixins import ApiDefaults, validated
from core.api.schema import error_responses

from ..api_base import FileActionsMixin
from ..filtering import FilterSetBackend
from ..models import MonthlyReport
from ..web import PDF, XLSX, export
from .documents import report_pdf, report_xlsx
from .filing import report_reopen, report_return, report_submit, report_update
from .filtersets import ReportFilterSet
from .selectors import report_queryset


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
            "first_submitted_at",
            "figures",
            "work_done",
            "problems",
            "next_steps",
            "entered",
            "filled_by",
            "reviewed_by",
            "phone",
            "missing_reason",
            "return_reason",
            "returned_at",
            "stale",
            "stale_changes",
            "versions",
        ]
        read_only_fields = fields

    versions = serializers.SerializerMethodField()

    def get_versions(self, report) -> list[dict]:
        return [
            {
                "number": v.number,
                "label": v.label,
                "submitted_at": v.submitted_at,
                "return_reason": v.return_reason,
                "pdf": f"/reports/{report.pk}/versions/{v.number}/report.pdf",
                "xlsx": f"/reports/{report.pk}/versions/{v.number}/report.xlsx",
            }
            for v in sorted(report.versions.all(), key=lambda v: v.number)
        ]


class ReportEditSerializer(serializers.Serializer):
    """What the filer writes before submitting (only the fields given change)."""

    work_done = serializers.CharField(required=False, allow_blank=True)
    problems = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    filled_by = serializers.CharField(required=False, allow_blank=True)
    reviewed_by = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    cases_filed = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    fines = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    closed_down = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    judiciary = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    missing_reason = serializers.CharField(required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class MonthlyReportViewSet(ApiDefaults, FileActionsMixin, viewsets.ReadOnlyModelViewSet):
    """月度进展报告（由后台任务生成）：列表可按年度、月份、状态、地区筛选；
    report.xlsx / report.pdf 下载（已报送的为最新报送版本），edit 填写文字、填报数据和签署，
    submit 报送（市级有县区未报送时须填 missing_reason），return 退回（市级对县级），
    reopen 更正。"""

    serializer_class = MonthlyReportSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = ReportFilterSet

    def get_queryset(self):
        return report_queryset(self.request.user).prefetch_related("versions")

    @extend_schema(
        request=ReportEditSerializer,
        summary="填写月度报告（报送前）",
        responses={200: MonthlyReportSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        data = validated(ReportEditSerializer(data=request.data))
        report = report_update(report=self.get_object(), by=request.user, data=data)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=ReportEditSerializer,
        summary="报送月度报告",
        responses={
            200: MonthlyReportSerializer,
            **error_responses(400, 403, 404, 409, c409="该报告已报送。"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = validated(ReportEditSerializer(data=request.data))
        if data:
            report_update(report=self.get_object(), by=request.user, data=data)
        reason = data.get("missing_reason")
        report = report_submit(report=self.get_object(), by=request.user, missing_reason=reason)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=ReasonSerializer,
        summary="退回县级月度报告",
        responses={200: MonthlyReportSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        reason = validated(ReasonSerializer(data=request.data)).get("reason", "")
        report = report_return(report=self.get_object(), by=request.user, reason=reason)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=None,
        summary="更正已报送的月度报告",
        responses={200: MonthlyReportSerializer, **error_responses(403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        report = report_reopen(report=self.get_object(), by=request.user)
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

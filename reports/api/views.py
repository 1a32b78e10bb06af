"""Notices and monthly reports in the API: scoped lists, PDFs and Excel, and the submit step."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.api.mixins import ApiDefaults, validated
from core.api.schema import error_responses

from .. import services
from ..views import PDF, XLSX, download, filter_notices, notice_queryset, report_queryset
from .serializers import (
    MonthlyReportSerializer,
    NoticeQuerySerializer,
    NoticeSerializer,
    ReportQuerySerializer,
)


class PdfRenderer(BaseRenderer):
    """Lets a client that asks only for PDF download one; the view returns the bytes."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XlsxRenderer(PdfRenderer):
    media_type = XLSX
    format = "xlsx"


class FileActionsMixin:
    """File endpoints (notice.pdf, report.xlsx …) are routed explicitly in config/api.py, without
    the router's trailing slash; errors still answer in JSON."""

    file_renderers: dict = {"pdf": PdfRenderer, "xlsx": XlsxRenderer}

    def get_renderers(self):
        if self.action in self.file_renderers:
            return [JSONRenderer(), self.file_renderers[self.action]()]
        return super().get_renderers()


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
        return download(services.notice_pdf(notice), f"{notice.hazard.number}.pdf", PDF)


class MonthlyReportViewSet(ApiDefaults, FileActionsMixin, viewsets.ReadOnlyModelViewSet):
    """月度进展报告（只读，由后台任务生成）：列表可按年度、月份、状态、地区筛选；
    report.xlsx / report.pdf 下载，submit 报送。"""

    serializer_class = MonthlyReportSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = report_queryset(self.request.user)
        if self.action != "list":
            return qs
        query = validated(ReportQuerySerializer(data=self.request.query_params))
        for key in ("year", "month", "state", "region"):
            if query.get(key):
                field = "region_id" if key == "region" else key
                qs = qs.filter(**{field: query[key]})
        return qs

    @extend_schema(parameters=[ReportQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

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
        report = services.report_submit(report=report, by=request.user)
        return Response(self.get_serializer(report).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def xlsx(self, request, pk=None):
        report = self.get_object()
        return download(services.report_xlsx(report), f"{report}.xlsx", XLSX)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def pdf(self, request, pk=None):
        report = self.get_object()
        return download(services.report_pdf(report), f"{report}.pdf", PDF)

"""Inspection API: plans, 双随机 draws (+ verify), inspections (+ checklist, findings, commit,
documents). Every rule is in inspections.services; errors are JSON with a Chinese message."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.mixins import ApiDefaults
from core.api.schema import error_responses
from core.errors import ServiceError
from core.idempotency import idempotent
from core.models import Sector

from .. import services
from ..filtersets import DrawFilterSet, InspectionFilterSet, PlanFilterSet
from ..models import EnforcementDocument, RandomDraw
from ..selectors import visible_inspections, visible_plans
from .serializers import (
    ChecklistRecordSerializer,
    CommitSerializer,
    DocumentIssueSerializer,
    DocumentSerializer,
    DocumentVoidSerializer,
    DrawCheckSerializer,
    DrawCreateSerializer,
    DrawSerializer,
    FindingCreateSerializer,
    InspectionCreateSerializer,
    InspectionSerializer,
    PlanCreateSerializer,
    PlanSerializer,
)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(tags=["inspections"])
class PlanViewSet(
    ApiDefaults,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """执法检查计划：列表、详情（含随机抽查比例和完成进度）、制定。"""

    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return (
            visible_plans(self.request.user)
            .prefetch_related("enterprises")
            .order_by("-year", "-pk")
        )

    def get_serializer_class(self):
        return PlanCreateSerializer if self.action == "create" else PlanSerializer

    @extend_schema(
        request=PlanCreateSerializer, responses={201: PlanSerializer, **error_responses(409)}
    )
    def create(self, request, *args, **kwargs):
        plan = services.plan_create(by=request.user, **_valid(PlanCreateSerializer, request))
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["inspections"])
class DrawViewSet(
    ApiDefaults,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """双随机抽取：列表、详情（种子、名录库、结果、指纹）、抽取、复核。"""

    serializer_class = DrawSerializer
    filterset_class = DrawFilterSet

    def get_queryset(self):
        return (
            RandomDraw.objects.for_user(self.request.user)
            .prefetch_related("targets__inspectors", "targets__enterprise")
            .order_by("-created_at", "-pk")
        )

    def get_serializer_class(self):
        return DrawCreateSerializer if self.action == "create" else DrawSerializer

    @extend_schema(
        request=DrawCreateSerializer,
        responses={
            201: DrawSerializer,
            **error_responses(404, 409, c404="检查计划不存在，或不在您的管辖范围内。"),
        },
    )
    def create(self, request, *args, **kwargs):
        data = _valid(DrawCreateSerializer, request)
        sector = data.pop("sector", None)
        sector_obj = Sector.objects.filter(pk=sector).first() if sector else None
        if sector and sector_obj is None:
            raise ServiceError("行业领域不存在。", field="sector")
        draw = services.draw_run(by=request.user, sector=sector_obj, **data)
        return Response(DrawSerializer(draw).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DrawCheckSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """按存档的种子和名录库重新抽取，核对存档结果、结果明细和指纹。"""
        draw = self.get_object()
        check = services.draw_verify(draw=draw, by=request.user)
        return Response(
            {
                "ok": check.ok,
                "rerun_matches": check.rerun_matches,
                "rows_match": check.rows_match,
                "fingerprint_matches": check.fingerprint_matches,
                "problems": check.problems,
            }
        )


@extend_schema(tags=["inspections"])
class InspectionViewSet(
    ApiDefaults,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """现场检查：列表、详情（检查表、发现的问题、隐患）、安排检查，检查表、问题、提交、文书。"""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    def get_queryset(self):
        return visible_inspections(self.request.user).prefetch_related(
            "inspectors", "checklist__clause", "findings__hazard"
        )

    def get_serializer_class(self):
        return InspectionCreateSerializer if self.action == "create" else InspectionSerializer

    def _detail(self, inspection, code=status.HTTP_200_OK):
        return Response(
            InspectionSerializer(self.get_queryset().get(pk=inspection.pk)).data, status=code
        )

    @extend_schema(
        request=InspectionCreateSerializer,
        responses={201: InspectionSerializer, **error_responses(409)},
    )
    def create(self, request, *args, **kwargs):
        inspection = services.inspection_create(
            by=request.user, **_valid(InspectionCreateSerializer, request)
        )
        return self._detail(inspection, status.HTTP_201_CREATED)

    @extend_schema(
        request=ChecklistRecordSerializer,
        responses={200: InspectionSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def checklist(self, request, pk=None):
        """记录一个条款的检查结果（合格/不合格/不适用）；不合格自动列为重大事故隐患。"""
        inspection = self.get_object()
        services.checklist_record(
            by=request.user,
            inspection=inspection,
            **_valid(ChecklistRecordSerializer, request),
        )
        return self._detail(inspection)

    @extend_schema(
        request=FindingCreateSerializer,
        responses={200: InspectionSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """记录检查表以外发现的问题。"""
        inspection = self.get_object()
        services.finding_add(
            by=request.user, inspection=inspection, **_valid(FindingCreateSerializer, request)
        )
        return self._detail(inspection)

    @extend_schema(
        request=CommitSerializer, responses={200: InspectionSerializer, **error_responses(409)}
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """提交检查结果：每个问题登记为一条隐患（同一事务）。"""
        inspection = self.get_object()
        services.inspection_findings_commit(
            by=request.user, inspection=inspection, **_valid(CommitSerializer, request)
        )
        return self._detail(inspection)

    @extend_schema(methods=["get"], request=None, responses={200: DocumentSerializer(many=True)})
    @extend_schema(
        methods=["post"],
        request=DocumentIssueSerializer,
        responses={201: DocumentSerializer, **error_responses(409)},
    )
    # The visit's few documents in one answer, not a page (the schema says so too).
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    @idempotent
    def documents(self, request, pk=None):
        """GET：本次检查的执法文书；POST：制作并编号一份文书。"""
        inspection = self.get_object()
        if request.method == "GET":
            return Response(DocumentSerializer(inspection.documents.all(), many=True).data)
        document = services.document_issue(
            by=request.user, inspection=inspection, **_valid(DocumentIssueSerializer, request)
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DocumentVoidSerializer,
        responses={200: DocumentSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"], url_path=r"documents/(?P<document_id>\d+)/void")
    def document_void(self, request, pk=None, document_id=None):
        """作废一份文书：文号保留在登记中并标注作废，记录原因、作废人和时间；之后可重新出具同类文书。"""
        inspection = self.get_object()
        document = EnforcementDocument.objects.get(pk=document_id, inspection=inspection)
        document = services.document_void(
            by=request.user, document=document, **_valid(DocumentVoidSerializer, request)
        )
        return Response(DocumentSerializer(document).data)

    @extend_schema(request=None, responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)/pdf")
    def document_pdf(self, request, pk=None, document_id=None):
        """文书 PDF，与制作时完全一致（响应头 X-Content-SHA256）。"""
        inspection = self.get_object()
        document = EnforcementDocument.objects.get(pk=document_id, inspection=inspection)
        response = HttpResponse(
            services.document_bytes(document, by=request.user), content_type="application/pdf"
        )
        response["X-Content-SHA256"] = document.sha256
        return response

"""Ledger API: export with the hazard list's filters, and the old-ledger import.

GET  /api/v1/hazards/ledger.xlsx?<filters>      → the file, or 202 with a job to poll
POST /api/v1/ledger-imports/ (multipart `file`)  → preview with an error per bad row
GET  /api/v1/ledger-imports/{id}/                → the same preview
POST /api/v1/ledger-imports/{id}/mapping/        → the preview again, with the user's columns
POST /api/v1/ledger-imports/{id}/commit/         → 200 with the count, or 202 with a job
"""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes, schema
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.jobs import JobStatusSerializer, job_data
from core.api.mixins import ApiDefaults
from core.api.schema import ApiSchema, error_responses
from core.errors import ServiceError
from core.idempotency import idempotent
from core.uploads import check_request_size, read_upload
from hazards.filtersets import HazardFilterSet
from hazards.models import Hazard

from ..models import LedgerImport
from ..web import XLSX, download
from .commit import ledger_import_start_commit
from .export import ledger_export
from .preview import column_mapping, ledger_import_preview, ledger_import_remap
from .selectors import own_imports

PREVIEW_ROWS = 50
ERRORS_SHOWN = 1000


class HazardLedgerView(ApiDefaults, GenericAPIView):
    """The ledger export. A view class only so that the hazard list's FilterSet documents the
    same query parameters here; the service applies them."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = HazardFilterSet
    queryset = Hazard.objects.none()
    pagination_class = None

    @extend_schema(
        summary="导出隐患台账（Excel）",
        description=(
            "筛选参数与隐患列表（GET /api/v1/hazards/）相同。数据量不超过 LEDGER_SYNC_MAX_ROWS "
            "时直接返回 .xlsx；更多时返回 202 与后台任务，轮询 GET /api/v1/jobs/{id}/ 后下载。"
        ),
        filters=True,
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            ),
            202: JobStatusSerializer,
            **error_responses(400, c400="筛选参数有误。"),
        },
        tags=["hazards"],
    )
    def get(self, request):
        result = ledger_export(by=request.user, params=request.query_params)
        if result.job is not None:
            return Response(job_data(result.job, request), status=status.HTTP_202_ACCEPTED)
        return download(result.content, result.file_name, XLSX)


hazard_ledger = HazardLedgerView.as_view()


ImportPreviewSerializer = inline_serializer(
    "LedgerImportPreview",
    {
        "id": serializers.IntegerField(),
        "file_name": serializers.CharField(),
        "status": serializers.CharField(),
        "status_display": serializers.CharField(),
        "row_count": serializers.IntegerField(),
        "existing_count": serializers.IntegerField(),
        "error_count": serializers.IntegerField(),
        "notes": serializers.ListField(child=serializers.CharField()),
        "columns": serializers.ListField(child=serializers.DictField()),
        "errors": serializers.ListField(child=serializers.DictField()),
        "new_enterprises": serializers.ListField(child=serializers.DictField()),
        "rows": serializers.ListField(child=serializers.DictField()),
        "created_count": serializers.IntegerField(),
        "committed_at": serializers.DateTimeField(allow_null=True),
        "url": serializers.URLField(),
    },
)


def _preview(batch: LedgerImport, request) -> dict:
    return {
        "id": batch.pk,
        "file_name": batch.file_name,
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "row_count": batch.row_count,
        "existing_count": batch.existing_count,
        "error_count": len(batch.errors),
        "notes": batch.notes,
        "columns": column_mapping(batch),
        "errors": batch.errors[:ERRORS_SHOWN],
        "new_enterprises": batch.new_enterprises,
        "rows": batch.rows[:PREVIEW_ROWS],
        "created_count": batch.created_count,
        "committed_at": batch.committed_at,
        "url": request.build_absolute_uri(batch.get_absolute_url()),
    }


def _own_batch(request, pk: int) -> LedgerImport:
    return get_object_or_404(own_imports(request.user), pk=pk)


@extend_schema(
    summary="上传历史隐患台账并校验（预览）",
    description="multipart 字段 `file`。返回逐行错误；有任何错误时不能确认导入。",
    request={
        "multipart/form-data": inline_serializer(
            "LedgerImportUpload", {"file": serializers.FileField()}
        )
    },
    responses={201: ImportPreviewSerializer, **error_responses(400, c400="文件无法读取或过大。")},
    tags=["ledger-imports"],
)
@api_view(["POST"])
@schema(ApiSchema())
@parser_classes([MultiPartParser, FormParser])
@idempotent
def ledger_import_create(request):
    check_request_size(request)  # before the body is parsed
    upload = request.FILES.get("file")
    if upload is None:
        raise ServiceError("请上传 .xlsx 文件（字段名 file）。", field="file")
    batch = ledger_import_preview(by=request.user, data=read_upload(upload), file_name=upload.name)
    return Response(_preview(batch, request), status=status.HTTP_201_CREATED)


@extend_schema(
    summary="查看台账导入预览",
    responses={200: ImportPreviewSerializer},
    tags=["ledger-imports"],
)
@api_view(["GET"])
@schema(ApiSchema())
def ledger_import_detail(request, pk: int):
    return Response(_preview(_own_batch(request, pk), request))


@extend_schema(
    summary="修改台账导入的列对应并重新校验",
    description=(
        "`columns`：文件每一列对应的字段键（与预览中 columns[].key 相同，空字符串表示不导入该列），"
        "按列的顺序给出。返回重新校验后的预览。"
    ),
    request=inline_serializer(
        "LedgerImportMapping",
        {"columns": serializers.ListField(child=serializers.CharField(allow_blank=True))},
    ),
    responses={200: ImportPreviewSerializer, **error_responses(400, 409)},
    tags=["ledger-imports"],
)
@api_view(["POST"])
@schema(ApiSchema())
def ledger_import_mapping(request, pk: int):
    batch = _own_batch(request, pk)  # someone else's import reads as missing, whatever the body
    columns = request.data.get("columns") if hasattr(request.data, "get") else None
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ServiceError("请按列的顺序给出每一列对应的字段（columns）。", field="columns")
    batch = ledger_import_remap(batch=batch, by=request.user, columns=columns)
    return Response(_preview(batch, request))


@extend_schema(
    summary="确认导入台账（全部或全不）",
    request=None,
    responses={
        200: inline_serializer("LedgerImportCommitted", {"created": serializers.IntegerField()}),
        202: JobStatusSerializer,
        **error_responses(409, c409="文件有错误行或已导入。"),
    },
    tags=["ledger-imports"],
)
@api_view(["POST"])
@schema(ApiSchema())
@idempotent
def ledger_import_commit(request, pk: int):
    batch = _own_batch(request, pk)
    outcome = ledger_import_start_commit(batch=batch, by=request.user)
    if isinstance(outcome, int):
        return Response({"created": outcome, "import": _preview(_own_batch(request, pk), request)})
    return Response(job_data(outcome, request), status=status.HTTP_202_ACCEPTED)

"""Job status for API clients: GET /api/v1/jobs/{id}/ and its result file."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, schema
from rest_framework.response import Response

from ..jobs import job_for, job_result_response
from ..models import JobState
from .schema import ApiSchema


def job_data(job, request) -> dict:
    result_url = None
    if job.state == JobState.DONE and job.result:
        result_url = request.build_absolute_uri(reverse("api:job_result", args=[job.pk]))
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "state": job.state,
        "state_display": job.get_state_display(),
        "progress": job.progress,
        "message": job.message,
        "result": result_url,
        "result_name": job.result_name,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "url": request.build_absolute_uri(reverse("api:job_detail", args=[job.pk])),
    }


JobStatusSerializer = inline_serializer(
    "JobStatus",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "title": serializers.CharField(),
        "state": serializers.ChoiceField(choices=JobState.choices),
        "state_display": serializers.CharField(),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "message": serializers.CharField(),
        "result": serializers.URLField(allow_null=True),
        "result_name": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "finished_at": serializers.DateTimeField(allow_null=True),
        "url": serializers.URLField(),
    },
)


@extend_schema(
    summary="后台任务状态",
    description="状态、进度（0–100）与结果文件链接。只有发起人可以查看，其他用户得到 404。",
    responses={200: JobStatusSerializer},
    tags=["jobs"],
)
@api_view(["GET"])
@schema(ApiSchema())
def job_detail(request, pk: int):
    return Response(job_data(job_for(request.user, pk), request))


@extend_schema(
    summary="下载后台任务结果文件",
    description="结果文件按其类型返回：台账导出为 .xlsx。",
    responses={
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
            OpenApiTypes.BINARY
        ),
        (200, "application/octet-stream"): OpenApiTypes.BINARY,
    },
    tags=["jobs"],
)
@api_view(["GET"])
@schema(ApiSchema())
def job_result(request, pk: int):
    return job_result_response(job_for(request.user, pk))

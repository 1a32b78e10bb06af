"""Hazard API: the list, detail, registration and edits, one POST per workflow step, photos,
and the judgment standards. Every rule is in hazards.services and hazards.workflow."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import FileResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.api.mixins import ApiDefaults, validated
from core.idempotency import idempotent

from .. import services, workflow
from ..choices import Action
from ..filtersets import HazardFilterSet, StandardFilterSet
from ..models import Clause, ExtensionRequest, Hazard, HazardPhoto, JudgmentStandard, Supervision
from ..workflow import TABLE, Transition
from .serializers import (
    ErrorSerializer,
    HazardCreateSerializer,
    HazardDetailSerializer,
    HazardListSerializer,
    HazardPhotoSerializer,
    HazardUpdateSerializer,
    PhotoUploadSerializer,
)
from .standard_serializers import (
    ClauseQuerySerializer,
    ClauseSerializer,
    JudgmentStandardDetailSerializer,
    JudgmentStandardSerializer,
)
from .step_serializers import ACTION_SERIALIZERS, RecheckSerializer


def _errors(*codes: int) -> dict:
    text = {
        400: "输入有误：detail 为中文说明，errors 按字段列出。",
        403: "当前角色不能执行该操作。",
        404: "隐患不存在，或不在您的管辖范围内。",
        409: "隐患当前状态不允许该操作。",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=text[code]) for code in codes}


PHOTO_ID = OpenApiParameter(
    "photo_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="照片 id"
)
_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class ImageRenderer(BaseRenderer):
    """Lets a client that asks only for images (Accept: image/*) download a photo."""

    media_type = "image/*"
    format = "image"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only errors reach a renderer here; photos are streamed as FileResponse.
        return JSONRenderer().render(data)


# ---------------------------------------------------------------- workflow steps


def _roles(transition: Transition) -> str:
    from accounts.choices import Role

    return "、".join(Role(role).label for role in sorted(transition.roles))


def _states(transition: Transition) -> str:
    from ..choices import HazardState

    return "、".join(HazardState(state).label for state in sorted(transition.sources))


def _step_view(transition: Transition):
    """A POST action for one row of workflow.TABLE."""
    name = transition.action.value
    serializer_class = ACTION_SERIALIZERS[transition.action]

    def step(self, request, pk=None):
        return self.take_step(request, transition.action, serializer_class)

    step.__name__ = step.__qualname__ = name.replace("-", "_")
    step.__doc__ = f"{transition.action.label}。"
    step = action(
        detail=True,
        methods=["post"],
        url_path=name,
        url_name=name,
        serializer_class=serializer_class,
    )(step)
    limits = f"允许的状态：{_states(transition)}；允许的角色：{_roles(transition)}。"
    if transition.major_only:
        limits += "仅限重大事故隐患。"
    return extend_schema(
        summary=transition.action.label,
        description=f"工作流操作“{transition.action.label}”。{limits}"
        "字段是否必填由工作流按隐患级别校验，缺少时返回 400 并指明字段。",
        request=serializer_class,
        responses={200: HazardDetailSerializer, **_errors(400, 403, 404, 409)},
        tags=["hazards"],
    )(step)


# One method per transition, named after the action (start-rectification → start_rectification).
WorkflowSteps = type(
    "WorkflowSteps",
    (),
    {view.__name__: view for view in (_step_view(transition) for transition in TABLE.values())},
)


# ---------------------------------------------------------------- hazards


@extend_schema(tags=["hazards"])
class HazardViewSet(
    ApiDefaults,
    WorkflowSteps,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """事故隐患：列表（与页面相同的筛选条件）、详情（处理记录、照片、延期、挂牌督办、
    当前用户可执行的操作）、登记、修改，以及每个工作流步骤的 POST 操作。不提供删除。"""

    queryset = Hazard.objects.none()
    serializer_class = HazardDetailSerializer
    filterset_class = HazardFilterSet
    # Ordering comes from the FilterSet's `ordering`, exactly as on the list page.
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_classes = {
        "list": HazardListSerializer,
        "create": HazardCreateSerializer,
        "partial_update": HazardUpdateSerializer,
        "photos": PhotoUploadSerializer,
        "recheck": RecheckSerializer,
    }

    def get_serializer_class(self):
        return self.serializer_classes.get(self.action, self.serializer_class)

    def scoped(self):
        return Hazard.objects.for_user(self.request.user)

    def list_queryset(self):
        return (
            self.scoped()
            .with_is_overdue()
            .select_related("enterprise", "region", "sector", "clause__standard__superseded_by")
        )

    def detail_queryset(self):
        return (
            self.list_queryset()
            .select_related("found_by", "rechecked_by", "closed_by")
            .prefetch_related(
                "events__actor",
                "photos__uploaded_by",
                Prefetch(
                    "extensions",
                    ExtensionRequest.objects.select_related("requested_by", "decided_by"),
                ),
                Prefetch(
                    "supervisions",
                    Supervision.objects.select_related("listed_by", "removed_by"),
                ),
            )
        )

    def get_queryset(self):
        if self.action == "list":
            return self.list_queryset()
        if self.action == "retrieve":
            return self.detail_queryset()
        return self.scoped()

    def detail_response(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        hazard = self.detail_queryset().get(pk=pk)
        context = self.get_serializer_context()
        return Response(HazardDetailSerializer(hazard, context=context).data, status=code)

    @extend_schema(
        summary="登记隐患",
        request=HazardCreateSerializer,
        responses={201: HazardDetailSerializer, **_errors(400, 403)},
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        data = validated(self.get_serializer(data=request.data))
        hazard = services.hazard_register(by=request.user, **data)
        return self.detail_response(hazard.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改隐患信息",
        description="仅在“已登记”“整改中”状态可修改；整改开始后修改期限请申请延期。",
        request=HazardUpdateSerializer,
        responses={200: HazardDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    def partial_update(self, request, pk=None):
        hazard = self.get_object()
        changes = validated(self.get_serializer(hazard, data=request.data, partial=True))
        services.hazard_update(hazard=hazard, by=request.user, **changes)
        return self.detail_response(hazard.pk)

    @idempotent
    def take_step(self, request, step: Action, serializer_class) -> Response:
        hazard = self.get_object()
        payload = validated(
            serializer_class(data=request.data, context=self.get_serializer_context())
        )
        comment = payload.pop("comment", "") or ""
        workflow.apply(hazard=hazard, action=step, by=request.user, comment=comment, **payload)
        return self.detail_response(hazard.pk)

    @extend_schema(
        summary="复查",
        description="passed=true 等同 recheck-pass，passed=false 等同 recheck-fail"
        "（须填写 new_deadline）。",
        request=RecheckSerializer,
        responses={200: HazardDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        hazard = self.get_object()
        payload = validated(self.get_serializer(data=request.data))
        step = Action.RECHECK_PASS if payload.pop("passed") else Action.RECHECK_FAIL
        comment = payload.pop("comment", "") or ""
        fields = TABLE[step].fields
        payload = {name: value for name, value in payload.items() if name in fields}
        workflow.apply(hazard=hazard, action=step, by=request.user, comment=comment, **payload)
        return self.detail_response(hazard.pk)

    @extend_schema(
        summary="上传照片",
        description="multipart/form-data：file 为图片文件，kind 为 before（整改前）或 after（整改后）。"
        "按文件内容校验，只接受 JPEG、PNG、WebP。",
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: HazardPhotoSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        hazard = self.get_object()
        data = validated(self.get_serializer(data=request.data))
        upload = data["file"]
        photo = services.hazard_add_photo(
            hazard=hazard,
            by=request.user,
            kind=data["kind"],
            data=upload.read(),
            name=upload.name,
        )
        photo = HazardPhoto.objects.select_related("uploaded_by").get(pk=photo.pk)
        context = self.get_serializer_context()
        return Response(
            HazardPhotoSerializer(photo, context=context).data, status=status.HTTP_201_CREATED
        )

    def _photo_file(self, pk, photo_id, attribute: str) -> FileResponse:
        try:
            photo = HazardPhoto.objects.select_related("hazard").get(
                pk=int(photo_id), hazard__in=self.scoped().filter(pk=pk)
            )
        except (ValueError, HazardPhoto.DoesNotExist) as exc:
            raise exceptions.NotFound() from exc
        thumbnail = attribute == "thumbnail"
        extension = "jpg" if thumbnail else photo.extension
        stored = getattr(photo, attribute)
        response = FileResponse(
            stored.open("rb"),
            content_type=_CONTENT_TYPES.get(extension, "application/octet-stream"),
            as_attachment=False,
            filename=f"{photo.hazard.number}-{photo.kind}-{photo.pk}{'-thumb' if thumbnail else ''}.{extension}",
        )
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        summary="下载照片",
        parameters=[PHOTO_ID],
        responses={
            (200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="照片原图"),
            **_errors(404),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[^/.]+)",
        url_name="photo-file",
        renderer_classes=[JSONRenderer, ImageRenderer],
    )
    def photo_file(self, request, pk=None, photo_id=None):
        return self._photo_file(pk, photo_id, "image")

    @extend_schema(
        summary="下载照片缩略图",
        parameters=[PHOTO_ID],
        responses={
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="JPEG 缩略图"),
            **_errors(404),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[^/.]+)/thumbnail",
        url_name="photo-thumbnail",
        renderer_classes=[JSONRenderer, ImageRenderer],
    )
    def photo_thumbnail(self, request, pk=None, photo_id=None):
        return self._photo_file(pk, photo_id, "thumbnail")


# ---------------------------------------------------------------- judgment standards


@extend_schema(tags=["standards"])
class JudgmentStandardViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    """重大事故隐患判定标准（只读）：列表可按关键字 q 和行业领域 sector 筛选，详情含全部条款。"""

    queryset = JudgmentStandard.objects.none()
    filterset_class = StandardFilterSet
    filter_backends = [DjangoFilterBackend]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return JudgmentStandardDetailSerializer
        return JudgmentStandardSerializer

    def get_queryset(self):
        qs = (
            JudgmentStandard.objects.select_related("superseded_by__superseded_by")
            .prefetch_related("sectors")
            .annotate(clause_count=Count("clauses"))
            # Meta.ordering does not apply to a grouped query: order explicitly.
            .order_by(*JudgmentStandard._meta.ordering)
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related("clauses")
        return qs


@extend_schema(tags=["standards"])
class ClauseViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    """判定标准条款（只读）：按行业领域和关键字查找可作为判定依据的条款。"""

    queryset = Clause.objects.none()
    serializer_class = ClauseSerializer
    filter_backends: list = []

    @extend_schema(parameters=[ClauseQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if self.action != "list":
            return Clause.objects.select_related("standard__superseded_by")
        query = self.query()
        enterprise, sector = query.get("enterprise"), query.get("sector")
        if enterprise is not None:
            sectors = services.hazard_sectors(enterprise)
        else:
            sectors = [sector] if sector else []
        return services.clause_search(
            sectors=sectors,
            keyword=query.get("q", ""),
            current_only=not query["include_superseded"],
            on=query.get("found_date"),
        )

    def query(self) -> dict:
        if not hasattr(self, "_query"):
            self._query = validated(
                ClauseQuerySerializer(
                    data=self.request.query_params, context=self.get_serializer_context()
                )
            )
        return self._query

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "action", None) == "list" and hasattr(self, "_query"):
            context["on"] = self._query.get("found_date")
        return context

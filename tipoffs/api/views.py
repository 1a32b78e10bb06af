"""Public-report API for staff: the list (same filters as the page), the detail, one POST per
step of tipoffs.workflow, rewards, and the reporter's number (audited). Rules live in services."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.mixins import ApiDefaults, validated
from core.api.schema import error_responses

from .. import services
from ..filtersets import TipoffFilterSet
from ..models import Tipoff
from ..workflow import TABLE
from .serializers import (
    STEP_SERIALIZERS,
    IdentitySerializer,
    RewardSerializer,
    TipoffDetailSerializer,
    TipoffListSerializer,
)


def _step_view(name: str):
    transition = next(t for t in TABLE.values() if t.action.value == name)
    serializer_class = STEP_SERIALIZERS[name]

    def step(self, request, pk=None):
        tipoff = self.get_object()
        payload = validated(serializer_class(data=request.data))
        services.apply(tipoff=tipoff, action=name, by=request.user, **payload)
        return self.detail_response(tipoff.pk)

    step.__name__ = step.__qualname__ = name.replace("-", "_")
    step.__doc__ = f"{transition.action.label}。"
    step = action(
        detail=True,
        methods=["post"],
        url_path=name,
        url_name=name,
        serializer_class=serializer_class,
    )(step)
    return extend_schema(
        summary=f"举报：{transition.action.label}",
        request=serializer_class,
        responses={
            200: TipoffDetailSerializer,
            **error_responses(400, 403, 404, 409),
        },
        tags=["tipoffs"],
    )(step)


TipoffSteps = type(
    "TipoffSteps",
    (),
    {view.__name__: view for view in (_step_view(t.action.value) for t in TABLE.values())},
)


@extend_schema(tags=["tipoffs"])
class TipoffViewSet(
    ApiDefaults,
    TipoffSteps,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """群众举报：列表（与页面相同的筛选条件）、详情、受理、不予受理、转办、查实、未查实、
    举报奖励的登记和审批，以及查看举报人信息（每次记入审计日志）。"""

    queryset = Tipoff.objects.none()
    serializer_class = TipoffDetailSerializer
    filterset_class = TipoffFilterSet
    filter_backends = [DjangoFilterBackend]
    serializer_classes = {"list": TipoffListSerializer}

    def get_serializer_class(self):
        return self.serializer_classes.get(self.action, self.serializer_class)

    def get_queryset(self):
        queryset = Tipoff.objects.for_user(self.request.user).select_related("region", "department")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor", "photos")
        return queryset

    def detail_response(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        tipoff = (
            Tipoff.objects.for_user(self.request.user)
            .select_related("region", "department")
            .prefetch_related("events__actor", "photos")
            .get(pk=pk)
        )
        context = self.get_serializer_context()
        return Response(TipoffDetailSerializer(tipoff, context=context).data, status=code)

    @extend_schema(
        summary="查看举报人信息",
        description="只有负责处理该举报的工作人员（本辖区的执法检查员、审核人员、管理员）可以查看；"
        "每次读取记入审计日志。",
        responses={
            200: IdentitySerializer,
            **error_responses(403, 404),
        },
    )
    @action(detail=True, methods=["get"])
    def identity(self, request, pk=None):
        tipoff = self.get_object()
        phone = services.tipoff_identity(tipoff=tipoff, by=request.user, request=request)
        return Response({"anonymous": not phone, "phone": phone})

    @extend_schema(
        summary="登记举报奖励",
        request=RewardSerializer,
        responses={200: TipoffDetailSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], serializer_class=RewardSerializer)
    def reward(self, request, pk=None):
        tipoff = self.get_object()
        payload = validated(RewardSerializer(data=request.data))
        services.reward_record(tipoff=tipoff, by=request.user, amount=payload["amount"])
        return self.detail_response(tipoff.pk)

    @extend_schema(
        summary="审批举报奖励",
        description="审批人须是审核人员或管理员，且不能是奖励的登记人。",
        request=None,
        responses={
            200: TipoffDetailSerializer,
            **error_responses(403, 404, 409, c409="尚未登记、已审批，或审批人是登记人。"),
        },
    )
    @action(detail=True, methods=["post"], url_path="approve-reward", url_name="approve-reward")
    def approve_reward(self, request, pk=None):
        tipoff = self.get_object()
        services.reward_approve(tipoff=tipoff, by=request.user)
        return self.detail_response(tipoff.pk)

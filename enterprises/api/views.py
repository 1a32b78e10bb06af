from rest_framework import viewsets

from core.api.mixins import ApiDefaults
from enterprises import services
from enterprises.filtersets import EnterpriseFilterSet
from enterprises.models import Enterprise

from .serializers import EnterpriseSerializer


class EnterpriseViewSet(ApiDefaults, viewsets.ModelViewSet):
    """生产经营单位：列表、详情、新增、修改（不提供删除，请将经营状态改为"关闭"）。"""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["name", "credit_code", "region", "updated_at"]

    def get_queryset(self):
        return (
            Enterprise.objects.for_user(self.request.user)
            .select_related("region", "sector")
            .prefetch_related("other_sectors")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        other = data.pop("other_sectors", None)
        serializer.instance = services.enterprise_create(
            by=self.request.user, other_sectors=other, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        other = data.pop("other_sectors", None)
        serializer.instance = services.enterprise_update(
            enterprise=serializer.instance, by=self.request.user, other_sectors=other, **data
        )

import django_filters
from django.conf import settings
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import viewsets

from core.api.mixins import ApiDefaults
from core.models import Department, Region, Sector

from .serializers import DepartmentSerializer, RegionSerializer, SectorSerializer


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.CharFilter()
    parent = django_filters.CharFilter(field_name="parent_id")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称关键字")

    class Meta:
        model = Region
        fields = ["level", "parent", "q"]


class RegionViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    """行政区划：当前用户管辖范围内的地区。"""

    serializer_class = RegionSerializer
    lookup_field = "code"
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return Region.objects.for_user(self.request.user)


class SectorViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    """行业领域。"""

    serializer_class = SectorSerializer
    queryset = Sector.objects.all()
    ordering_fields = ["order", "code"]


class DepartmentViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    """部门：当前用户管辖范围内的部门。"""

    serializer_class = DepartmentSerializer

    def get_queryset(self):
        return Department.objects.for_user(self.request.user).select_related("region")


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a JSON 404 (not the HTML page), after the same redirect
    to the trailing slash that Django's CommonMiddleware would have made."""
    path = request.path_info
    if settings.APPEND_SLASH and not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse(
        {"detail": "接口不存在，请检查请求路径（见 /api/v1/docs/）。", "code": "not_found"},
        status=404,
    )

"""GET /api/v1/dashboard/?period=... : the dashboard's figures, the same dict the page shows."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .periods import resolve_period
from .services import dashboard_data


class FigureSerializer(serializers.Serializer):
    value = serializers.IntegerField(help_text="隐患数")
    query = serializers.CharField(help_text="隐患列表的筛选参数，恰好选出计入本数字的隐患")
    url = serializers.CharField(help_text="隐患列表页面地址（含筛选参数）")


class KeyedFigureSerializer(FigureSerializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True, help_text="用户所属地区代码；空为全部地区")
    region_name = serializers.CharField()
    all_sectors = serializers.BooleanField(help_text="是否包含全部行业领域")


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="month、quarter、year、last_year 或 custom")
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    today = serializers.DateField(help_text="逾期按此日期计算")


class CardsSerializer(serializers.Serializer):
    major_found = FigureSerializer(help_text="本期发现重大隐患")
    major_closed = FigureSerializer(help_text="本期发现且已销号的重大隐患")
    major_rate = serializers.FloatField(allow_null=True, help_text="重大隐患整改率（%）")
    major_overdue = FigureSerializer(help_text="当前逾期重大隐患（未销号且已过整改期限）")
    major_open = FigureSerializer(help_text="当前未销号重大隐患")
    old_stock = FigureSerializer(help_text="动态清零：2023年及以前发现、尚未销号的重大隐患")
    supervised = FigureSerializer(help_text="当前挂牌督办隐患")
    major_other_basis = FigureSerializer(
        help_text="本期发现、引用“其他依据”（判定标准未录入或不完整）的重大隐患"
    )


class CoverageSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="在营重点监管企业数")
    covered = serializers.IntegerField(help_text="统计期间已完成执法检查的企业数")
    rate = serializers.FloatField(allow_null=True)
    url = serializers.CharField(required=False)
    start = serializers.DateField(required=False, help_text="统计期间开始（默认为本年1月1日）")
    end = serializers.DateField(required=False, help_text="统计期间结束")
    definition = serializers.CharField(required=False, help_text="指标定义")


class RectificationSerializer(serializers.Serializer):
    due = FigureSerializer(help_text="原整改期限在本期内且已过的检查发现隐患")
    urged = FigureSerializer(help_text="其中已整改或经批准延期且新期限未到的")
    not_urged = FigureSerializer(help_text="其中未整改且未经批准延期的")
    rate = serializers.FloatField(allow_null=True, help_text="督促整改率（%）")
    definition = serializers.CharField(help_text="指标定义")


class AccidentSerializer(serializers.Serializer):
    rate = serializers.FloatField(allow_null=True, help_text="暂无事故调查数据，恒为空")
    text = serializers.CharField()
    note = serializers.CharField()
    definition = serializers.CharField(help_text="指标定义")


class IndicatorsSerializer(serializers.Serializer):
    coverage = CoverageSerializer()
    rectification = RectificationSerializer()
    accident = AccidentSerializer()


class GroupRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    found = FigureSerializer()
    closed = FigureSerializer()
    overdue = FigureSerializer()
    rate = serializers.FloatField(allow_null=True)


class RegionRowSerializer(GroupRowSerializer):
    coverage = CoverageSerializer(allow_null=True)


class TrendRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    label = serializers.CharField()
    found = FigureSerializer()
    closed = FigureSerializer()


class DashboardSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    period = PeriodSerializer()
    computed_at = serializers.DateTimeField()
    cards = CardsSerializer()
    supervision = KeyedFigureSerializer(many=True)
    indicators = IndicatorsSerializer()
    by_region = RegionRowSerializer(many=True)
    by_sector = GroupRowSerializer(many=True)
    trend = TrendRowSerializer(many=True)
    funnel = KeyedFigureSerializer(many=True)
    ageing = KeyedFigureSerializer(many=True)


@extend_schema(
    summary="驾驶舱数据",
    description=(
        "与驾驶舱页面相同的数字。每个数字带有隐患列表的筛选参数（query），"
        "用于 GET /api/v1/hazards/ 或隐患台账页面，恰好选出计入该数字的隐患。"
        "时段：period=report|month|quarter|year|last_year（report 为月报本期，默认 month），或 start 与 end（YYYY-MM-DD）。"
    ),
    parameters=[
        OpenApiParameter(
            "period", OpenApiTypes.STR, enum=["report", "month", "quarter", "year", "last_year"]
        ),
        OpenApiParameter("start", OpenApiTypes.DATE, description="自定义时段开始日期"),
        OpenApiParameter("end", OpenApiTypes.DATE, description="自定义时段结束日期"),
    ],
    responses={200: DashboardSerializer, 400: OpenApiResponse(description="时段参数有误")},
    tags=["dashboard"],
)
@api_view(["GET"])
def dashboard(request):
    today = timezone.localdate()
    period = resolve_period(request.query_params, today)
    return Response(dashboard_data(request.user, period, today))

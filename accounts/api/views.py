"""Signing in for machines (a token) and who the caller is (GET /api/v1/me/)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import parsers, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from accounts.tokens import token_issue
from core.api.mixins import ApiDefaults
from core.api.schema import error_responses
from core.clientip import client_address

LOGIN_RATE = "10/min"


class LoginRateThrottle(SimpleRateThrottle):
    """Token logins per client address: stricter than the API's own rates (password guessing).
    The rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"], else 10 per minute. It is
    off exactly when the API's throttling is off (no DEFAULT_THROTTLE_CLASSES, as in tests)."""

    scope = "login"

    def __init__(self):
        # Read the rates now, not at import: settings may be overridden (tests).
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        super().__init__()

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or LOGIN_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class TokenView(ApiDefaults, APIView):
    """用用户名和密码换取 API Token：之后以 `Authorization: Token <token>` 调用接口。"""

    authentication_classes = ()
    permission_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)

    def get_throttles(self):
        if not api_settings.DEFAULT_THROTTLE_CLASSES:
            return []
        return [LoginRateThrottle()]

    @extend_schema(
        summary="获取 API Token",
        description=(
            "提交用户名和密码（JSON 或表单），返回一个新的 Token 和它的失效时间；之后在请求头中"
            "发送 `Authorization: Token <token>`。Token 只显示这一次，系统只保存其摘要；"
            "默认 30 天后失效（设置项 API_TOKEN_TTL_DAYS），修改密码或账号停用时立即失效；"
            "在“个人信息”页面可以查看和吊销。\n\n"
            "为防止猜测密码，同一来源地址每分钟最多尝试 10 次（设置项 "
            "REST_FRAMEWORK.DEFAULT_THROTTLE_RATES.login），超过时返回 429 和 Retry-After；"
            "同一用户名连续多次密码错误还会被临时锁定。"
        ),
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            ),
            **error_responses(400, 429, c400="用户名或密码错误，或缺少字段。"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, token = token_issue(user=serializer.validated_data["user"])
        return Response(
            {
                "token": token,
                "expiry": serializers.DateTimeField().to_representation(instance.expiry),
            }
        )


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    # Null for an account without a region (a superuser: every region) or a department.
    region_name = serializers.CharField(
        source="region.name", read_only=True, default=None, allow_null=True
    )
    department_name = serializers.CharField(
        source="department.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "display_name",
            "role",
            "role_display",
            "region",
            "region_name",
            "department",
            "department_name",
            "certificate_no",
            "is_superuser",
        ]
        read_only_fields = fields


class MeView(ApiDefaults, APIView):
    """当前用户：姓名、角色、所属地区和部门（即数据的管辖范围）。"""

    @extend_schema(summary="当前用户", responses={200: MeSerializer}, tags=["auth"])
    def get(self, request):
        user = User.objects.select_related("region", "department").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)

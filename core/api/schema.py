"""OpenAPI pieces shared by every API module: the error body and the errors each operation
documents. Kept apart from base.py, which settings import (pagination, exception handler)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorResponseSerializer(serializers.Serializer):
    """Every error answer of the API: a Chinese sentence, a code, and field errors for bad input."""

    detail = serializers.CharField(help_text="给用户看的中文说明。")
    code = serializers.CharField(
        help_text="机器可读的错误代码，如 invalid、not_found、permission_denied、conflict。"
    )
    fields = serializers.JSONField(
        required=False,
        help_text="仅 400：字段名 → 错误信息列表（嵌套字段同样嵌套），或错误信息列表。",
    )


ERROR_DESCRIPTIONS = {
    400: "输入有误：detail 为中文说明，fields 按字段列出。",
    401: "未登录或 Token 无效。",
    403: "当前用户不能执行该操作。",
    404: "对象不存在，或不在您的管辖范围内。",
    405: "不支持该请求方法。",
    409: "与对象当前状态冲突。",
    415: "不支持的内容类型。",
    429: "请求过于频繁，请稍后再试（响应头 Retry-After）。",
}


def error_responses(*codes: int, **descriptions: str) -> dict:
    """`responses` entries for extend_schema: the shared error body for each code.
    A description may be given per code as e.g. `c409="……"`."""
    return {
        code: OpenApiResponse(
            ErrorResponseSerializer,
            description=descriptions.get(f"c{code}", ERROR_DESCRIPTIONS[code]),
        )
        for code in codes
    }


class ApiSchema(AutoSchema):
    """Adds the errors every operation can answer with, unless the view documents them itself:
    401 without valid credentials, 400 for bad input or query parameters, 403 for writes,
    404 for a path naming an object (or a page past the end)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        parameters = operation.get("parameters", [])
        codes = []
        security = operation.get("security") or []
        if security and {} not in security:
            codes.append(401)
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.append(400)
        if security and self.method not in ("GET", "HEAD", "OPTIONS"):
            codes.append(403)
        paginated = any(p["in"] == "query" and p["name"] == "page" for p in parameters)
        if any(p["in"] == "path" for p in parameters) or paginated:
            codes.append(404)
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorResponseSerializer, description=ERROR_DESCRIPTIONS[code]),
                    str(code),
                )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

"""Shared API pieces: pagination and JSON errors with a Chinese message."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "页码（从 1 开始）；超出范围返回 404。"
    page_size_query_description = "每页条数，默认 50，最多 500（更大的值按 500 处理）。"


_MESSAGES = {
    status.HTTP_400_BAD_REQUEST: "提交的数据有误，请检查后重试。",
    status.HTTP_401_UNAUTHORIZED: "请先登录或提供有效的 Token。",
    status.HTTP_403_FORBIDDEN: "您没有执行该操作的权限。",
    status.HTTP_404_NOT_FOUND: "未找到该对象，或不在您的管辖范围内。",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持该请求方法。",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "不支持的内容类型。",
    status.HTTP_429_TOO_MANY_REQUESTS: "请求过于频繁，请稍后再试。",
}


def exception_handler(exc, context):
    """Every API error is JSON with a Chinese `detail`; field errors stay under `errors`."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        message = str(exc)
        exc = exceptions.NotFound(message if _has_chinese(message) else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body = {
        "detail": _MESSAGES.get(response.status_code, "请求失败。"),
        "code": getattr(exc, "default_code", "error"),
    }
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = data
        if isinstance(data, list) and data:
            body["detail"] = str(data[0])
        elif isinstance(data, dict) and "non_field_errors" in data:
            body["detail"] = str(data["non_field_errors"][0])
        elif isinstance(data, dict) and data:
            name, problems = next(iter(data.items()))
            first = problems[0] if isinstance(problems, list) and problems else problems
            if isinstance(first, str | exceptions.ErrorDetail):
                body["detail"] = f"提交的数据有误（{name}）：{first}"
        if getattr(exc, "message", None):
            body["detail"] = str(exc.message)
    elif isinstance(exc, exceptions.Throttled):
        body["detail"] = f"请求过于频繁，请 {exc.wait or 1:.0f} 秒后再试。"
    elif isinstance(exc, exceptions.APIException) and isinstance(data, dict):
        detail = str(data.get("detail", ""))
        # A message written for this case (not the class default) says more than ours.
        custom = detail and detail != str(exc.default_detail) and _has_chinese(detail)
        if custom or (response.status_code not in _MESSAGES and detail):
            body["detail"] = detail
    return Response(body, status=response.status_code, headers=_retry_headers(response))


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _retry_headers(response) -> dict:
    return {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}

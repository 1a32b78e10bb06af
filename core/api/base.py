"""Shared API pieces: pagination and JSON errors with a Chinese message."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Kind, ServiceError, audit_refusal, has_chinese, log_refusal


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "页码（从 1 开始）；超出范围返回 404。"
    page_size_query_description = "每页条数，默认 50，最多 500（更大的值按 500 处理）。"

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


_MESSAGES = {
    status.HTTP_400_BAD_REQUEST: "提交的数据有误，请检查后重试。",
    status.HTTP_401_UNAUTHORIZED: "请先登录或提供有效的 Token。",
    status.HTTP_403_FORBIDDEN: "您没有执行该操作的权限。",
    status.HTTP_404_NOT_FOUND: "未找到该对象，或不在您的管辖范围内。",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持该请求方法。",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "不支持的内容类型。",
    status.HTTP_429_TOO_MANY_REQUESTS: "请求过于频繁，请稍后再试。",
}


_CODES = {
    Kind.INPUT: "invalid",
    Kind.ROLE: "permission_denied",
    Kind.SCOPE: "not_found",
    Kind.STATE: "conflict",
    Kind.CONFLICT: "conflict",
}


def _service_error(exc: ServiceError) -> Response:
    body = {"detail": exc.message, "code": _CODES[exc.kind]}
    if exc.kind == Kind.INPUT:
        body["fields"] = exc.fields or {"non_field_errors": [exc.message]}
    return Response(body, status=exc.status)


def exception_handler(exc, context):
    """Every API error is JSON: a Chinese `detail`, a machine `code`, and for bad input the
    messages per field under `fields`. A ServiceError says itself which status it is."""
    if isinstance(exc, ServiceError):
        if context.get("request") is not None:
            log_refusal(context["request"], exc)
        return _service_error(exc)
    if isinstance(exc, DjangoValidationError):
        return _service_error(ServiceError.from_validation(exc))
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        message = str(exc) if isinstance(exc, Http404) else ""
        exc = exceptions.NotFound(message if has_chinese(message) else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 403 and context.get("request") is not None:
        audit_refusal(context["request"], str(getattr(exc, "detail", "") or ""))
    data = response.data
    body = {
        "detail": _MESSAGES.get(response.status_code, "请求失败。"),
        "code": getattr(exc, "default_code", "error"),
    }
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = data
        body["detail"] = _first_problem(data) or body["detail"]
        if getattr(exc, "message", None):
            body["detail"] = str(exc.message)
    elif isinstance(exc, exceptions.Throttled):
        body["detail"] = f"请求过于频繁，请 {exc.wait or 1:.0f} 秒后再试。"
    elif isinstance(exc, exceptions.APIException) and isinstance(data, dict):
        detail = str(data.get("detail", ""))
        # A message written for this case (not the class default) says more than ours.
        custom = detail and detail != str(exc.default_detail) and has_chinese(detail)
        if custom or (response.status_code not in _MESSAGES and detail):
            body["detail"] = detail
    return Response(body, status=response.status_code, headers=_retry_headers(response))


def _first_problem(data) -> str | None:
    if isinstance(data, list) and data:
        return str(data[0])
    if isinstance(data, dict) and "non_field_errors" in data:
        return str(data["non_field_errors"][0])
    if isinstance(data, dict) and data:
        name, problems = next(iter(data.items()))
        first = problems[0] if isinstance(problems, list) and problems else problems
        if isinstance(first, str | exceptions.ErrorDetail):
            return f"提交的数据有误（{name}）：{first}"
    return None


def _retry_headers(response) -> dict:
    return {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}

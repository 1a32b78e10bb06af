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


# ---------------------------------------------------------------- links between operations

_HAZARD = "$response.body#/id"
_HAZARD_STEPS = (
    "start_rectification",
    "request_extension",
    "approve_extension",
    "refuse_extension",
    "submit_rectification",
    "recheck",
    "recheck_pass",
    "recheck_fail",
    "sign_off",
    "confirm_basis",
    "list_supervision",
    "remove_supervision",
    "record_urging",
    "record_dual_report",
    "report_progress",
)


def _hazard_links() -> dict[tuple[str, str], dict[str, dict]]:
    """A registered or changed hazard → its detail, edit, photos and every workflow step."""
    targets = {
        "hazards_retrieve": "查看该隐患",
        "hazards_partial_update": "修改该隐患",
        "hazards_photos_create": "为该隐患上传照片",
        **{f"hazards_{step}_create": "对该隐患执行工作流操作" for step in _HAZARD_STEPS},
    }
    follow = {name: ({"id": _HAZARD}, text) for name, text in targets.items()}
    sources = [("hazards_create", "201"), ("hazards_partial_update", "200")]
    sources += [(f"hazards_{step}_create", "200") for step in _HAZARD_STEPS]
    return {source: follow for source in sources}


def _visit_links() -> dict[tuple[str, str], dict[str, dict]]:
    """A visit → its detail, checklist, findings, commit and documents; a document → its PDF
    and voiding."""
    visit = "$response.body#/id"
    follow = {
        name: ({"id": visit}, text)
        for name, text in (
            ("inspections_retrieve", "查看该次检查"),
            ("inspections_checklist_create", "记录检查表条款"),
            ("inspections_findings_create", "记录发现的问题"),
            ("inspections_commit_create", "提交检查结果"),
            ("inspections_documents_list", "该次检查的执法文书"),
            ("inspections_documents_create", "出具执法文书"),
        )
    }
    sources = [("inspections_create", "201")]
    sources += [
        (f"inspections_{name}_create", "200") for name in ("checklist", "findings", "commit")
    ]
    links = {source: follow for source in sources}
    document = {"id": "$response.body#/inspection", "document_id": "$response.body#/id"}
    links[("inspections_documents_create", "201")] = {
        "inspections_documents_pdf_retrieve": (document, "下载该文书 PDF"),
        "inspections_documents_void_create": (document, "作废该文书"),
    }
    return links


def _other_links() -> dict[tuple[str, str], dict[str, dict]]:
    same = {"id": "$response.body#/id"}
    job = {"id": "$response.body#/id"}
    report = {
        "reports_retrieve": (same, "查看该报告"),
        "reports_edit_create": (same, "填写该报告"),
        "reports_submit_create": (same, "报送该报告"),
        "reports_return_create": (same, "退回该报告"),
        "reports_reopen_create": (same, "更正该报告"),
        "reports_report.pdf_retrieve": (same, "该报告 PDF"),
        "reports_report.xlsx_retrieve": (same, "该报告 Excel"),
    }
    photo = {"id": "$request.path.id", "photo_id": "$response.body#/id"}
    return {
        ("enterprises_create", "201"): {
            "enterprises_retrieve": (same, "查看该企业"),
            "enterprises_update": (same, "修改该企业"),
            "enterprises_partial_update": (same, "修改该企业"),
        },
        ("hazards_photos_create", "201"): {
            "hazards_photos_retrieve": (photo, "下载该照片"),
            "hazards_photos_thumbnail_retrieve": (photo, "下载该照片的缩略图"),
        },
        ("plans_create", "201"): {"plans_retrieve": (same, "查看该计划")},
        ("draws_create", "201"): {
            "draws_retrieve": (same, "查看该次抽取"),
            "draws_verify_create": (same, "复核该次抽取"),
        },
        ("ledger_imports_create", "201"): {
            "ledger_imports_retrieve": (same, "查看该导入预览"),
            "ledger_imports_mapping_create": (same, "修改列对应"),
            "ledger_imports_commit_create": (same, "确认导入"),
        },
        ("ledger_imports_mapping_create", "200"): {
            "ledger_imports_commit_create": (same, "确认导入"),
        },
        ("ledger_imports_commit_create", "202"): {"jobs_retrieve": (job, "查看导入任务")},
        ("hazards_ledger.xlsx_retrieve", "202"): {
            "jobs_retrieve": (job, "查看导出任务"),
            "jobs_result_retrieve": (job, "下载导出结果"),
        },
        **{
            (f"reports_{name}_create", "200"): report
            for name in ("edit", "submit", "return", "reopen")
        },
    }


def operation_links() -> dict[tuple[str, str], dict[str, dict]]:
    """(source operationId, status) → {target operationId: (parameters, description)}."""
    return {**_hazard_links(), **_visit_links(), **_other_links()}


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: declare the OpenAPI links between operations (a
    created hazard → its workflow steps, a visit → its checklist and documents …), so that a
    client, and a stateful fuzzer, can follow them."""
    operations = {
        operation["operationId"]: operation
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for (source, status), targets in operation_links().items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        links = response.setdefault("links", {})
        for target, (parameters, description) in targets.items():
            if target in operations:
                links[target] = {
                    "operationId": target,
                    "parameters": dict(parameters),
                    "description": description,
                }
    return result


def empty_filters(result, generator, request, public):
    """drf-spectacular postprocessing hook: a list's filters are the list page's, where an empty
    value means "any" (?status=&q=): say so on every optional query parameter of a list or an
    export (`allowEmptyValue`)."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            filtered = any(p["name"] == "page" for p in query) or operation.get(
                "operationId", ""
            ).endswith("ledger.xlsx_retrieve")
            if not filtered:
                continue
            for parameter in query:
                if not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result

"""Enforcement document pages: issuing a document of a visit, the list, and the PDF as issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.errors import ServiceError, message_user
from core.filtering import filter_results
from core.idempotency import idempotent

from .. import services
from ..choices import DocumentType
from ..filtersets import DocumentFilterSet
from ..forms import DocumentForm, DocumentVoidForm
from ..models import EnforcementDocument, Inspection
from . import PAGE_SIZE


@login_required
@require_POST
@idempotent
def document_issue(request, pk: int):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    form = DocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择文书类型。")
        return redirect(inspection)
    try:
        document = services.document_issue(
            by=request.user, inspection=inspection, **form.cleaned_data
        )
    except ServiceError as exc:
        message_user(request, exc)
    else:
        messages.success(request, f"已制作{document.get_type_display()}：{document.number}")
    return redirect(inspection.get_absolute_url() + "#documents")


@login_required
@require_POST
def document_void(request, pk: int):
    document = get_object_or_404(
        EnforcementDocument.objects.for_user(request.user).select_related("inspection"), pk=pk
    )
    back = redirect(document.inspection.get_absolute_url() + "#documents")
    form = DocumentVoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写作废原因。")
        return back
    try:
        document = services.document_void(
            by=request.user, document=document, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        message_user(request, exc)
    else:
        messages.success(request, f"已作废{document.get_type_display()}：{document.number}")
    return back


@login_required
def document_list(request):
    queryset = EnforcementDocument.objects.for_user(request.user).select_related(
        "inspection__enterprise", "issued_by", "voided_by", "acknowledged_by"
    )
    filterset = DocumentFilterSet(request.GET or None, queryset=queryset, request=request)
    results, filter_errors = filter_results(filterset, queryset)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/document_list.html",
        {"page": page, "filter_errors": filter_errors, "types": DocumentType.choices},
    )


@login_required
def document_download(request, pk: int):
    document = get_object_or_404(EnforcementDocument.objects.for_user(request.user), pk=pk)
    try:
        data = services.document_bytes(document, by=request.user)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("download") == "1", document.file_name
    )
    response["X-Content-SHA256"] = document.sha256
    return response

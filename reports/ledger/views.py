"""Ledger pages: export the filtered hazard list, and upload → preview → commit an old ledger."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import ServiceError, add_to_form, log_refusal, message_user
from core.idempotency import idempotent
from core.uploads import bind_upload_form, read_upload

from ..choices import ImportStatus
from ..web import XLSX, download
from .commit import ledger_import_start_commit
from .export import ledger_export
from .parse import FIELD_LABELS
from .preview import column_mapping, ledger_import_preview, ledger_import_remap
from .selectors import own_imports
from .validate import check_can_import

PREVIEW_ROWS = 50
ERRORS_SHOWN = 500


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label="隐患台账文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


@login_required
def export(request):
    """Download the ledger of the hazard list as filtered (same query string)."""
    try:
        result = ledger_export(by=request.user, params=request.GET)
    except ServiceError as exc:
        log_refusal(request, exc)
        messages.error(request, "筛选条件有误，请在隐患台账页面修正后再导出。")
        return redirect("hazards:hazard_list")
    if result.job is not None:
        messages.info(request, "数据较多，台账正在后台生成，完成后可在本页下载。")
        return redirect(result.job)
    return download(result.content, result.file_name, XLSX)


@login_required
@idempotent
def import_upload(request):
    # A wrong role is a 403 page (core.middleware.ServiceErrorMiddleware).
    check_can_import(request.user)
    form = bind_upload_form(LedgerUploadForm, request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = ledger_import_preview(
                by=request.user, data=read_upload(upload), file_name=upload.name
            )
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            return redirect(batch)
    recent = own_imports(request.user)[:10]
    return render(
        request,
        "reports/ledger/import_upload.html",
        {"form": form, "recent": recent},
    )


@login_required
def import_detail(request, pk: int):
    batch = get_object_or_404(own_imports(request.user), pk=pk)
    return render(
        request,
        "reports/ledger/import_detail.html",
        {
            "batch": batch,
            "statuses": ImportStatus,
            "preview": batch.rows[:PREVIEW_ROWS],
            "errors": batch.errors[:ERRORS_SHOWN],
            "new_enterprises": batch.new_enterprises[:200],
            "columns": column_mapping(batch),
            "fields": FIELD_LABELS.items(),
            "new_count": batch.row_count - batch.existing_count,
        },
    )


@login_required
@require_POST
def import_mapping(request, pk: int):
    """Read the kept rows again with the columns the user chose (column-<i> = field key)."""
    check_can_import(request.user)
    batch = get_object_or_404(own_imports(request.user), pk=pk)
    columns = [
        request.POST.get(f"column-{i}", "") for i in range(len(batch.source.get("headers", [])))
    ]
    try:
        ledger_import_remap(batch=batch, by=request.user, columns=columns)
    except ServiceError as exc:
        message_user(request, exc)
    else:
        messages.success(request, "已按新的列对应重新校验。")
    return redirect(batch)


@login_required
@require_POST
@idempotent
def import_commit(request, pk: int):
    check_can_import(request.user)
    batch = get_object_or_404(own_imports(request.user), pk=pk)
    try:
        outcome = ledger_import_start_commit(batch=batch, by=request.user)
    except ServiceError as exc:
        message_user(request, exc)
        return redirect(batch)
    if isinstance(outcome, int):
        kept = f"系统中已有的 {batch.existing_count} 条未作改动。" if batch.existing_count else ""
        messages.success(request, f"导入完成：新增隐患 {outcome} 条。{kept}")
        return redirect("hazards:hazard_list")
    messages.info(request, "数据较多，正在后台导入，请稍候。")
    return redirect(outcome)

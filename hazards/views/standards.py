"""The judgment standards, for reading."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from core.errors import ServiceError, add_to_form

from .. import services
from ..forms import StandardImportForm
from ..models import JudgmentStandard
from ..standard_files import read_standard_file

PREVIEW_SESSION_KEY = "standard_import"


@login_required
def standard_list(request):
    standards = (
        JudgmentStandard.objects.select_related("superseded_by")
        .prefetch_related("sectors")
        .annotate(clause_count=Count("clauses"))
        .order_by("sector_label", "-effective", "code")
    )
    tasks = services.standard_tasks() if _maintains(request.user) else []
    return render(request, "hazards/standard_list.html", {"standards": standards, "tasks": tasks})


def _maintains(user) -> bool:
    """Admins who keep the catalog: they are given its tasks."""
    return user.has_perm("hazards.add_judgmentstandard")


@login_required
def standard_detail(request, pk: int):
    standard = get_object_or_404(JudgmentStandard.objects.select_related("superseded_by"), pk=pk)
    keyword = request.GET.get("q", "").strip()
    clauses = services.clause_search(keyword=keyword, current_only=False).filter(standard=standard)
    template = (
        "hazards/includes/clause_table.html" if request.htmx else "hazards/standard_detail.html"
    )
    return render(
        request,
        template,
        {
            "standard": standard,
            "clauses": clauses,
            "keyword": keyword,
            "sectors": list(standard.sectors.all()),
        },
    )


@login_required
@permission_required("hazards.add_judgmentstandard", raise_exception=True)
def standard_import(request):
    """Load standards from a file: upload, see what would change, then confirm."""
    if request.method == "POST" and request.POST.get("token"):
        return _import_confirm(request)
    form = StandardImportForm(request.POST or None, request.FILES or None)
    plans, token = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            entries = read_standard_file(upload.name, upload.read(), form.particulars())
            plans = services.standards_plan(entries)
        except ServiceError as exc:
            add_to_form(form, exc, request=request)
        else:
            token = secrets.token_urlsafe(12)
            request.session[PREVIEW_SESSION_KEY] = {"token": token, "entries": entries}
    return render(
        request, "hazards/standard_import.html", {"form": form, "plans": plans, "token": token}
    )


def _import_confirm(request):
    pending = request.session.pop(PREVIEW_SESSION_KEY, None) or {}
    if pending.get("token") != request.POST["token"]:
        messages.error(request, "预览已过期或已导入，请重新上传文件。")
        return redirect("hazards:standard_import")
    try:
        standards, clauses = services.standards_apply(services.standards_plan(pending["entries"]))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("hazards:standard_import")
    messages.success(request, f"已导入 {standards} 个判定标准，共 {clauses} 条条款。")
    return redirect("hazards:standard_list")

"""双报告 pages: recording a report to the workers' congress with its minutes, and serving the
minutes to those who may see the hazard. The rules are in hazards.minutes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core.errors import Kind, ServiceError, add_to_form
from core.media import open_or_404
from core.uploads import bind_upload_form, read_upload

from .. import minutes
from ..models import Hazard
from .common import scoped_hazard


class WorkersReportForm(forms.Form):
    reported_on = forms.DateField(
        label="向职工大会或职代会报告日期",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    file = forms.FileField(
        label="会议记录（PDF、图片或 Word .docx）",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".pdf,.docx,.jpg,.jpeg,.png,.webp"}
        ),
    )


@login_required
def workers_report(request, pk: int):
    hazard = scoped_hazard(request, pk)
    refusal = minutes.workers_report_refusal(hazard, request.user)
    if refusal is not None and refusal.kind == Kind.ROLE:
        raise PermissionDenied(refusal.message)
    form = bind_upload_form(
        WorkersReportForm, request, initial={"reported_on": timezone.localdate()}
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            minutes.workers_report_record(
                hazard=hazard,
                by=request.user,
                reported_on=form.cleaned_data["reported_on"],
                data=read_upload(upload),
                file_name=upload.name,
            )
        except ServiceError as exc:
            if exc.kind == Kind.SCOPE:
                raise Http404 from exc
            add_to_form(form, exc, request=request)
        else:
            messages.success(request, "已记录向职工大会或职代会报告。")
            return redirect(hazard.get_absolute_url() + "#dual-report")
    return render(
        request,
        "hazards/workers_report.html",
        {
            "hazard": hazard,
            "form": form,
            "refusal": refusal,
            "reports": hazard.workers_reports.select_related("recorded_by"),
        },
    )


@login_required
@require_GET
def workers_minutes(request, pk: int, minutes_pk: int):
    hazard: Hazard = scoped_hazard(request, pk)
    report = get_object_or_404(hazard.workers_reports, pk=minutes_pk)
    inline = report.extension != "docx"
    response = FileResponse(
        open_or_404(report.minutes),
        content_type=minutes.CONTENT_TYPES.get(report.extension, "application/octet-stream"),
    )
    response["Content-Disposition"] = content_disposition_header(not inline, report.file_name)
    return response

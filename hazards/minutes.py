"""双报告 to the workers' congress: the enterprise (or a regulator for it) records the day a major
hazard was reported to the 职工大会或职工代表大会 and the minutes of that meeting as a file.

Who may record it, and on which hazards, is in the workflow module (WORKERS_REPORT_ROLES and
_STATES); the minutes are checked by their content, like every upload: a real PDF, a real image
(through the photo checks) or a Word .docx, under the size cap.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.errors import Kind, ServiceError
from core.spreadsheets import MACRO_TYPES, MAX_MEMBERS, MAX_TOTAL_BYTES, file_size

from . import workflow
from .choices import Action, HazardLevel
from .models import Hazard, HazardEvent, WorkersReport
from .photos import check_image
from .versioning import bump_on_commit

ACCEPTED = "PDF、JPEG/PNG/WebP 图片或 Word（.docx）"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
FILE_NAME_MAX = 255


def check_minutes_file(data: bytes, name: str = "") -> tuple[bytes, str]:
    """(bytes to store, extension) of an accepted minutes file; refuse anything else."""
    label = f"“{name}”" if name else "该文件"
    limit = settings.HAZARD_MINUTES_MAX_BYTES
    if not data:
        raise ServiceError(f"{label}是空文件。", field="file")
    if len(data) > limit:
        raise ServiceError(
            f"{label}大小为 {file_size(len(data))}，超过 {file_size(limit)} 的上限。", field="file"
        )
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ServiceError(f"{label}不是完整的 PDF 文件，或文件已损坏。", field="file")
        return data, "pdf"
    if data.startswith(b"PK\x03\x04"):
        _check_docx(data, label)
        return data, "docx"
    if data.startswith((b"\xff\xd8", b"\x89PNG", b"RIFF")):
        image = check_image(data, name)
        return image.data, image.extension
    raise ServiceError(f"{label}不是 {ACCEPTED} 文件。", field="file")


def _check_docx(data: bytes, label: str) -> None:
    """A Word document without macros, within the limits imports use for any zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            content_types = (
                archive.read("[Content_Types].xml").lower()
                if ("[Content_Types].xml" in names)
                else b""
            )
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise ServiceError(f"{label}已损坏，无法作为 Word 文件打开。", field="file") from exc
    if "word/document.xml" not in names:
        raise ServiceError(f"{label}不是 Word（.docx）文件。", field="file")
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
        raise ServiceError(f"{label}内容异常（解压后过大），不能接收。", field="file")
    if any(t.encode() in content_types for t in MACRO_TYPES) or any(
        n.lower().endswith("vbaproject.bin") for n in names
    ):
        raise ServiceError(f"{label}含有宏，请另存为不含宏的 .docx 文件后上传。", field="file")


def workers_report_refusal(hazard: Hazard, by) -> ServiceError | None:
    """Why this user may not record a workers' congress report on this hazard, or None."""
    if not by.has_role(*workflow.WORKERS_REPORT_ROLES):
        return ServiceError(
            f"您的角色（{by.get_role_display()}）不能记录向职工大会报告。", kind=Kind.ROLE
        )
    if hazard.level != HazardLevel.MAJOR:
        return ServiceError("只有重大事故隐患需要向职工大会或职代会报告。", kind=Kind.STATE)
    if hazard.state not in workflow.WORKERS_REPORT_STATES:
        return ServiceError(
            f"隐患当前状态为“{hazard.get_state_display()}”，不能记录向职工大会报告。",
            kind=Kind.STATE,
        )
    return None


def workers_report_record(
    *, hazard: Hazard | int, by, reported_on: date | None, data: bytes, file_name: str
) -> WorkersReport:
    """Record a report to the workers' congress with its minutes; the hazard's 双报告 date
    becomes the latest such report, and the step is written to the hazard's history."""
    pk = hazard.pk if isinstance(hazard, Hazard) else hazard
    with transaction.atomic():
        locked = Hazard.objects.for_user(by).select_for_update(of=("self",)).filter(pk=pk).first()
        if locked is None:
            raise ServiceError("没有找到该隐患。", kind=Kind.SCOPE)
        if error := workers_report_refusal(locked, by):
            raise error
        errors = {}
        if reported_on is None:
            errors["reported_on"] = "请填写报告日期。"
        elif reported_on > timezone.localdate():
            errors["reported_on"] = "报告日期不能晚于今天。"
        elif reported_on < locked.found_date:
            errors["reported_on"] = "报告日期不能早于隐患发现日期。"
        try:
            stored, extension = check_minutes_file(data, file_name)
        except ServiceError as exc:
            errors["file"] = exc.message
        if errors:
            raise ServiceError(next(iter(errors.values())), fields=errors)
        name = (file_name or f"会议记录.{extension}")[-FILE_NAME_MAX:]
        report = WorkersReport(
            hazard=locked,
            reported_on=reported_on,
            file_name=name,
            extension=extension,
            size=len(stored),
            recorded_by=by,
        )
        report.minutes.save(f"minutes.{extension}", ContentFile(stored), save=False)
        report.save()
        latest = max(reported_on, locked.reported_to_workers or reported_on)
        locked.reported_to_workers = latest
        locked._history_user = by
        locked.save()
        bump_on_commit()
        HazardEvent.objects.create(
            hazard=locked,
            action=Action.RECORD_DUAL_REPORT,
            from_state=locked.state,
            to_state=locked.state,
            actor=by,
            data={"workers": reported_on.isoformat(), "minutes": name},
        )
    return report

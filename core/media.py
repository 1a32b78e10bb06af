"""Uploaded and generated files that no row refers to any more.

A photo or a document PDF is written while its row is being saved; when the transaction then
rolls back (a refused step, a lost race for a number), the row is gone but the file stays.
`media_clean` removes such files once they are old enough that no transaction can still be
writing them. Only the folders the models write to are looked at.
"""

from __future__ import annotations

import mimetypes
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404

# The folders under MEDIA_ROOT that models write to (see the upload_to of each FileField), and
# tmp/ for photos kept from a refused registration form (hazards.pending).
MANAGED_FOLDERS = ("hazards", "documents", "jobs", "tmp", "tipoffs")
DEFAULT_AGE = timedelta(hours=24)


@dataclass
class CleanResult:
    removed: list[str] = field(default_factory=list)
    kept: int = 0
    bytes: int = 0

    def __str__(self) -> str:
        return (
            f"清理无主文件 {len(self.removed)} 个（{self.bytes / 1024 / 1024:.1f} MB），"
            f"保留在用文件 {self.kept} 个"
        )


def referenced_names() -> set[str]:
    """Every file name stored in a FileField of any model."""
    names: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.FileField):
                values = model._base_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True)
                names.update(v for v in values.iterator() if v)
    return names


def media_clean(*, older_than: timedelta = DEFAULT_AGE, dry_run: bool = False) -> CleanResult:
    """Remove files of the managed folders that no row names and that are older than
    `older_than`; with dry_run, only list them."""
    root = Path(settings.MEDIA_ROOT)
    cutoff = time.time() - older_than.total_seconds()
    referenced = referenced_names()
    result = CleanResult()
    for folder in MANAGED_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            if name in referenced:
                result.kept += 1
                continue
            stat = path.stat()
            if stat.st_mtime > cutoff:
                continue
            result.removed.append(name)
            result.bytes += stat.st_size
            if not dry_run:
                path.unlink(missing_ok=True)
        if not dry_run:
            _remove_empty_folders(base)
    return result


def _remove_empty_folders(base: Path) -> None:
    for folder in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def open_or_404(file):
    """A stored file opened for reading; 404 (not a 500) when it is missing from storage."""
    try:
        return file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc


def photo_response(file) -> FileResponse:
    """A stored photo served to a user who may see it: 404 when the file is gone, kept in the
    browser's own cache only, never content-sniffed."""
    handle = open_or_404(file)
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

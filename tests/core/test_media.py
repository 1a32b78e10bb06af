"""Files left behind by rolled-back saves are removed once old; files in use never are."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction

from core.media import media_clean
from core.models import Job

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def _age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_only_old_files_that_no_row_names_are_removed(settings, tmp_path, personas):
    settings.MEDIA_ROOT = tmp_path
    job = Job.objects.create(kind="ledger_export", title="导出", created_by=personas.reviewer)
    job.result.save("台账.xlsx", ContentFile(b"in use"))
    # A document whose row was rolled back after its PDF was written.
    with transaction.atomic():
        lost = Job.objects.create(kind="ledger_export", title="回滚", created_by=personas.reviewer)
        lost.result.save("回滚.xlsx", ContentFile(b"orphan"))
        transaction.set_rollback(True)
    orphan = tmp_path / lost.result.name
    fresh = tmp_path / "documents/2026/鄂前应急/正在写入.pdf"
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"%PDF being written")
    outside = tmp_path / "other/keep.txt"
    outside.parent.mkdir()
    outside.write_text("not ours")
    for path in (tmp_path / job.result.name, orphan, outside):
        _age(path, 3 * DAY)

    dry = media_clean(dry_run=True)
    assert dry.removed == [lost.result.name] and orphan.exists()

    result = media_clean()
    assert result.removed == [lost.result.name] and result.kept == 1
    assert not orphan.exists()
    assert (tmp_path / job.result.name).read_bytes() == b"in use"
    assert fresh.exists() and outside.exists()  # too young / not a folder the models write to


def test_command_reports_in_chinese(settings, tmp_path, capsys, db):
    settings.MEDIA_ROOT = tmp_path
    stray = tmp_path / "hazards/150623-2026-00001/before-1.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"jpeg")
    _age(stray, 2 * DAY)
    call_command("clean_media", "--hours", "24")
    out = capsys.readouterr().out
    assert "已删除 hazards/150623-2026-00001/before-1.jpg" in out and "清理无主文件 1 个" in out
    assert not stray.exists() and not stray.parent.exists()

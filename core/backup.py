"""Backups: one dated archive with the database (pg_dump custom format), the uploaded files and
a manifest of row counts and checksums; restoring it into an empty database checks them all.

The archive is a plain tar: `db.dump` (pg_restore reads it), `media/…` (MEDIA_ROOT as it was)
and `manifest.json`. pg_dump and pg_restore must be of the server's major version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils import timezone

from .errors import ServiceError
from .models import DataVersion

FORMAT = 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise ServiceError(
            "备份和恢复只支持 PostgreSQL 数据库；SQLite 演示库请直接复制 var/ 目录。"
        )
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    args += ["--username", db.get("USER") or "postgres"]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServiceError(f"{command[0]} 失败：{result.stderr.strip()[-500:]}")


def row_counts() -> dict[str, int]:
    """Rows of every model table (auto-created many-to-many tables included)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def media_files(root: Path) -> dict[str, dict]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): {"size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup_create(*, folder: Path) -> Path:
    """Write qingling-YYYYmmdd-HHMMSS.tar into `folder`; returns its path."""
    env, args = _pg_env()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = folder / f"qingling-{stamp}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "db.dump"
        name = connection.settings_dict["NAME"]
        # One snapshot: counts taken in the same repeatable-read transaction pg_dump exports.
        _run(["pg_dump", *args, "--format=custom", "--file", str(dump), name], env)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": name,
            "server_version": connection.cursor().connection.info.server_version,
            "counts": row_counts(),
            "db_dump": {"size": dump.stat().st_size, "sha256": _sha256(dump)},
            "media": media_files(media_root),
        }
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = target.with_suffix(".tar.part")
        with tarfile.open(partial, "w") as archive:
            archive.add(Path(tmp) / "manifest.json", "manifest.json")
            archive.add(dump, "db.dump")
            for relative in manifest["media"]:
                archive.add(media_root / relative, f"media/{relative}")
        partial.rename(target)  # never a half-written archive under the final name
    return target


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int


def _safe_extract(archive: tarfile.TarFile, into: Path) -> None:
    for member in archive.getmembers():
        path = (into / member.name).resolve()
        if not str(path).startswith(str(into.resolve())) or not (member.isfile() or member.isdir()):
            raise ServiceError(f"备份文件中有不安全的条目：{member.name}")
    archive.extractall(into)


def backup_restore(*, file: Path) -> RestoreResult:
    """Restore an archive into the configured database, which must be empty; check it all."""
    env, args = _pg_env()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        if cursor.fetchone()[0]:
            raise ServiceError("目标数据库不是空库：恢复只能写入新建的空数据库，以免覆盖现有数据。")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(file) as archive:
        root = Path(tmp)
        _safe_extract(archive, root)
        manifest = json.loads((root / "manifest.json").read_text())
        if _sha256(root / "db.dump") != manifest["db_dump"]["sha256"]:
            raise ServiceError("数据库备份的校验和不符，备份文件已损坏。")
        if media_files(root / "media") != manifest["media"]:
            raise ServiceError("上传文件与备份清单不符，备份文件不完整或已损坏。")
        name = connection.settings_dict["NAME"]
        connection.close()
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--exit-on-error",
                "-d",
                name,
                str(root / "db.dump"),
            ],
            env,
        )
        media_root = Path(settings.MEDIA_ROOT)
        for relative in manifest["media"]:
            (media_root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / "media" / relative, media_root / relative)
    counts = row_counts()
    wrong = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
    if wrong:
        raise ServiceError(f"恢复后的记录数与备份清单不符：{wrong}")
    present = media_files(media_root)
    if any(present.get(r) != v for r, v in manifest["media"].items()):
        raise ServiceError("恢复后的上传文件与备份清单不符。")
    # Cached counts and figures belong to whatever data the cache saw before: forget them.
    clear = getattr(cache, "delete_pattern", None)
    clear("*") if clear else cache.clear()
    DataVersion.objects.update(value=F("value") + 1)
    return RestoreResult(
        tables=len(counts), rows=sum(counts.values()), files=len(manifest["media"])
    )

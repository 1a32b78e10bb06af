from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import backup_create
from core.errors import ServiceError


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个带日期的归档（含记录数和校验和清单）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BACKUP_DIR), help="备份目录（默认 BACKUP_DIR）。"
        )

    def handle(self, *args, **options):
        try:
            path = backup_create(folder=Path(options["dir"]))
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"备份完成：{path}（{path.stat().st_size / 1e6:.1f} MB）")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import backup_restore
from core.errors import ServiceError


class Command(BaseCommand):
    help = "把备份归档恢复到空数据库，核对记录数和校验和，并清空缓存。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="make backup 生成的 .tar 文件")

    def handle(self, *args, **options):
        try:
            result = backup_restore(file=Path(options["file"]))
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"恢复完成并已核对：{result.tables} 张表 {result.rows} 条记录，"
            f"{result.files} 个上传文件，缓存已清空。"
        )

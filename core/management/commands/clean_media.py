from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from core.media import media_clean


class Command(BaseCommand):
    help = "删除没有任何记录引用、且已超过指定时长的照片、文书和导出文件（事务回滚留下的文件）。"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="只删除早于这么多小时的文件")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")

    def handle(self, *args, hours: int, dry_run: bool, **options):
        if hours < 1:
            raise CommandError("--hours 至少为 1：正在保存的文件还没有记录引用。")
        result = media_clean(older_than=timedelta(hours=hours), dry_run=dry_run)
        for name in result.removed:
            self.stdout.write(("将删除 " if dry_run else "已删除 ") + name)
        self.stdout.write(str(result))

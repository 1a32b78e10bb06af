from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from reports.notices.services import notices_run

from ._date import add_date_argument, parse_date


class Command(BaseCommand):
    help = "生成到期提醒和逾期督办通知（每个隐患每个期限每个环节只生成一次，可重复运行）。"

    def add_arguments(self, parser):
        add_date_argument(parser)
        parser.add_argument(
            "--from", dest="start", help="从这一天起逐日补跑到 --date（格式 YYYY-MM-DD）。"
        )

    def handle(self, *args, **options):
        end = parse_date(options["date"])
        day = parse_date(options["start"]) if options["start"] else end
        if day > end:
            raise CommandError("--from 不能晚于 --date。")
        while day <= end:
            self.stdout.write(str(notices_run(on=day)))
            day += timedelta(days=1)

from django.core.management.base import BaseCommand, CommandError

from reports.notices.services import notices_run

from ._date import add_date_argument, parse_date


class Command(BaseCommand):
    help = (
        "生成到期提醒和逾期督办通知（每个隐患每个期限每个环节只生成一次，可重复运行）。"
        "停运后运行一次即可：停运期间到期的环节只补发最高一级，较低环节不再发出。"
    )

    def add_arguments(self, parser):
        add_date_argument(parser)
        parser.add_argument(
            "--from",
            dest="start",
            help="已停用：不再逐日补跑，停运后直接运行当天即可。",
        )

    def handle(self, *args, **options):
        if options["start"]:
            raise CommandError(
                "不再逐日补跑（那样会把停运期间的各级通知同时发给企业）。"
                "请直接运行当天：停运期间到期的环节只补发最高一级，并标注“补发”。"
            )
        self.stdout.write(str(notices_run(on=parse_date(options["date"]))))

from django.core.management.base import BaseCommand

from reports.monthly.services import remind_late_filers

from ._date import add_date_argument, parse_date


class Command(BaseCommand):
    help = "提醒逾期未报送月度进展报告的单位（每份报告每人只提醒一次）。"

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, **options):
        count = remind_late_filers(on=parse_date(options["date"]))
        self.stdout.write(f"发出提醒 {count} 条。")

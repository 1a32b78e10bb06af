from django.core.management.base import BaseCommand

from reports.monthly.services import monthly_reports_build

from ._date import add_date_argument, parse_date


class Command(BaseCommand):
    help = "按指定日期生成当月各县月度进展报告（已生成的保持不变）并汇总市级报告。"

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, **options):
        built = monthly_reports_build(on=parse_date(options["date"]), force=True)
        self.stdout.write(f"新生成县级报告 {len(built)} 份。")

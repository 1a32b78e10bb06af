import logging

from django.core.management.base import BaseCommand

from core import demo
from hazards.demo import seed_hazards
from inspections.demo import seed_inspections
from reports.demo import seed_reports


class Command(BaseCommand):
    help = "加载演示数据（地区、部门、演示账号、企业名录、隐患、检查、督办通知、月报）。可重复运行，不会重复创建。"

    def handle(self, *args, **options):
        # Replaying 35 days of notices would log every demo SMS and run; the log is for real runs.
        reports_logger = logging.getLogger("reports")
        level = reports_logger.level
        reports_logger.setLevel(logging.WARNING)
        try:
            demo.seed_reference_and_accounts()
            enterprises = demo.seed_enterprises()
            hazards = seed_hazards()
            seed_inspections()
            seed_reports()
        finally:
            reports_logger.setLevel(level)
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已就绪（本次新增企业 {enterprises} 家，隐患 {hazards} 条）。"
                )
            )

from django.core.management.base import BaseCommand

from hazards.services import standards_load


class Command(BaseCommand):
    help = "加载重大事故隐患判定标准及条款（可重复运行）。"

    def handle(self, *args, **options):
        standards, clauses = standards_load()
        self.stdout.write(self.style.SUCCESS(f"判定标准 {standards} 部，条款 {clauses} 条。"))

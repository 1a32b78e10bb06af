from django.core.management.base import BaseCommand

from demo.seeding import seed


class Command(BaseCommand):
    help = "加载演示数据（地区、部门、演示账号、企业名录、隐患、检查、督办通知、月报）。可重复运行，不会重复创建。"

    def handle(self, *args, **options):
        created = seed()
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已就绪（本次新增企业 {created['enterprises']} 家，"
                    f"隐患 {created['hazards']} 条）。"
                )
            )

import sys

from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from demo import seeding


class Command(BaseCommand):
    help = (
        "加载演示数据（地区、部门、演示账号、企业名录、隐患、检查、督办通知、月报）。"
        "可重复运行：已加载过的部分不再加载，不会覆盖您的修改，也不会恢复您删除的记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="清空数据库中的全部数据（包括您的修改）并重新加载演示数据，执行前请求确认",
        )
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="不请求确认（用于脚本）",
        )

    def handle(self, *args, reset: bool, interactive: bool, verbosity: int, **options):
        try:
            if reset:
                if interactive and not self._confirmed():
                    self.stdout.write("已取消，未做任何更改。")
                    return
                made = seeding.reset()
            else:
                made = seeding.seed()
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if verbosity:
            self.stdout.write(self.style.SUCCESS(self._summary(made, reset)))

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            raise CommandError("重建演示数据需要确认：请在终端中运行，或加上 --yes。")
        self.stdout.write(
            "将删除数据库中的全部数据（包括您新增、修改的记录），然后重新加载演示数据。"
        )
        return input("确认清空演示数据并重建？[y/N] ").strip().lower() in ("y", "yes", "是")

    @staticmethod
    def _summary(made: dict[str, int], reset: bool) -> str:
        if not made:
            return "演示数据此前已加载，本次未做更改（您的修改都保留着；如需重建：seed_demo --reset）。"
        counts = "，".join(
            f"{label} {made[part]}" for part, label, _ in seeding.PARTS if part in made
        )
        return f"演示数据已{'重建' if reset else '就绪'}（本次新增：{counts}）。"

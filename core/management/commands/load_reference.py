from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "加载参考数据：行政区划、行业领域、判定标准、节假日（可重复运行）。"

    def handle(self, *args, **options):
        for path in settings.REFERENCE_LOADERS:
            result = import_string(path)()
            if options["verbosity"] > 1:
                self.stdout.write(f"{path}: {result}")
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("参考数据已加载。"))

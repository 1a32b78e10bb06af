from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础数据"

    def ready(self):
        from . import signals  # noqa: F401 - connects the audit-log receivers

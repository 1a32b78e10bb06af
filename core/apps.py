from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础数据"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import signals  # noqa: F401 - connects the audit-log receivers
        from .middleware import session_refreshed_at_login

        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="session-refresh-login")

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础数据"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import signals  # noqa: F401 - connects the audit-log receivers
        from .middleware import session_refreshed_at_login

        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="session-refresh-login")

        from django.db.models.signals import post_delete, post_save

        from . import reference_cache
        from .models import Department, Region, Sector

        for model in (Region, Sector, Department):
            for signal in (post_save, post_delete):
                signal.connect(
                    reference_cache.clear,
                    sender=model,
                    dispatch_uid=f"reference-cache-{model.__name__}-{signal is post_save}",
                )

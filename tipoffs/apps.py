from django.apps import AppConfig


class TipoffsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tipoffs"
    verbose_name = "群众举报"

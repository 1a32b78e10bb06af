from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = "事故隐患"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers

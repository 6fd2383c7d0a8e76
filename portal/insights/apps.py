from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "portal.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from . import signals  # noqa: F401 (its receivers connect on import)

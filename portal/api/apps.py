from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "portal.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from . import signals  # noqa: F401 (its receivers connect on import)

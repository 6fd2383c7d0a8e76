from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = _("Themes and branding")

    def ready(self) -> None:
        from . import brand  # noqa: F401  (connects the cache invalidation signals)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "portal.search"
    label = "portal_search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from . import signals, suggestions  # noqa: F401 (their receivers connect on import)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Support requests")

    def ready(self):
        from . import signals  # noqa: F401 — connects the receivers

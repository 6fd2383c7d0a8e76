from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "portal.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from . import signals  # noqa: F401 (its receivers connect on import)
        from .aimed import register_slots

        register_slots()

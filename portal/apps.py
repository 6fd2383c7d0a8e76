from django.apps import AppConfig
from django.urls import register_converter


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import signals  # noqa: F401
        from .converters import IdConverter

        # Before any URLconf is read: the apps' addresses (and their admin hooks) use <id:…>.
        register_converter(IdConverter, "id")

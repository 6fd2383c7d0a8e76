from django.apps import AppConfig
from django.urls import register_converter


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django_tasks.signals import task_started

        from . import observability, signals  # noqa: F401
        from .converters import IdConverter

        request_started.connect(observability.start, dispatch_uid="portal.request_id.start")
        request_finished.connect(observability.finish, dispatch_uid="portal.request_id.finish")
        task_started.connect(observability.take_up_job_request_id, dispatch_uid="portal.request_id.task")

        # Before any URLconf is read: the apps' addresses (and their admin hooks) use <id:…>.
        register_converter(IdConverter, "id")

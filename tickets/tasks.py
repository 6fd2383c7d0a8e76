"""Background work of support, run every few minutes by `manage.py send_sla_alerts`."""

from django_tasks import task

from . import services


@task()
def send_sla_alerts_task() -> int:
    return services.send_sla_alerts()


@task()
def send_request_email_task(*, email_id: int) -> bool:
    from .mail import send_request_email

    return send_request_email(email_id)

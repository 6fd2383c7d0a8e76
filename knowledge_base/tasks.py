"""Background work of the knowledge base, run daily by `manage.py send_review_reminders`."""

from django_tasks import task

from . import services


@task()
def send_review_reminders_task() -> int:
    return services.send_review_reminders()


@task()
def flush_view_counts_task() -> int:
    return services.flush_view_counts()

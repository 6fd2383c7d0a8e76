"""Background work of the community."""

from django_tasks import task

from . import services


@task()
def notify_about_post(*, post_id: int, mentions: list[str]) -> int:
    return services.notify_about_post(post_id, mentions)

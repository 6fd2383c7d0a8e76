"""Background work of the API: one webhook delivery at a time (retries come from `send_webhooks`)."""

from django_tasks import task


@task()
def deliver_task(*, delivery_id: int) -> str:
    from .webhooks import deliver

    return deliver(delivery_id)

"""Tell people about things. The one way any app notifies anyone."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .choices import EmailFrequency
from .models import Notification, NotificationPreference


@transaction.atomic
def notify(*, recipients: Iterable, kind: str, title: str, url: str = "", body: str = "") -> list[Notification]:
    """Create a notification for each recipient; e-mail those who want it, after commit.

    `title` and `body` are already in the recipient's language or language-neutral.
    """
    recipients = list({user.pk: user for user in recipients if user.is_active}.values())
    created = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, title=title, url=url, body=body) for user in recipients]
    )
    quiet = set(
        NotificationPreference.objects.filter(user__in=recipients)
        .exclude(email_frequency=EmailFrequency.IMMEDIATE)
        .values_list("user_id", flat=True)
    )
    wants_email = {user.pk for user in recipients if user.email and user.pk not in quiet}
    for notification in created:
        if notification.recipient_id in wants_email:
            transaction.on_commit(lambda pk=notification.pk: _enqueue_email(pk))
    return created


def _enqueue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    send_notification_email.enqueue(notification_id=notification_id)


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def set_email_frequency(*, user, frequency: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"email_frequency": frequency})

"""Tell people about things. The one way any app notifies anyone."""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .choices import EmailFrequency
from .models import Notification, NotificationPreference


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    email: bool = True,
    reply_to: Callable | None = None,
    purpose: str = "",
) -> list[Notification]:
    """Create a notification for each recipient; e-mail those who want it, after commit.

    `title` and `body` are already in the recipient's language or language-neutral. `email=False`
    when the caller sends its own e-mail (support's threaded request e-mails). `reply_to(person)`
    gives the address an answer to that person's e-mail goes to. `purpose` marks optional mail (a
    win-back, an offer): its e-mail goes only to people who allow that consent purpose, with a link
    that withdraws it.
    """
    recipients = list({user.pk: user for user in recipients if user.is_active}.values())
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title,
                url=url,
                body=body,
                reply_to=reply_to(user) if reply_to else "",
                purpose=purpose,
            )
            for user in recipients
        ]
    )
    quiet = set(
        NotificationPreference.objects.filter(user__in=recipients)
        .exclude(email_frequency=EmailFrequency.IMMEDIATE)
        .values_list("user_id", flat=True)
    )
    _forget_unread([user.pk for user in recipients])
    wants_email = {user.pk for user in recipients if email and user.email and user.pk not in quiet}
    for notification in created:
        if notification.recipient_id in wants_email:
            transaction.on_commit(lambda pk=notification.pk: _enqueue_email(pk))
    return created


#: The longest an unread count is kept: notify and mark_all_read forget it, this is the safety net.
UNREAD_SECONDS = 300


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    """How many of the person's notifications are unread: kept in the cache until notify or
    mark_all_read (the only writers) changes it."""
    key = _unread_key(user.pk)
    found = cache.get(key)
    if found is None:
        found = Notification.objects.unread().filter(recipient=user).count()
        cache.set(key, found, UNREAD_SECONDS)
    return found


def _forget_unread(user_ids) -> None:
    keys = [_unread_key(user_id) for user_id in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))  # a read during the transaction may have kept the old


def _enqueue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    send_notification_email.enqueue(notification_id=notification_id)


def mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    _forget_unread([user.pk])
    return marked


def set_email_frequency(*, user, frequency: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"email_frequency": frequency})


#: How far back a digest looks the first time, and how often each is due.
DIGEST_PERIODS = {EmailFrequency.DAILY: timedelta(days=1), EmailFrequency.WEEKLY: timedelta(days=7)}
DIGEST_LIMIT = 50


def send_digests(*, frequency: str, now=None) -> int:
    """E-mail each person who wants a digest what they have not been e-mailed yet. Returns e-mails sent.

    Run it daily (and weekly) from the scheduler; running it twice sends nothing new, because
    each notification is marked as e-mailed and each person's last digest time is kept.
    """
    from . import emails
    from .tasks import digest_subject

    now = now or timezone.now()
    period = DIGEST_PERIODS[EmailFrequency(frequency)]
    sent = 0
    preferences = NotificationPreference.objects.filter(email_frequency=frequency, user__is_active=True).exclude(
        last_digest_at__gt=now - period + timedelta(minutes=30)  # already had this period's digest
    )
    for preference in preferences.select_related("user", "user__site"):
        user = preference.user
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update()
                .filter(recipient=user, emailed_at__isnull=True, read_at__isnull=True, created_at__lte=now)
                .filter(created_at__gte=(preference.last_digest_at or now - period))
                .order_by("-created_at")[:DIGEST_LIMIT]
            )
            NotificationPreference.objects.filter(pk=preference.pk).update(last_digest_at=now)
            if not pending or not user.email:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            emails.send(
                recipient=user,
                subject=digest_subject(user, len(pending)),
                template="notifications/email/digest",
                context={
                    "notifications": [(n, emails.absolute(n.url, user.site)) for n in pending],
                    "centre": emails.absolute("/me/notifications/", user.site),
                },
            )
            sent += 1
    return sent


def unsubscribe(*, user) -> None:
    """Stop every notification e-mail (the centre keeps showing them)."""
    set_email_frequency(user=user, frequency=EmailFrequency.NEVER)

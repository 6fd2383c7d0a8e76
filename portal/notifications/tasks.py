"""Background work of the notification centre."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_tasks import task

from portal.accounts.signals import may_mail, withdraw_url

from . import emails
from .models import Notification

#: Minutes after which an e-mail a sender claimed but never marked sent is taken over by another.
CLAIM_MINUTES = 10


def _claim(notification_id: int) -> bool:
    """This sender alone sends it: a retried task (its worker killed, the database restarting under
    it) finds the e-mail claimed or sent and leaves it."""
    now = timezone.now()
    free = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - timedelta(minutes=CLAIM_MINUTES))
    return bool(
        Notification.objects.filter(free, pk=notification_id, emailed_at__isnull=True).update(email_claimed_at=now)
    )


@task()
def send_notification_email(*, notification_id: int) -> None:
    """E-mail one notification in the recipient's language; sends at most once."""
    if not _claim(notification_id):
        return
    notification = (
        Notification.objects.select_related("recipient", "recipient__site").filter(pk=notification_id).first()
    )
    if notification is None:
        return  # deleted since it was claimed (its person erased)
    recipient = notification.recipient
    context = {"notification": notification, "link": emails.absolute(notification.url, recipient.site)}
    if notification.purpose:
        if not may_mail(recipient, notification.purpose):
            return  # optional mail, and the consent was withdrawn since: not sent
        context["withdraw_url"] = withdraw_url(recipient, notification.purpose)
    try:
        emails.send(
            recipient=recipient,
            subject=notification.title,
            template="notifications/email/notification",
            context=context,
            reply_to=notification.reply_to,
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(email_claimed_at=None)  # free for the retry
        raise
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())


@task()
def send_digests_task(*, frequency: str) -> int:
    from .services import send_digests

    return send_digests(frequency=frequency)


def digest_subject(recipient, count: int) -> str:
    with translation.override(recipient.locale):
        return ngettext("%(count)s new notification", "%(count)s new notifications", count) % {"count": count}

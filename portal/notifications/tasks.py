"""Background work of the notification centre."""

from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_tasks import task

from portal.accounts.signals import may_mail, withdraw_url

from . import emails
from .models import Notification


@task()
def send_notification_email(*, notification_id: int) -> None:
    """E-mail one notification in the recipient's language; sends at most once."""
    notification = (
        Notification.objects.select_related("recipient", "recipient__site").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None:
        return
    recipient = notification.recipient
    context = {"notification": notification, "link": emails.absolute(notification.url, recipient.site)}
    if notification.purpose:
        if not may_mail(recipient, notification.purpose):
            return  # optional mail, and the consent was withdrawn since: not sent
        context["withdraw_url"] = withdraw_url(recipient, notification.purpose)
    emails.send(
        recipient=recipient,
        subject=notification.title,
        template="notifications/email/notification",
        context=context,
        reply_to=notification.reply_to,
    )
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())


@task()
def send_digests_task(*, frequency: str) -> int:
    from .services import send_digests

    return send_digests(frequency=frequency)


def digest_subject(recipient, count: int) -> str:
    with translation.override(recipient.locale):
        return ngettext("%(count)s new notification", "%(count)s new notifications", count) % {"count": count}

"""Background work of the notification centre."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from .models import Notification


@task()
def send_notification_email(*, notification_id: int) -> None:
    """E-mail one notification in the recipient's language; sends at most once."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return
    recipient = notification.recipient
    link = notification.url
    if link.startswith("/"):
        link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link
    with translation.override(recipient.locale):
        context = {"notification": notification, "link": link, "recipient": recipient}
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
        message = EmailMultiAlternatives(
            subject=notification.title, body=text, to=[recipient.email], from_email=settings.DEFAULT_FROM_EMAIL
        )
        message.attach_alternative(html, "text/html")
        message.send()
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())

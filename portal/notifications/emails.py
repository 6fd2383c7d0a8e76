"""E-mails of the notification centre: one notification now, or a digest of many later.

Every e-mail carries a link that stops notification e-mails without signing in (a signed token
naming the person), and the `List-Unsubscribe` headers mail programs show as a button.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path if path.startswith("/") else path


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_token(token: str):
    """The person an unsubscribe token names, or None when it is forged or their address changed."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != data.get("e"):
        return None
    return user


def send(*, recipient, subject: str, template: str, context: dict, reply_to: str = "") -> None:
    """Render `<template>.txt` and `.html` in the recipient's language and send them as one message."""
    url = absolute(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(recipient)}))
    with translation.override(recipient.locale):
        context = {**context, "recipient": recipient, "unsubscribe_url": url}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[recipient.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            reply_to=[reply_to] if reply_to else None,
        )
        message.attach_alternative(html, "text/html")
        message.send()

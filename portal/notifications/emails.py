"""E-mails of the notification centre: one notification now, or a digest of many later.

Every e-mail carries a link that stops notification e-mails without signing in (a signed token
naming the person), and the `List-Unsubscribe` headers mail programs show as a button.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal import addresses
from themes.brand import build_brand

UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"


def absolute(path: str, site=None) -> str:
    """A link in an e-mail: on the recipient's brand's site when they have one, else PORTAL_BASE_URL."""
    return addresses.absolute(path, site=site) if path.startswith("/") else path


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
    site = recipient.site
    url = absolute(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(recipient)}), site)
    brand = build_brand(site) if site is not None else None
    with translation.override(recipient.locale):
        context = {**context, "recipient": recipient, "unsubscribe_url": url, "brand": brand}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[recipient.email],
            from_email=formataddr((brand.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
            if brand
            else settings.DEFAULT_FROM_EMAIL,
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            reply_to=[reply_to] if reply_to else None,
        )
        message.attach_alternative(html, "text/html")
        message.send()

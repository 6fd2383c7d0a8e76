"""Account e-mails are the portal's own: text and HTML, branded, in the recipient's language."""

from http import HTTPStatus

import pytest
from allauth.core.context import request_context
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.accounts.adapters import AccountAdapter
from portal.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "https://example.test/link/abc"
NOTICE = {"ip": "203.0.113.9", "user_agent": "Firefox", "timestamp": timezone.now()}
KINDS = {
    "email_confirmation_signup": {"activate_url": URL},
    "email_confirmation": {"activate_url": URL},
    "password_reset_key": {"password_reset_url": URL},
    "unknown_account": {"signup_url": URL},
    "account_already_exists": {"password_reset_url": URL},
    "password_changed": NOTICE,
    "password_set": NOTICE,
    "email_changed": {**NOTICE, "from_email": "old@example.com", "to_email": "new@example.com"},
    "email_confirm": NOTICE,
    "email_deleted": {**NOTICE, "deleted_email": "gone@example.com"},
}
LANGUAGES = ("en", "sr-latn", "sr", "sl")


def render(site, kind: str, person, mailoutbox):
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    context = {"user": person, **KINDS[kind]}
    with request_context(request):
        AccountAdapter(request).send_mail(f"account/email/{kind}", person.email, context)
    message = mailoutbox[-1]
    html = message.alternatives[0][0]
    return message, html


def sentences(text: str) -> set[str]:
    """The lines of a text e-mail that are words, not addresses, codes or names."""
    return {line.strip() for line in text.splitlines() if len(line.strip()) > 25 and "://" not in line}


@pytest.mark.parametrize("kind", KINDS)
def test_each_account_email_in_each_language(site, kind, mailoutbox):
    english = None
    for language in LANGUAGES:
        person = UserFactory(locale=language, display_name="Mira")
        message, html = render(site, kind, person, mailoutbox)
        assert message.subject.startswith("[Acme") and "\n" not in message.subject
        assert message.from_email.startswith("Acme Help <")  # the brand's own sender name
        assert "Mira" in message.body and "Mira" in html
        assert html.startswith("<!DOCTYPE html>") and f'lang="{language}"' in html
        assert "#1f5fbf" in html  # the brand's colour
        if URL in str(KINDS[kind].values()):
            assert URL in message.body and f'href="{URL}"' in html
        if "timestamp" in KINDS[kind]:
            assert "203.0.113.9" in message.body
        if language == "en":
            english = (sentences(message.body), message.subject)
            assert "user " not in message.body and "has given your email" not in message.body  # allauth's wording
        else:
            # Nothing of the English text is left untranslated.
            assert not (english[0] & sentences(message.body)), (language, english[0] & sentences(message.body))
            assert message.subject != english[1]


def test_a_password_reset_is_written_in_the_persons_saved_language(client, site, mailoutbox):
    UserFactory(email="ana@example.com", locale="sl")
    response = client.post("/accounts/password/reset/", {"email": "ana@example.com"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.FOUND
    assert mailoutbox[-1].subject.endswith("Izberite novo geslo")
    assert "Ekipa Acme" in mailoutbox[-1].body


def test_signing_up_keeps_the_language_of_the_page(client, site, mailoutbox):
    client.cookies["portal_language"] = "sr"
    response = client.post(
        reverse("account_signup"), {"email": "vuk@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(email="vuk@example.com").locale == "sr"
    assert mailoutbox[-1].subject.endswith("Потврдите адресу е-поште")

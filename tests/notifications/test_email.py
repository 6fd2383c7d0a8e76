"""Notification e-mails through a real SMTP server: one now, or a digest; and the link that stops
them works without signing in."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import TestCase
from django.utils import timezone

from portal.notifications import emails, services
from portal.notifications.choices import EmailFrequency
from portal.notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify(person, title, url="/community/"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.notify(recipients=[person], kind="test", title=title, url=url)


def test_an_immediate_notification_is_multipart_with_an_unsubscribe_link(smtp, client):
    person = UserFactory(locale="sl")
    notify(person, "Nov odgovor")
    message = smtp.messages[0]
    assert message["Subject"] == "Nov odgovor"
    assert message.get_content_type() == "multipart/alternative"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().strip("<>")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert url in text and text.startswith("Pozdravljeni")
    assert url in message.get_body(preferencelist=("html",)).get_content()
    # The link works without signing in: a page that asks, then a POST that stops the e-mails.
    path = urlsplit(url).path
    assert client.get(path).status_code == 200
    assert NotificationPreference.objects.filter(user=person).count() == 0  # opening the link changes nothing
    assert client.post(path).status_code == 200
    assert NotificationPreference.objects.get(user=person).email_frequency == EmailFrequency.NEVER
    notify(person, "Another")
    assert len(smtp.messages) == 1
    assert Notification.objects.filter(recipient=person).count() == 2  # the centre still has both


def test_a_forged_or_stale_unsubscribe_link_changes_nothing(client):
    person = UserFactory()
    token = emails.unsubscribe_token(person)
    assert client.post(f"/me/notifications/unsubscribe/{token}x/").status_code == 404
    person.email = "new-address@example.com"
    person.save()
    assert client.post(f"/me/notifications/unsubscribe/{token}/").status_code == 404
    assert not NotificationPreference.objects.filter(user=person).exists()


def test_a_daily_digest_gathers_what_was_not_sent_once(smtp):
    person = UserFactory()
    services.set_email_frequency(user=person, frequency=EmailFrequency.DAILY)
    notify(person, "First reply")
    notify(person, "Second reply")
    assert smtp.messages == []  # nothing right away
    assert services.send_digests(frequency=EmailFrequency.DAILY) == 1
    assert services.send_digests(frequency=EmailFrequency.DAILY) == 0  # a second run sends nothing
    digest = smtp.messages[0]
    assert digest["Subject"] == "2 new notifications"
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "First reply" in text and "Second reply" in text and "/unsubscribe/" in text
    # The next day's digest holds only what came after.
    notify(person, "Third reply")
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.send_digests(frequency=EmailFrequency.DAILY, now=tomorrow) == 1
    later = smtp.messages[1].get_body(preferencelist=("plain",)).get_content()
    assert "Third reply" in later and "First reply" not in later


def test_weekly_people_are_not_in_the_daily_digest(smtp):
    person = UserFactory()
    services.set_email_frequency(user=person, frequency=EmailFrequency.WEEKLY)
    notify(person, "Idea planned")
    assert services.send_digests(frequency=EmailFrequency.DAILY) == 0
    assert services.send_digests(frequency=EmailFrequency.WEEKLY) == 1


def test_a_persons_e_mails_come_from_and_link_to_the_brand_they_joined(smtp, site, other_site):
    person = UserFactory(site=other_site)
    notify(person, "New reply", url="/community/t/1/")
    message = smtp.messages[0]
    assert message["From"].startswith("Beta Help <")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "http://brand-two.test/community/t/1/" in text
    assert "http://brand-two.test/me/notifications/unsubscribe/" in message["List-Unsubscribe"] or (
        "brand-two.test" in message["List-Unsubscribe"]
    )


def test_signing_up_on_a_brand_makes_it_the_persons_brand(client, site, other_site):
    from tests.factories import PASSWORD

    response = client.post(
        "/accounts/signup/",
        {"email": "eve@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="brand-two.test",
    )
    assert response.status_code == 302
    from portal.accounts.models import User

    assert User.objects.get(email="eve@example.com").site == other_site

"""The consent ledger: purposes, an append-only record, /me/privacy/, sign-up and e-mail links."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.privacy import consent
from portal.privacy.models import ConsentEvent, Purpose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_portal_starts_with_its_purposes_and_service_mail_is_not_asked(customer):
    codes = [purpose.code for purpose in consent.purposes()]
    assert codes == ["service", "surveys", "newsletter", "profiling", "analytics"]
    assert consent.allows(customer, "service")
    assert not consent.allows(customer, "newsletter")
    assert consent.record(person=customer, code="service", granted=False, how="account") is None
    assert not consent.allows(customer, "no-such-purpose")


def test_the_ledger_only_grows_and_says_each_change_once(customer):
    first = consent.record(person=customer, code="newsletter", granted=True, how="account", ip_address="192.0.2.7")
    assert consent.record(person=customer, code="newsletter", granted=True, how="account") is None  # double click
    assert consent.allows(customer, "newsletter")
    consent.record(person=customer, code="newsletter", granted=False, how="email_link")
    assert not consent.allows(customer, "newsletter")
    assert list(ConsentEvent.objects.filter(person=customer).values_list("granted", "how", "ip_address")) == [
        (False, "email_link", None),
        (True, "account", "192.0.2.7"),
    ]
    first.granted = False
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()


def test_a_new_version_of_the_text_asks_again(customer):
    consent.record(person=customer, code="offers", granted=True, how="account")  # no such purpose: nothing
    consent.record(person=customer, code="profiling", granted=True, how="account")
    assert consent.allows(customer, "profiling")
    profiling = Purpose.objects.get(code="profiling", locale__language_code="en")
    profiling.version = 2
    profiling.save()  # as the admin saves it: the cached purpose is read again
    assert not consent.allows(customer, "profiling")
    assert not consent.consenting(type(customer).objects.filter(pk=customer.pk), "profiling").exists()
    consent.record(person=customer, code="profiling", granted=True, how="account")
    assert consent.allows(customer, "profiling")
    assert consent.consenting(type(customer).objects.all(), "profiling").get() == customer


def test_the_privacy_page_changes_a_consent_in_one_click(customer_client, customer):
    page = customer_client.get(reverse("privacy:privacy")).content.decode()
    assert "Satisfaction and recommendation surveys" in page and "Not allowed." in page
    response = customer_client.post(reverse("privacy:change", args=["surveys"]), {"granted": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert consent.allows(customer, "surveys")
    page = customer_client.get(reverse("privacy:privacy")).content.decode()
    assert "Withdraw: Satisfaction and recommendation surveys" in page and "Privacy page (/me/privacy/)" in page
    customer_client.post(reverse("privacy:change", args=["surveys"]), {"granted": "0"})
    assert not consent.allows(customer, "surveys")
    assert customer_client.post(reverse("privacy:change", args=["service"]), {"granted": "0"}).status_code == 404
    assert customer_client.get(reverse("privacy:change", args=["surveys"])).status_code == 405


def test_sign_up_offers_every_optional_purpose_unticked(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="consent_newsletter"' in page and 'name="consent_service"' not in page
    assert 'name="consent_newsletter" checked' not in page
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": "a long pass phrase 9", "password2": "a long pass phrase 9",
         "consent_surveys": "on"},
        REMOTE_ADDR="198.51.100.4",
    )  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    person = type(UserFactory()).objects.get(email="new@example.com")
    event = ConsentEvent.objects.get(person=person)
    assert (event.purpose, event.granted, event.how, event.version) == ("surveys", True, "signup", 1)
    assert not consent.allows(person, "newsletter")


def test_the_email_link_withdraws_only_after_a_click_and_refuses_forgeries(client, customer):
    consent.record(person=customer, code="newsletter", granted=True, how="signup")
    path = consent.withdraw_link(customer, "newsletter")
    page = client.get(path)
    assert page.status_code == HTTPStatus.OK and "Newsletter and offers" in page.content.decode()
    assert consent.allows(customer, "newsletter")
    client.post(path)
    client.post(path)  # twice: one row
    assert not consent.allows(customer, "newsletter")
    assert ConsentEvent.objects.filter(person=customer, granted=False, how="email_link").count() == 1
    assert client.get(path[:-6] + "xx/").status_code == HTTPStatus.BAD_REQUEST


def test_purposes_speak_the_readers_language():
    from django.utils import translation
    from wagtail.models import Locale

    from portal.privacy.demo import translate_purposes

    for code in ("sl", "sr", "sr-latn"):
        Locale.objects.get_or_create(language_code=code)
    assert translate_purposes() == 15
    assert translate_purposes() == 0  # once
    with translation.override("sl"):
        assert consent.purposes()[1].name == "Ankete o zadovoljstvu in priporočilu"
    with translation.override("sr"):
        assert consent.purposes()[1].name.startswith("Анкете")
    with translation.override("en"):
        assert consent.purposes()[1].name == "Satisfaction and recommendation surveys"


def test_an_agent_records_what_a_person_said_on_the_phone(client, customer):
    agent = UserFactory(role="agent", display_name="Ana Agent")
    client.force_login(agent)
    url = reverse("privacy_record_consent")
    assert client.get(url).status_code == HTTPStatus.OK
    page = client.post(url, {"email": "nobody@example.com", "purpose": "newsletter", "granted": "1", "note": "x"})
    assert "Nobody has an account with this address." in page.content.decode()
    client.post(url, {"email": customer.email, "purpose": "newsletter", "granted": "1", "note": "Called on Monday."})
    event = ConsentEvent.objects.get(person=customer)
    assert (event.how, event.note, event.recorded_by, event.granted) == ("agent", "Called on Monday.", agent, True)
    client.force_login(customer)
    assert client.get(url).status_code != HTTPStatus.OK


def test_consents_are_imported_once_with_their_dates(customer, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    source = tmp_path / "consents.csv"
    source.write_text(
        f"email,purpose,granted,at,note\n{customer.email},newsletter,yes,2026-03-01T10:00:00+01:00,paper form\n"
        "ghost@example.com,newsletter,yes,,\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    call_command("import_consents", str(source), stdout=out, stderr=err)
    call_command("import_consents", str(source), stdout=out, stderr=err)
    event = ConsentEvent.objects.get(person=customer)
    assert (event.how, event.note, event.at.year, event.at.month) == ("import", "paper form", 2026, 3)
    assert "Recorded 1, skipped 1." in out.getvalue() and "Recorded 0, skipped 1." in out.getvalue()
    assert "line 3" in err.getvalue()


def test_a_purpose_switched_off_or_on_in_the_admin_applies_at_once(customer):
    consent.record(person=customer, code="profiling", granted=True, how="account")
    assert consent.allows(customer, "profiling")  # the purpose is now kept in the cache
    profiling = Purpose.objects.get(code="profiling", locale__language_code="en")
    profiling.is_active = False
    profiling.save()
    assert not consent.allows(customer, "profiling")
    profiling.is_active = True
    profiling.save()
    assert consent.allows(customer, "profiling")

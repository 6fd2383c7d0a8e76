"""Subjects and names are one line of visible text: no header injection, no right-to-left spoofing."""

import re
from http import HTTPStatus

import pytest
from django.core import mail

from tests.factories import UserFactory
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Router\r\nBcc: victim@example.com", "Router Bcc: victim@example.com"),
        ("Line one\nline two\rthree", "Line one line two three"),
        ("Invoice \u202egnp.exe", "Invoice gnp.exe"),
        ("\u2066Hidden\u2069 \u200bzero width", "Hidden zero width"),
    ],
)
def test_a_subject_is_stored_as_one_visible_line_and_every_mail_about_it_goes_out(
    customer, make_ticket, agent, typed, stored, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(customer, subject=typed)
        services.add_agent_reply(ticket=ticket, agent=agent, body="We are on it.")
    assert ticket.subject == stored
    assert mail.outbox, "no mail went out"
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.message().as_bytes()  # a header that cannot be written raises here


def test_a_subject_of_only_line_breaks_is_refused(customer, make_ticket):
    with pytest.raises(services.SupportError):
        make_ticket(customer, subject="\r\n\u202e\n")


def test_names_lose_bidirectional_controls_and_are_isolated_where_shown(client, site, customer, make_ticket):
    client.force_login(customer)
    response = client.post(
        "/me/profile/",
        {
            "display_name": "Ana\u202e gnp.exe",
            "first_name": "Ana\n",
            "last_name": "\u2067Ljubić",
            "locale": "en",
            "time_zone": "Europe/Belgrade",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    customer.refresh_from_db()
    assert (customer.display_name, customer.first_name, customer.last_name) == ("Ana gnp.exe", "Ana", "Ljubić")

    make_ticket(customer, subject="Printer")
    page = client.get("/support/requests/").content.decode()
    assert "<bdi>Printer</bdi>" in page


def test_a_name_cleaned_by_any_model_form_is_shown_isolated(client, site):
    """The admin's user forms validate through User.clean(), as the profile form does."""
    from community.services import profile_for

    person = UserFactory(display_name="Plain")
    profile = profile_for(person)
    person.display_name = "\u202eevil"
    person.full_clean()
    assert person.display_name == "evil"
    person.save()
    shown = client.get(f"/community/u/{profile.handle}/").content.decode()
    assert "<h1><bdi>evil</bdi></h1>" in shown


TRACKER = "https://tracker.example/pixel.gif?who=agent"


def test_requests_topics_and_their_emails_carry_no_remote_image(
    customer, make_ticket, agent, django_capture_on_commit_callbacks
):
    from community import services as community
    from community.models import Category
    from tests.community.conftest import trusted

    questions = Category.objects.create(name="Questions", slug="questions")

    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(customer, description=f"Look: ![screen]({TRACKER})")
        services.add_agent_reply(ticket=ticket, agent=agent, body=f"Like this? ![x]({TRACKER})")
    assert "<img" not in ticket.description_html
    assert all("<img" not in m.body_html for m in ticket.messages.all())
    for message in mail.outbox:
        for content, _kind in getattr(message, "alternatives", []):
            assert not [tag for tag in re.findall(r"<img[^>]*>", content) if "tracker.example" in tag]
    post = community.start_topic(
        category=questions, author=trusted(customer), title="Remote image here", body=f"![x]({TRACKER})"
    )
    assert "<img" not in post.posts.get().body_html

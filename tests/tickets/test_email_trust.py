"""Mail in from outside: who really sent it, what is ours, how it reads, what it carries.

Forged senders are played as an attacker posts them to the inbound endpoint; the other messages have
the shapes real mail programs write (Thunderbird, Apple Mail, mislabelled charsets, forwards, bounces).
"""

import base64
import email

import pytest
from django.core import mail as outbox
from django.test import TestCase

from tickets import mail, services
from tickets.inbound import ingest
from tickets.models import InboundStatus, Message, SupportSettings, Ticket

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
TRUSTED = "mx.example.com"


@pytest.fixture(autouse=True)
def _support_address(settings):
    settings.PORTAL_SUPPORT_ADDRESS = "support@example.com"
    settings.PORTAL_MAIL_AUTHSERV_IDS = [TRUSTED]


def take(raw: bytes):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return ingest(raw)


def message(*, sender: str, to: str, subject: str, body: str = "Hello.", message_id: str, extra: str = "") -> bytes:
    return (f"{extra}From: {sender}\nTo: {to}\nSubject: {subject}\nMessage-ID: {message_id}\n\n{body}\n").encode()


def passed(domain: str, server: str = TRUSTED) -> str:
    return f"Authentication-Results: {server}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}\n"


@pytest.fixture
def customer_ticket(request_type, policy, agent):
    ana = UserFactory(email="ana@customer.example", display_name="Ana")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.open_ticket(
            requester=ana, request_type=request_type, subject="Router", description="Restarts.", impact="minor"
        )


# --- Item 3: forged senders ---------------------------------------------------------------------


def test_a_forged_agent_from_on_the_customers_reply_address_is_quarantined(customer_ticket, agent):
    result = take(
        message(
            sender=agent.email,
            to=mail.reply_address(customer_ticket),
            subject=f"Re: [{customer_ticket.reference}] Router",
            body="Please send us your password.",
            message_id="<forged-1@evil.example>",
        )
    )
    assert result.status == InboundStatus.QUARANTINED
    assert "agent's own reply address" in result.reason
    assert not Message.objects.filter(ticket=customer_ticket).exists()


def test_a_forged_agent_from_naming_the_request_in_the_subject_is_quarantined(customer_ticket, agent):
    result = take(
        message(
            sender=agent.email,
            to="support@example.com",
            subject=f"Re: [{customer_ticket.reference}] Router",
            body="Pay to this account.",
            message_id="<forged-2@evil.example>",
            extra=passed(agent.email.split("@")[1], server="mx.evil.example"),  # an untrusted server's word
        )
    )
    assert result.status == InboundStatus.QUARANTINED
    assert not Message.objects.filter(ticket=customer_ticket).exists()


def test_a_forged_customer_from_with_only_the_subject_is_quarantined_and_a_verified_one_is_taken(customer_ticket):
    forged = message(
        sender="ana@customer.example",
        to="support@example.com",
        subject=f"Re: [{customer_ticket.reference}] Router",
        body="Cancel my subscription.",
        message_id="<forged-3@evil.example>",
    )
    result = take(forged)
    assert result.status == InboundStatus.QUARANTINED and "could not be verified" in result.reason
    failing = "Authentication-Results: mx.example.com; dkim=fail header.d=customer.example; dmarc=fail\n"
    assert take(failing.encode() + forged.replace(b"forged-3", b"forged-4")).status == InboundStatus.QUARANTINED
    assert not Message.objects.filter(ticket=customer_ticket).exists()

    genuine = passed("customer.example").encode() + forged.replace(b"forged-3", b"genuine-1")
    result = take(genuine)
    assert result.status == InboundStatus.PROCESSED, result.reason
    assert Message.objects.get(ticket=customer_ticket).author.email == "ana@customer.example"


def test_a_new_request_claiming_to_be_staff_is_quarantined_unless_verified(request_type, policy, agent):
    raw = message(
        sender=agent.email, to="support@example.com", subject="Urgent", message_id="<staff-new-1@evil.example>"
    )
    result = take(raw)
    assert result.status == InboundStatus.QUARANTINED and "staff" in result.reason
    assert not Ticket.objects.exists()
    verified = passed(agent.email.split("@")[1]).encode() + raw.replace(b"staff-new-1", b"staff-new-2")
    assert take(verified).status == InboundStatus.PROCESSED


def test_an_agent_answers_through_their_own_address_from_the_notification(customer_ticket, agent, second_agent):
    notifications = [m for m in outbox.outbox if agent.email in m.to]
    assert notifications, "the assignee was notified by e-mail"
    reply_to = notifications[-1].reply_to[0]
    assert reply_to == mail.agent_reply_address(customer_ticket, agent)

    # Another agent (or anyone) writing to that address is not that agent.
    stolen = take(
        message(sender=second_agent.email, to=reply_to, subject="Re", body="Not mine.", message_id="<a-0@x.example>")
    )
    assert stolen.status == InboundStatus.QUARANTINED
    forged_token = reply_to.replace(f"-a{agent.pk}-", f"-a{second_agent.pk}-")
    assert mail.agent_token_from_address(forged_token) is None

    result = take(
        message(sender=agent.email, to=reply_to, subject="Re", body="Try a reset.", message_id="<a-1@x.example>")
    )
    assert result.status == InboundStatus.PROCESSED, result.reason
    reply = Message.objects.get(ticket=customer_ticket)
    assert (reply.author, reply.from_customer, reply.is_internal) == (agent, False, False)


# --- Item 4: our own mail is recognised by its signature, not its domain --------------------------


THUNDERBIRD = (
    b"Message-ID: <9d1c6a3e-52b1-4f0e-8d55-2c1f0a3b7e11@example.com>\n"
    b"Date: Mon, 30 Nov 2026 10:12:44 +0100\n"
    b"MIME-Version: 1.0\nUser-Agent: Mozilla Thunderbird\nContent-Language: sr\n"
    b"From: Marko Kolega <marko@example.com>\nTo: support@example.com\n"
    b"Subject: Printer on the second floor\n"
    b"Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 8bit\n\n"
    b"The printer jams on every page.\n"
)
APPLE_MAIL = (
    b"From: Jana <jana@example.com>\nContent-Type: text/plain; charset=us-ascii\n"
    b"Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))\nSubject: VPN on my laptop\n"
    b"Message-Id: <5E0A3C1B-9F2D-4B7A-8C1E-0D2F4A6B8C9E@example.com>\nDate: Mon, 30 Nov 2026 11:00:00 +0100\n"
    b"To: support@example.com\n\nThe VPN does not connect.\n"
)


@pytest.mark.parametrize("raw", [THUNDERBIRD, APPLE_MAIL], ids=["thunderbird", "apple-mail"])
def test_colleagues_writing_from_the_support_domain_are_not_taken_for_our_own_mail(raw, request_type, policy):
    result = take(raw)
    assert result.status == InboundStatus.PROCESSED, result.reason
    assert result.ticket is not None


def test_our_own_message_coming_back_is_ignored_and_a_lookalike_is_not(customer_ticket):
    ours = mail.new_message_id(customer_ticket)
    assert mail.is_ours(ours)
    assert not mail.is_ours(ours.replace(ours[-20:-18], "zz"))
    assert not mail.is_ours("<sr-000001.0123456789abcdef0123.0123456789ab@example.com>")
    looped = take(message(sender="someone@else.example", to="support@example.com", subject="x", message_id=ours))
    assert looped.status == InboundStatus.IGNORED


# --- Item 5: text decoding ----------------------------------------------------------------------


def mime(body: bytes, content_type: str, subject: bytes = b"Charset", cte: str = "8bit") -> bytes:
    return (
        b"From: Vera <vera@customer.example>\nTo: support@example.com\nSubject: " + subject + b"\n"
        b"Message-ID: <cs-" + base64.b32encode(body[:10] + subject[:10]).rstrip(b"=") + b"@customer.example>\n"
        b"MIME-Version: 1.0\nContent-Type: "
        + content_type.encode()
        + b"\nContent-Transfer-Encoding: "
        + cte.encode()
        + b"\n\n"
        + body
        + b"\n"
    )


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Grüße aus München, schöne Grüße".encode("latin-1"), "text/plain; charset=utf-8", "Grüße aus München"),
        ("Poštovani, uređaj i dalje ne radi.".encode("cp1250"), "text/plain", "Poštovani, uređaj i dalje ne radi."),
        ("שלום, הנתב לא עובד".encode("iso-8859-8"), "text/plain; charset=iso-8859-8-i", "שלום, הנתב לא עובד"),
        ("Здравствуйте, роутер не работает".encode("mac-cyrillic"), "text/plain; charset=x-mac-cyrillic", "роутер"),
        ("Ćao, šta ima".encode(), "text/plain; charset=utf-8", "Ćao, šta ima"),
    ],
    ids=["utf8-label-latin1-bytes", "8bit-no-charset", "iso-8859-8-i", "x-mac-cyrillic", "honest-utf8"],
)
def test_bodies_read_as_a_mail_client_reads_them(request_type, policy, body, content_type, expected):
    result = take(mime(body, content_type))
    assert result.status == InboundStatus.PROCESSED, result.reason
    assert expected in result.ticket.description_source
    assert "\ufffd" not in result.ticket.description_source


def test_a_subject_with_raw_8bit_bytes_and_mixed_encoded_words_reads_right(request_type, policy):
    subject = "Računar ne radi".encode("cp1250") + b" =?utf-8?q?=C5=A1ta_sad?="
    result = take(mime(b"Help.", "text/plain; charset=utf-8", subject=subject))
    assert result.status == InboundStatus.PROCESSED, result.reason
    assert result.ticket.subject == "Računar ne radi šta sad"
    assert bytes(result.raw).count(b"\xe8") == 1  # the bytes as received are kept


# --- Item 6: forwards, too many files, bounces ----------------------------------------------------


def test_a_forwarded_message_attached_whole_is_kept_as_an_eml_file(request_type, policy):
    inner = email.message.EmailMessage()
    inner["From"], inner["To"], inner["Subject"] = "shop@shop.example", "mia@shop.example", "Order 1234 shipped"
    inner.set_content("Your order 1234 has shipped.")
    outer = email.message.EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "mia@shop.example", "support@example.com", "Fwd: Order 1234"
    outer["Message-ID"] = "<fwd-eml-1@shop.example>"
    outer.set_content("")
    outer.add_attachment(inner)
    result = take(outer.as_bytes())
    assert result.status == InboundStatus.PROCESSED, result.reason
    files = list(result.ticket.attachments.all())
    assert [f.name for f in files] == ["Order_1234_shipped.eml"]
    with files[0].file.open("rb") as handle:
        assert b"Your order 1234 has shipped." in handle.read()


def test_only_so_many_attachments_are_kept_from_one_message(request_type, policy):
    support_settings = SupportSettings.current()
    support_settings.max_attachments_by_mail = 3
    support_settings.save()
    big = email.message.EmailMessage()
    big["From"], big["To"], big["Subject"] = "logs@customer.example", "support@example.com", "Many logs"
    big["Message-ID"] = "<many-1@customer.example>"
    big.set_content("Logs attached.")
    for number in range(328):
        big.add_attachment(f"line {number}\n".encode(), maintype="text", subtype="plain", filename=f"log{number}.txt")
    result = take(big.as_bytes())
    assert result.status == InboundStatus.PROCESSED
    assert result.ticket.attachments.count() == 3
    assert "log3.txt" in result.reason and "more than 3 files" in result.reason


def test_a_bounce_from_the_null_sender_is_ignored_not_quarantined(customer_ticket):
    raw = (
        b"Return-Path: <>\nFrom: MAILER-DAEMON <>\nTo: support@example.com\n"
        b"Subject: Undeliverable: [SR-000001] Router\nMessage-ID: <bounce-null-1@mx.example>\n\n"
        b"Delivery has failed to these recipients.\n"
    )
    result = take(raw)
    assert result.status == InboundStatus.IGNORED
    assert not Message.objects.filter(ticket=customer_ticket).exists()

"""The e-mail channel: real-world-shaped messages in, threaded messages out, nothing lost or doubled."""

import email
import io
import mailbox
from datetime import timedelta
from email import policy as email_policy
from pathlib import Path

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from tickets import mail, services
from tickets.choices import Channel
from tickets.inbound import ingest, retry, strip_quoted
from tickets.models import EmailStatus, InboundEmail, InboundStatus, Message, Ticket, TicketEmail

from ..conftest import free_port
from ..factories import UserFactory

CORPUS = Path(__file__).parent / "emails"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _support_address(settings):
    settings.PORTAL_SUPPORT_ADDRESS = "support@example.com"


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def eml(name: str, **values) -> bytes:
    raw = (CORPUS / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(("{" + key + "}").encode(), value.encode())
    return raw


def take(raw: bytes) -> InboundEmail:
    with committed():
        return ingest(raw)


def last_sent(ticket):
    return TicketEmail.objects.filter(ticket=ticket, direction="out").last()


@pytest.fixture
def filed(request_type, policy):
    """Ana filed by e-mail; returns her request."""
    result = take(eml("gmail_new.eml"))
    assert result.status == InboundStatus.PROCESSED, result.reason
    return result.ticket


def test_a_new_message_opens_a_request_for_an_unknown_sender(filed):
    ticket = filed
    assert (ticket.subject, ticket.channel) == ("Router restarts every night", Channel.EMAIL)
    assert "restarts every night at 3 am" in ticket.description_source
    assert ticket.requester.email == "ana.kupac@gmail.example" and not ticket.requester.has_usable_password()
    assert ticket.requester.emailaddress_set.get().verified is False  # she claims it by verifying the address
    assert [a.name for a in ticket.attachments.all()] == ["screenshot.png"]
    # The acknowledgement: threaded to her message, with the promise and the reply address.
    sent = next(message for message in outbox.outbox if message.to == [ticket.requester.email])
    assert sent.subject == f"[{ticket.reference}] Router restarts every night"
    assert sent.extra_headers["In-Reply-To"] == "<CAGmail-new-0001@mail.gmail.example>"
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert mail.number_from_address(sent.extra_headers["Reply-To"]) == ticket.number
    assert "Next reply expected by" in sent.body
    assert sent.alternatives[0][1] == "text/html"


def test_the_same_message_delivered_twice_is_taken_once(filed):
    again = take(eml("gmail_new.eml"))
    assert again.ticket == filed
    assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 1


def test_a_reply_by_the_reply_address_keeps_only_the_new_text(filed, agent):
    with committed():
        services.add_agent_reply(ticket=filed, agent=agent, body="Please update the firmware to 4.1.")
    sent = last_sent(filed)
    result = take(
        eml(
            "gmail_reply.eml",
            reply_to=mail.reply_address(filed),
            in_reply_to=sent.message_id,
            reference=filed.reference,
        )
    )
    assert result.status == InboundStatus.PROCESSED and result.ticket == filed
    reply = Message.objects.filter(ticket=filed, from_customer=True).get()
    assert reply.body_source == "It still happens after the update."
    assert reply.channel == Channel.EMAIL


VERIFIED = (
    b"Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=bounces@company.example;\n"
    b" dkim=pass header.d=company.example; dmarc=pass header.from=company.example\n"
)


def test_an_outlook_html_reply_in_windows_1250_is_matched_by_the_subject(filed, agent, settings):
    settings.PORTAL_MAIL_AUTHSERV_IDS = ["mx.example.com"]
    djordje = UserFactory(email="djordje@company.example")
    filed.cc.add(djordje)
    result = take(VERIFIED + eml("outlook_reply.eml", reference=filed.reference))
    assert result.status == InboundStatus.PROCESSED, result.reason
    reply = Message.objects.get(ticket=filed, author=djordje)
    assert reply.body_source.startswith("Poštovani, uređaj i dalje ne radi.")
    assert "čvor je isključen" in reply.body_source and "Please update" not in reply.body_source


def test_an_apple_mail_reply_in_iso_8859_2_keeps_its_inline_image(filed):
    luka = UserFactory(email="luka@novak.example")
    filed.cc.add(luka)
    result = take(
        eml("apple_reply.eml", reply_to=mail.reply_address(filed), in_reply_to="<none@x>", reference=filed.reference)
    )
    assert result.status == InboundStatus.PROCESSED, result.reason
    reply = Message.objects.get(ticket=filed, author=luka)
    assert reply.body_source == "Kopija se še vedno ustavi pri 99 %. Prilagam zaslonsko sliko."
    assert [a.name for a in reply.attachments.all()] == ["posnetek.png"]


def test_auto_replies_bounces_and_our_own_mail_are_ignored_and_never_answered(filed):
    before = len(outbox.outbox)
    auto = take(eml("auto_reply.eml", reply_to=mail.reply_address(filed), reference=filed.reference))
    bounce = take(eml("bounce.eml"))
    ours = take(
        f"From: support@example.com\nTo: support@example.com\nMessage-ID: {last_sent(filed).message_id}\n"
        "Subject: loop\n\nlooping".encode()
    )
    assert {auto.status, bounce.status, ours.status} == {InboundStatus.IGNORED}
    assert Message.objects.filter(ticket=filed).count() == 0
    assert len(outbox.outbox) == before


def test_what_cannot_be_read_or_placed_waits_in_quarantine_and_can_be_processed_again(request_type, policy):
    broken = take(eml("malformed.eml"))
    assert broken.status == InboundStatus.QUARANTINED and bytes(broken.raw).startswith(b"Subject:")
    elsewhere = take(
        b"From: Ana <ana@x.example>\nTo: sales@example.com\nMessage-ID: <q-1@x.example>\nSubject: Prices\n\nHow much?"
    )
    assert elsewhere.status == InboundStatus.QUARANTINED and "support address" in elsewhere.reason
    request_type.queue.email = "sales@example.com"
    request_type.queue.save()
    with committed():
        again = retry(elsewhere)
    assert again.status == InboundStatus.PROCESSED and again.ticket.subject == "Prices"
    assert InboundEmail.objects.filter(message_id="<q-1@x.example>").count() == 1


def test_strangers_cannot_write_on_someone_elses_request(filed):
    result = take(
        eml(
            "gmail_reply.eml", reply_to=mail.reply_address(filed), in_reply_to="<x@y>", reference=filed.reference
        ).replace(b"ana.kupac@gmail.example", b"eve@evil.example")
    )
    assert result.status == InboundStatus.QUARANTINED
    assert not Message.objects.filter(ticket=filed).exists()
    forged = mail.reply_address(filed).replace(f"+{filed.number}-", "+999-")
    assert mail.number_from_address(forged) is None


def test_an_agent_answering_by_mail_writes_the_agents_reply(filed, agent):
    raw = (
        f"From: {agent.email}\nTo: {mail.agent_reply_address(filed, agent)}\nMessage-ID: <agent-1@x.example>\n"
        f"Subject: Re: [{filed.reference}]\n\nTry a fixed channel.\n\n-- \nAna Agent"
    ).encode()
    take(raw)
    reply = Message.objects.get(ticket=filed)
    assert (reply.author, reply.from_customer, reply.body_source) == (agent, False, "Try a fixed channel.")


def test_an_attachment_too_large_is_left_out_but_the_message_is_kept(request_type, policy):
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "big@x.example", "support@example.com", "Logs"
    message["Message-ID"] = "<big-1@x.example>"
    message.set_content("The logs are attached.")
    message.add_attachment(b"x" * (11 * 1024 * 1024), maintype="text", subtype="plain", filename="huge.log")
    result = take(message.as_bytes())
    assert result.status == InboundStatus.PROCESSED and "huge.log" in result.reason
    assert result.ticket.attachments.count() == 0


def test_the_http_endpoint_takes_raw_mail_with_the_shared_secret(client, settings, request_type, policy):
    raw = eml("gmail_new.eml")
    assert client.post("/support/inbound/", raw, content_type="message/rfc822").status_code == 404
    settings.PORTAL_INBOUND_SECRET = "s3cret-value"
    assert client.post("/support/inbound/", raw, content_type="message/rfc822").status_code == 403
    headers = {"X-Portal-Inbound-Secret": "s3cret-value"}
    assert client.post("/support/inbound/", b"", content_type="message/rfc822", headers=headers).status_code == 400
    response = client.post("/support/inbound/", raw, content_type="message/rfc822", headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "processed"
    assert response.json()["request"] == Ticket.objects.get().reference
    # Larger than a form post may be (attachments), and larger than the endpoint takes.
    big = email.message.EmailMessage()
    big["From"], big["To"], big["Subject"], big["Message-ID"] = "b@x.example", "support@example.com", "Big", "<big@x>"
    big.set_content("Logs attached.")
    big.add_attachment(b"x" * (4 * 2**20), maintype="application", subtype="zip", filename="logs.zip")
    response = client.post("/support/inbound/", big.as_bytes(), content_type="message/rfc822", headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "processed"
    settings.PORTAL_INBOUND_MAX_MB = 1
    response = client.post("/support/inbound/", big.as_bytes(), content_type="message/rfc822", headers=headers)
    assert response.status_code == 413 and "1 MB" in response.json()["error"]


def test_the_command_reads_standard_input_and_a_maildir(tmp_path, monkeypatch, request_type, policy):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(eml("gmail_new.eml"))))
    call_command("ingest_email", stdout=io.StringIO())
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(b"From: lee@x.example\nTo: support@example.com\nMessage-ID: <md-1@x.example>\nSubject: Maildir\n\nHi")
    out = io.StringIO()
    call_command("ingest_email", maildir=str(tmp_path / "Maildir"), stdout=out)
    call_command("ingest_email", maildir=str(tmp_path / "Maildir"), stdout=out)  # seen now: not again
    assert Ticket.objects.count() == 2 and out.getvalue().count("processed") == 1


def test_agents_see_the_quarantine_and_customers_do_not(client, agent, customer):
    take(eml("malformed.eml"))
    client.force_login(agent)
    assert "Process again" in client.get("/admin/support/inbound/").content.decode()
    client.force_login(customer)
    assert client.get("/admin/support/inbound/").status_code in (302, 403)


def test_quoted_text_and_signatures_are_cut_in_the_usual_shapes():
    assert strip_quoted("Thanks!\n\n-- \nAna\nAcme d.o.o.") == "Thanks!"
    assert strip_quoted("Yes.\n\nSent from my iPhone") == "Yes."
    assert strip_quoted("Da.\n\n-----Original Message-----\nFrom: x") == "Da."
    assert strip_quoted("> only a quote") == "> only a quote"  # nothing new: keep what there is


# --- End to end through a real SMTP server -----------------------------------------------------


def test_file_by_mail_answer_reply_by_mail_and_the_conversation_is_whole(smtp, request_type, policy, agent):
    ticket = take(eml("gmail_new.eml")).ticket
    to_ana = [message for message in smtp.messages if message["To"] == "ana.kupac@gmail.example"]
    acknowledgement = to_ana[-1]
    with committed():
        services.add_agent_reply(ticket=ticket, agent=agent, body="Please update the firmware to **4.1**.")
    answer = [message for message in smtp.messages if message["To"] == "ana.kupac@gmail.example"][-1]
    assert "<CAGmail-new-0001@mail.gmail.example>" in answer["References"]
    assert answer["In-Reply-To"] == acknowledgement["Message-ID"]
    assert "4.1" in answer.get_body(preferencelist=("plain",)).get_content()
    # Ana answers the agent's e-mail from her mail program.
    reply = email.message.EmailMessage(policy=email_policy.SMTP)
    reply["From"] = "Ana Kupac <ana.kupac@gmail.example>"
    reply["To"] = answer["Reply-To"]
    reply["Subject"] = "Re: " + answer["Subject"]
    reply["Message-ID"] = "<ana-reply-2@mail.gmail.example>"
    reply["In-Reply-To"] = answer["Message-ID"]
    reply.set_content("Done, it works now.\n\nOn Tue, Northwind Help wrote:\n> Please update the firmware")
    take(reply.as_bytes())
    conversation = [(m.from_customer, m.body_source) for m in Message.objects.filter(ticket=ticket)]
    assert conversation == [(False, "Please update the firmware to **4.1**."), (True, "Done, it works now.")]
    assert ticket.description_source.startswith("Hello,")


def test_a_failed_send_is_kept_and_sent_on_the_next_run(settings, request_type, policy):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    ticket = take(eml("gmail_new.eml")).ticket
    row = TicketEmail.objects.get(ticket=ticket, direction="out")
    assert row.status == EmailStatus.FAILED and row.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    TicketEmail.objects.filter(pk=row.pk).update(created_at=row.created_at - timedelta(minutes=5))
    assert mail.retry_failed() == 1
    assert TicketEmail.objects.get(pk=row.pk).status == EmailStatus.SENT
    assert mail.retry_failed() == 0


def test_a_request_filed_on_the_portal_is_acknowledged_by_mail_too(customer, request_type, policy):
    from portal.uploads import check_upload

    from .conftest import png

    upload = check_upload(png(), max_bytes=10**6)
    with committed():
        ticket = services.open_ticket(
            requester=customer,
            request_type=request_type,
            subject="Portal",
            description="x",
            impact="minor",
            files=[upload],
        )
    acknowledgement = next(message for message in outbox.outbox if message.to == [customer.email])
    assert ticket.channel == Channel.PORTAL and acknowledgement.subject == f"[{ticket.reference}] Portal"


def test_a_forwarded_message_keeps_what_was_forwarded_and_a_new_customer_can_claim_the_account(
    client, request_type, policy
):
    raw = (
        b"From: Mia <mia@shop.example>\nTo: support@example.com\nMessage-ID: <fwd-1@shop.example>\n"
        b"Subject: Fwd: Order 1234 never arrived\n\nSee below.\n\n"
        b"---------- Forwarded message ---------\nFrom: Shop <orders@shop.example>\n"
        b"Subject: Order 1234\n\nYour order 1234 has shipped.\n"
    )
    ticket = take(raw).ticket
    assert "Your order 1234 has shipped." in ticket.description_source
    response = client.post("/accounts/password/reset/", {"email": "mia@shop.example"})
    assert response.status_code == 302
    assert any("mia@shop.example" in message.to for message in outbox.outbox if "assword" in message.subject)


def test_mail_to_a_brands_support_address_is_answered_in_that_brand(site, other_site, request_type, policy):
    """other_site is branded "Beta Help" with help@beta-home.example."""
    raw = (
        b"From: kim@x.example\nTo: help@beta-home.example\nMessage-ID: <brand-1@x.example>\n"
        b"Subject: Beta question\n\nHello Beta."
    )
    ticket = take(raw).ticket
    assert ticket.site == other_site
    acknowledgement = next(message for message in outbox.outbox if message.to == ["kim@x.example"])
    assert acknowledgement.from_email.startswith("Beta Help")


def test_a_request_filed_on_a_site_carries_its_brand(client, site, other_site, customer, request_type, policy):
    client.force_login(customer)
    from .test_customer_pages import new_request_data

    client.post("/support/new/", new_request_data(request_type, subject="From Beta"), HTTP_HOST="brand-two.test")
    assert Ticket.objects.get(subject="From Beta").site == other_site


class _Mailbox:
    """Just enough of an IMAP4rev1 server for `ingest_email --imap`: one mailbox, two messages."""

    def __init__(self, messages):
        self.messages = list(messages)
        self.seen = set()
        self.logins = []

    def handle(self, reader, writer):
        writer.write(b"* OK fake IMAP ready\r\n")
        while True:
            line = reader.readline()
            if not line:
                return
            tag, command, *rest = line.decode().rstrip("\r\n").split(" ", 2)
            command = command.upper()
            argument = rest[0] if rest else ""
            if command == "CAPABILITY":
                writer.write(b"* CAPABILITY IMAP4rev1\r\n")
            elif command == "LOGIN":
                self.logins.append(argument)
            elif command == "SELECT":
                writer.write(f"* {len(self.messages)} EXISTS\r\n".encode())
            elif command == "SEARCH":
                unseen = " ".join(str(n) for n in range(1, len(self.messages) + 1) if n not in self.seen)
                writer.write(f"* SEARCH {unseen}\r\n".encode())
            elif command == "FETCH":
                number = int(argument.split(" ", 1)[0])
                raw = self.messages[number - 1]
                writer.write(f"* {number} FETCH (BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
            elif command == "STORE":
                self.seen.add(int(argument.split(" ", 1)[0]))
            elif command == "LOGOUT":
                writer.write(b"* BYE\r\n" + f"{tag} OK done\r\n".encode())
                writer.flush()
                return
            writer.write(f"{tag} OK done\r\n".encode())
            writer.flush()


def test_the_command_fetches_unseen_mail_over_imap_and_marks_it_seen(settings, request_type, policy):
    import socketserver
    import threading

    box = _Mailbox(
        [
            eml("gmail_new.eml"),
            b"From: lee@x.example\nTo: support@example.com\n"
            b"Message-ID: <imap-2@x.example>\nSubject: Over IMAP\n\nHello",
        ]
    )

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            box.handle(self.rfile, self.wfile)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PORTAL_IMAP_HOST, settings.PORTAL_IMAP_PORT = "127.0.0.1", server.server_address[1]
    settings.PORTAL_IMAP_USER, settings.PORTAL_IMAP_PASSWORD, settings.PORTAL_IMAP_SSL = "support", "pw", False
    try:
        out = io.StringIO()
        call_command("ingest_email", imap=True, stdout=out)
        call_command("ingest_email", imap=True, stdout=out)  # nothing unseen the second time
    finally:
        server.shutdown()
        server.server_close()
    assert out.getvalue().count("processed") == 2
    assert set(Ticket.objects.values_list("subject", flat=True)) == {"Router restarts every night", "Over IMAP"}
    assert box.seen == {1, 2} and box.logins[0].startswith("support")


@pytest.mark.parametrize(
    ("body", "language", "acknowledged"),
    [
        ("Poštovani, ruter mi ne radi od jutros. Šta da radim?", "sr-latn", "Primili smo vaš zahtev"),
        ("Поштовани, рутер ми не ради од јутрос. Шта да радим?", "sr", "Примили смо ваш захтев"),
        ("Pozdravljeni, usmerjevalnik ne deluje že od jutra. Kaj naj naredim?", "sl", "Prejeli smo vaš zahtevek"),
        ("Hello, my router is not working since this morning. What can I do?", "en", "We have your request"),
    ],
)
def test_a_stranger_is_answered_in_the_language_they_wrote_in(request_type, policy, body, language, acknowledged):
    raw = (
        f"From: nov@x.example\nTo: support@example.com\nMessage-ID: <lang-{language}@x.example>\n"
        f"Subject: Ruter\nContent-Type: text/plain; charset=utf-8\n\n{body}"
    ).encode()
    ticket = take(raw).ticket
    assert ticket.language == language and ticket.requester.locale == language
    acknowledgement = next(message for message in outbox.outbox if message.to == ["nov@x.example"])
    assert acknowledged in acknowledgement.body


def test_an_agent_changes_the_requests_language_and_the_next_mail_follows(client, filed, agent):
    assert filed.language == "en" or filed.language == ""
    client.force_login(agent)
    form = {"status": filed.status, "priority": filed.priority, "queue": filed.queue_id, "tags": "", "language": "sl"}
    with committed():
        response = client.post(f"/admin/support/{filed.pk}/properties/", form)
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.language == "sl"
    assert filed.events.filter(kind="language", new_value="sl").exists()
    with committed():
        services.update_ticket(ticket=filed, actor=agent, status="solved")
    solved = [message for message in outbox.outbox if message.to == [filed.requester.email]][-1]
    assert "smo označili kot rešen" in solved.body  # Slovenian, not the customer's English
    response = client.post(f"/admin/support/{filed.pk}/properties/", {**form, "language": "xx"})
    assert response.status_code == 400


def test_an_e_mail_another_sender_holds_is_not_sent_twice(settings, request_type, policy):
    """The task queued for an e-mail and the sweep may both reach it (the load scenario's fault run
    delivered one twice): only the sender whose claim lands sends it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    ticket = take(eml("gmail_new.eml")).ticket
    row = TicketEmail.objects.get(ticket=ticket, direction="out")  # failed: nothing listened
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    TicketEmail.objects.filter(pk=row.pk).update(
        created_at=now - timedelta(minutes=5), status=EmailStatus.SENDING, claimed_at=now
    )  # another sender took it a moment ago
    outbox.outbox.clear()
    assert mail.send_request_email(row.pk) is False and mail.retry_failed() == 0 and not outbox.outbox
    # That sender died without marking it: after the claim runs out, it is sent, once.
    TicketEmail.objects.filter(pk=row.pk).update(claimed_at=now - timedelta(minutes=mail.CLAIM_MINUTES + 1))
    assert mail.retry_failed() == 1 and len(outbox.outbox) == 1
    assert mail.send_request_email(row.pk) is True and len(outbox.outbox) == 1
    assert TicketEmail.objects.get(pk=row.pk).status == EmailStatus.SENT

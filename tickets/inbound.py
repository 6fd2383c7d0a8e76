"""E-mail in: one raw RFC 5322 message becomes a reply, a new request, or nothing — never lost.

`ingest(raw)` keeps every message it is given (InboundEmail) and decides:

- the same Message-ID again → the first one stands (nothing changes twice);
- an auto-reply, a bounce, a list message or our own message coming back → ignored, never answered;
- a reply to one of our e-mails (the signed reply address, In-Reply-To/References of the thread,
  or `[SR-000123]` in the subject from someone on the request) → a reply on that request, from the
  customer or, from an agent's address, the agent's public reply;
- mail to a support address → a new request in that address's queue, the customer created
  (unverified) when unknown;
- anything else, or what cannot be read → quarantine, for an admin to look at and retry.
"""

import email
import html
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.language_detection import detect_language
from portal.uploads import CheckedFile, check_upload

from . import charsets, mail, senders
from .choices import Channel, Impact
from .models import (
    EmailDirection,
    InboundEmail,
    InboundStatus,
    Queue,
    RequestType,
    SupportSettings,
    Ticket,
    TicketEmail,
    parse_reference,
)

logger = logging.getLogger(__name__)

REFERENCE_IN_SUBJECT = re.compile(r"\[(SR-[0-9]{1,9})\]", re.IGNORECASE)
#: Where the quoted earlier message starts in a reply, in the mail programs people use.
QUOTE_STARTS = [
    re.compile(r"^\s*On .{5,200}wrote:\s*$", re.IGNORECASE),  # Gmail, Apple Mail (English)
    re.compile(
        r"^\s*(Dana|Dne|Am|Le|El) .{5,200}(napisao|napisala|napisal\(a\)|napisal|schrieb|a écrit|escribió)\s*:?\s*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Izvorna poruka|Originalno sporočilo|Ursprüngliche Nachricht)\s*-{2,}",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*(From|Od|Von|De):\s.+", re.IGNORECASE),  # Outlook's header block
    re.compile(r"^_{10,}\s*$"),  # Outlook's rule above the header block
]
SIGNATURE = re.compile(r"^-- ?$")
SENT_FROM = re.compile(r"^\s*(Sent from my|Poslato sa mog|Poslano z mojega)\b", re.IGNORECASE)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_SUBJECT = 200


@dataclass
class Parsed:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    recipients: list[str]
    in_reply_to: list[str]
    text: str  # the new part (a reply's quote and signature cut)
    full_text: str = ""  # everything written, for a new request (a forwarded message is its substance)
    files: list[CheckedFile] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)


class Unreadable(Exception):
    pass


def ingest(raw: bytes) -> InboundEmail:
    """Take one message as received. Safe to call again with the same message."""
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        message_id = _header(message, "Message-ID")[:255]
        sender = parseaddr(_header(message, "From"))[1].lower()[:255]
        subject = _header(message, "Subject")[:255]
    except Exception as error:
        return _keep(raw, "", "", "", InboundStatus.QUARANTINED, _("Unreadable headers: %(error)s") % {"error": error})
    if message_id:
        existing = InboundEmail.objects.filter(message_id=message_id).first()
        if existing is not None and existing.status != InboundStatus.QUARANTINED:
            return existing  # delivered twice: the first one stands
    try:
        return _decide(raw, message, message_id, sender, subject)
    except Unreadable as error:
        return _keep(raw, message_id, sender, subject, InboundStatus.QUARANTINED, str(error))
    except Exception as error:
        logger.exception("Could not process e-mail %s", message_id)
        return _keep(raw, message_id, sender, subject, InboundStatus.QUARANTINED, str(error)[:255])


def retry(inbound: InboundEmail) -> InboundEmail:
    """Process a quarantined message again (after a fix, or a customer or queue was added)."""
    raw = bytes(inbound.raw)
    InboundEmail.objects.filter(pk=inbound.pk).update(message_id="", attempts=inbound.attempts + 1)
    result = ingest(raw)
    if result.pk != inbound.pk:
        InboundEmail.objects.filter(pk=inbound.pk).delete()
    return result


def _header(message: EmailMessage, name: str) -> str:
    """The first header of that name as text, decoded as a mail program would (tickets.charsets)."""
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return charsets.decode_header(str(value))
    return ""


def _keep(raw, message_id, sender, subject, status, reason="", ticket=None) -> InboundEmail:
    row = InboundEmail.objects.filter(message_id=message_id).first() if message_id else None
    if row is not None:  # a retried quarantined message: update its row
        InboundEmail.objects.filter(pk=row.pk).update(status=status, reason=reason[:255], ticket=ticket)
        row.refresh_from_db()
        return row
    try:
        with transaction.atomic():
            return InboundEmail.objects.create(
                message_id=message_id,
                raw=raw,
                sender=sender,
                subject=subject,
                status=status,
                reason=reason[:255],
                ticket=ticket,
            )
    except IntegrityError:  # the same message, processed meanwhile by another worker
        return InboundEmail.objects.get(message_id=message_id)


def is_automatic(message: EmailMessage, sender: str, message_id: str) -> str:
    """Why a message must not become a reply (auto-reply, bounce, list, our own), or ""."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return "Auto-Submitted: " + auto
    if _header(message, "Precedence").lower() in {"bulk", "junk", "list", "auto_reply"}:
        return "Precedence: " + _header(message, "Precedence")
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if message.get(name) is not None and name != "X-Auto-Response-Suppress":
            return name
    from_name = parseaddr(_header(message, "From"))[0].lower()
    if (
        message.get_content_type() == "multipart/report"
        or "mailer-daemon" in sender
        or "postmaster@" in sender
        or from_name in {"mailer-daemon", "mail delivery system", "mail delivery subsystem", "postmaster"}
        or _header(message, "Return-Path") == "<>"  # the null sender: only delivery reports use it
    ):
        return _("A delivery report (bounce)")
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return "List-Id"
    if mail.is_ours(message_id) or sender == mail.support_address().lower():
        return _("Our own message came back")
    return ""


@transaction.atomic
def _decide(raw, message, message_id, sender, subject) -> InboundEmail:
    automatic = is_automatic(message, sender, message_id)
    if automatic:
        return _keep(raw, message_id, sender, subject, InboundStatus.IGNORED, automatic)
    if not sender or "@" not in sender:
        raise Unreadable(_("No sender address."))
    parsed = parse(message, message_id=message_id, sender=sender, subject=subject)
    person = get_user_model().objects.filter(email__iexact=sender, is_active=True).first()
    verified = senders.verified_sender(
        message.get_all("Authentication-Results") or [], sender, settings.PORTAL_MAIL_AUTHSERV_IDS
    )
    staff = person is not None and _is_agent(person)

    def quarantine(reason: str, ticket=None) -> InboundEmail:
        return _keep(raw, message_id, sender, subject, InboundStatus.QUARANTINED, reason, ticket=ticket)

    from . import services

    agent_token = _agent_token(parsed.recipients)
    if agent_token is not None:
        ticket, agent_id = agent_token
        if person is None or person.pk != agent_id or not staff:
            return quarantine(_("Sent to an agent's reply address by someone else (%(sender)s).") % {"sender": sender})
        services.add_agent_reply(
            ticket=ticket,
            agent=person,
            body=parsed.text or "(no text)",
            files=parsed.files,
            channel=Channel.EMAIL,
            inbound_message_id=message_id or "",
        )
        return _keep(raw, message_id, sender, subject, InboundStatus.PROCESSED, _note(parsed), ticket=ticket)

    ticket, proof = find_request(parsed)
    if staff and (ticket is not None or not verified):
        # Only the agent's own signed address makes a reply by mail an agent's reply.
        return quarantine(
            _("%(sender)s is staff: a reply by e-mail needs the agent's own reply address.") % {"sender": sender}
            if ticket is not None
            else _("Claims to come from staff (%(sender)s), but the sender could not be verified.")
            % {"sender": sender},
            ticket=ticket,
        )
    if ticket is not None:
        on_request = person is not None and (
            person.pk == ticket.requester_id or ticket.cc.filter(pk=person.pk).exists()
        )
        if not on_request:
            return quarantine(
                _("%(sender)s is not on %(reference)s.") % {"sender": sender, "reference": ticket.reference},
                ticket=ticket,
            )
        if proof == "subject" and not verified:
            return quarantine(
                _("Names %(reference)s only in the subject, and the sender could not be verified.")
                % {"reference": ticket.reference},
                ticket=ticket,
            )
        ticket = services.add_customer_reply(
            ticket=ticket,
            author=person,
            body=parsed.text,
            files=parsed.files,
            channel=Channel.EMAIL,
            inbound_message_id=message_id or "",
        )
        return _keep(raw, message_id, sender, subject, InboundStatus.PROCESSED, _note(parsed), ticket=ticket)
    request_type = _request_type_for(parsed.recipients)
    if request_type is None:
        return quarantine(_("Not addressed to a support address, and not a reply to a request."))
    language = detect_language(f"{subject}\n{parsed.text}") or ""
    site = _site_for(parsed.recipients)
    if person is None:
        person = _new_customer(sender, parsed.sender_name, language, site)
    ticket = services.open_ticket(
        requester=person,
        request_type=request_type,
        subject=(subject or _("(no subject)"))[:MAX_SUBJECT],
        description=parsed.full_text or "(no text)",
        impact=Impact.MINOR,
        files=parsed.files,
        channel=Channel.EMAIL,
        inbound_message_id=message_id or "",
        site=site,
        language=language,
    )
    return _keep(raw, message_id, sender, subject, InboundStatus.PROCESSED, _note(parsed), ticket=ticket)


def _note(parsed: Parsed) -> str:
    if not parsed.skipped_files:
        return ""
    return _("Attachments not kept: %(files)s") % {"files": "; ".join(parsed.skipped_files)}


def _is_agent(person) -> bool:
    return person.has_perm("tickets.change_ticket")


def _new_customer(address: str, name: str, language: str = "", site=None):
    """An account for someone who wrote to support first; they claim it by resetting the password.

    Their language is the one their e-mail was written in, when that is clear."""
    from allauth.account.models import EmailAddress

    from portal.accounts.roles import CUSTOMER, ROLE_GROUPS

    User = get_user_model()
    person = User(email=address, display_name=(name or address.split("@", 1)[0])[:80])
    if language:
        person.locale = language
    person.site = site  # the brand they wrote to
    person.set_unusable_password()
    person.save()
    EmailAddress.objects.create(user=person, email=address, verified=False, primary=True)
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=ROLE_GROUPS[CUSTOMER]).first()
    if group:
        person.groups.add(group)
    return person


def _site_for(recipients: list[str]):
    """The site whose branding names the address the message was sent to (None: the default brand)."""
    from themes.models import BrandingSettings

    addresses = {address.lower() for address in recipients}
    for branding in BrandingSettings.objects.exclude(support_email="").select_related("site"):
        if branding.support_email.lower() in addresses:
            return branding.site
    return None


def _request_type_for(recipients: list[str]) -> RequestType | None:
    """The request type for new mail: the first of the queue whose address it was sent to, or of
    any queue when it went to the general support address; None when it went to neither."""
    addresses = {address.lower() for address in recipients}
    queue = Queue.objects.filter(email__in=addresses).exclude(email="").first() if addresses else None
    local, _, host = mail.support_address().lower().partition("@")
    general = any(a == f"{local}@{host}" or (a.startswith(f"{local}+") and a.endswith(f"@{host}")) for a in addresses)
    if queue is None and not general and _site_for(recipients) is None:
        return None
    types = RequestType.objects.filter(is_active=True).order_by("order", "pk")
    if queue is not None:
        return types.filter(queue=queue).first() or types.first()
    return types.first()


def _agent_token(recipients: list[str]) -> tuple[Ticket, int] | None:
    for address in recipients:
        token = mail.agent_token_from_address(address)
        if token is not None:
            ticket = Ticket.objects.filter(number=token[0]).first()
            if ticket is not None:
                return ticket, token[1]
    return None


def find_request(parsed: Parsed) -> tuple[Ticket | None, str]:
    """The request a message answers, and how it says so: "token" (the signed reply address),
    "thread" (In-Reply-To/References name an e-mail we sent about it) or "subject" ([SR-…] only)."""
    for address in parsed.recipients:
        number = mail.number_from_address(address)
        if number is not None:
            ticket = Ticket.objects.filter(number=number).first()
            if ticket is not None:
                return ticket, "token"
    if parsed.in_reply_to:
        known = (
            TicketEmail.objects.filter(message_id__in=parsed.in_reply_to, direction=EmailDirection.OUT)
            .select_related("ticket")
            .first()
        )
        if known is not None:
            return known.ticket, "thread"
    match = REFERENCE_IN_SUBJECT.search(parsed.subject)
    if match:
        number = parse_reference(match.group(1))
        ticket = Ticket.objects.filter(number=number).first() if number else None
        if ticket is not None:
            return ticket, "subject"
    return None, ""


# --- Reading a message -------------------------------------------------------------------------


def parse(message: EmailMessage, *, message_id: str, sender: str, subject: str) -> Parsed:
    recipients = [
        address.lower()
        for _name, address in getaddresses(
            [str(message.get(name, "")) for name in ("To", "Cc", "Delivered-To", "X-Original-To")]
        )
        if address
    ]
    references = " ".join([_header(message, "In-Reply-To"), _header(message, "References")])
    in_reply_to = re.findall(r"<[^<>\s]+>", references)
    name = parseaddr(_header(message, "From"))[0]
    text = _body_text(message)
    parsed = Parsed(
        message_id=message_id,
        sender=sender,
        sender_name=name,
        subject=subject,
        recipients=recipients,
        in_reply_to=in_reply_to,
        text=strip_quoted(text),
        full_text=text,
    )
    _attachments(message, parsed)
    return parsed


def _body_text(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception as error:
        raise Unreadable(_("The message body cannot be read: %(error)s") % {"error": error}) from None
    if part is None:
        return ""
    content = charsets.decode_text(part.get_payload(decode=True) or b"", part.get_content_charset())
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n").strip()


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head).*?</\1>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>|</h\d>", "\n", markup)
    markup = re.sub(r"(?i)<blockquote[^>]*>", "\n> ", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def strip_quoted(text: str) -> str:
    """The new part of a reply: without the quoted earlier messages and the signature."""
    kept = []
    for line in text.splitlines():
        if SIGNATURE.match(line) or SENT_FROM.match(line) or any(start.match(line) for start in QUOTE_STARTS):
            break
        kept.append(line)
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()  # a trailing quote without a header line
    result = "\n".join(line for line in kept if not line.lstrip().startswith(">") or len(kept) < 3)
    return result.strip() or text.strip()


def _attachments(message: EmailMessage, parsed: Parsed) -> None:
    limit = SupportSettings.current().max_attachments_by_mail
    for part in message.iter_attachments():
        name = part.get_filename()
        if part.get_content_type() == "message/rfc822":  # a forwarded message: kept whole, as a file
            name, payload = _forwarded(part, name)
        elif not name:
            continue
        else:
            try:
                payload = part.get_payload(decode=True) or b""
            except Exception:
                parsed.skipped_files.append(name)
                continue
        if len(parsed.files) >= limit:
            parsed.skipped_files.append(
                _("“%(name)s”: more than %(count)s files in one message.") % {"name": name, "count": limit}
            )
            continue
        upload = SimpleUploadedFile(name, payload, content_type=part.get_content_type())
        try:
            parsed.files.append(check_upload(upload, max_bytes=MAX_ATTACHMENT_BYTES))
        except ValidationError as error:
            parsed.skipped_files.append(" ".join(error.messages))


def _forwarded(part: EmailMessage, name: str | None) -> tuple[str, bytes]:
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    payload = (
        inner.as_bytes(policy=policy.SMTP)
        if hasattr(inner, "as_bytes")
        else bytes(part.get_payload(decode=True) or b"")
    )
    if not name:
        subject = _header(inner, "Subject") if hasattr(inner, "raw_items") else ""
        name = (re.sub(r"[^\w .-]+", "", subject).strip()[:80] or "forwarded message") + ".eml"
    elif not name.lower().endswith(".eml"):
        name += ".eml"
    return name, payload


def quarantined():
    return InboundEmail.objects.filter(status=InboundStatus.QUARANTINED)

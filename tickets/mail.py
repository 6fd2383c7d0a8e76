"""E-mail out: what the customer is sent about their request, threaded so replies come back.

Every e-mail carries a Message-ID we remember, `In-Reply-To`/`References` of the request's
thread, `[SR-000123]` in the subject and a reply address with a signed token
(`support+123-1f2e3d4c5b@example.com`). The token or the thread puts a customer's reply on its
request; the subject alone only from a verified sender (tickets.senders). An agent answers by mail
only through their own signed address (`support+123-a7-…@`), sent in the desk's notifications.

Our own Message-IDs carry a signature (`<sr-000123.<random>.<signature>@domain>`): mail we sent that
comes back is recognised by that, never by its domain, which people's own mail programs share.
"""

import hashlib
import hmac
import logging
import re
import uuid
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.accounts.signals import may_mail, withdraw_url
from portal.addresses import absolute

from .models import EmailDirection, EmailStatus, Message, Ticket, TicketEmail

logger = logging.getLogger(__name__)

REFERENCES_KEPT = 20
MAX_ATTEMPTS = 5
#: Minutes after which an e-mail a sender claimed but never marked is taken over by another.
CLAIM_MINUTES = 10
TOKEN = re.compile(r"\+([0-9]{1,9})-([0-9a-f]{10})@", re.IGNORECASE)
AGENT_TOKEN = re.compile(r"\+([0-9]{1,9})-a([0-9]{1,12})-([0-9a-f]{10})@", re.IGNORECASE)
OUR_MESSAGE_ID = re.compile(r"^<[^<>@\s]*\.([0-9a-f]{20})\.([0-9a-f]{12})@[^<>\s]+>$", re.IGNORECASE)


def support_address() -> str:
    return settings.PORTAL_SUPPORT_ADDRESS or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def domain() -> str:
    return support_address().rsplit("@", 1)[-1] or "localhost"


def _signature(number: int | str, purpose: str = "tickets.reply-address", length: int = 10) -> str:
    key = f"{settings.SECRET_KEY}:{purpose}".encode()
    return hmac.new(key, str(number).encode(), hashlib.sha256).hexdigest()[:length]


def reply_address(ticket: Ticket) -> str:
    local, _, host = support_address().partition("@")
    return f"{local}+{ticket.number}-{_signature(ticket.number)}@{host}"


def number_from_address(address: str) -> int | None:
    """The request number a reply address names, when its signature is right."""
    match = TOKEN.search(address or "")
    if match is None:
        return None
    number, signature = int(match.group(1)), match.group(2).lower()
    return number if hmac.compare_digest(signature, _signature(number)) else None


def agent_reply_address(ticket: Ticket, agent) -> str:
    """The address only this agent is sent for this request: mail to it is that agent's reply."""
    local, _, host = support_address().partition("@")
    return f"{local}+{ticket.number}-a{agent.pk}-{_signature(f'{ticket.number}:{agent.pk}', 'tickets.agent')}@{host}"


def agent_token_from_address(address: str) -> tuple[int, int] | None:
    """(request number, agent id) an agent's reply address names, when its signature is right."""
    match = AGENT_TOKEN.search(address or "")
    if match is None:
        return None
    number, agent_id, signature = int(match.group(1)), int(match.group(2)), match.group(3).lower()
    expected = _signature(f"{number}:{agent_id}", "tickets.agent")
    return (number, agent_id) if hmac.compare_digest(signature, expected) else None


def new_message_id(ticket: Ticket) -> str:
    nonce = uuid.uuid4().hex[:20]
    return f"<{ticket.reference.lower()}.{nonce}.{_signature(nonce, 'tickets.message-id', 12)}@{domain()}>"


def is_ours(message_id: str) -> bool:
    """Whether we wrote this Message-ID (its signature is right), whatever its domain."""
    match = OUR_MESSAGE_ID.match((message_id or "").strip())
    if match is None:
        return False
    nonce, signature = match.group(1).lower(), match.group(2).lower()
    return hmac.compare_digest(signature, _signature(nonce, "tickets.message-id", 12))


def queue_email(*, ticket: Ticket, event: str, entry: Message | None = None) -> None:
    """Record the e-mail to send (in this transaction) and send it after the commit."""
    row = TicketEmail.objects.create(
        ticket=ticket,
        entry=entry,
        message_id=new_message_id(ticket),
        direction=EmailDirection.OUT,
        event=event,
        status=EmailStatus.PENDING,
    )
    transaction.on_commit(lambda: _enqueue(row.pk))


def _enqueue(email_id: int) -> None:
    from .tasks import send_request_email_task

    send_request_email_task.enqueue(email_id=email_id)


def _claim(email_id: int, now) -> bool:
    """Take the e-mail for this sender alone: the task queued for it and the sweep may both reach it
    (a long queue, a retry), and only the one whose update lands sends it. A sender that died while
    sending leaves it claimed; after CLAIM_MINUTES another takes it over (the one case in which a
    person may get it twice: delivered, but the sender died before marking it)."""
    takeable = Q(status__in=[EmailStatus.PENDING, EmailStatus.FAILED]) | Q(
        status=EmailStatus.SENDING, claimed_at__lt=now - timezone.timedelta(minutes=CLAIM_MINUTES)
    )
    return bool(TicketEmail.objects.filter(takeable, pk=email_id).update(status=EmailStatus.SENDING, claimed_at=now))


def send_request_email(email_id: int) -> bool:
    """Send one recorded e-mail (once); a failure is kept for the next attempt. Returns True when sent."""
    if not _claim(email_id, timezone.now()):
        return TicketEmail.objects.filter(pk=email_id, status=EmailStatus.SENT).exists()
    row = TicketEmail.objects.select_related("ticket__requester", "ticket__site", "entry__author").get(pk=email_id)
    ticket = row.ticket
    requester = ticket.requester
    if not requester.email or not requester.is_active:
        TicketEmail.objects.filter(pk=row.pk).update(status=EmailStatus.SENT, last_error="no address")
        return False
    earlier = list(
        TicketEmail.objects.filter(ticket=ticket, created_at__lte=row.created_at)
        .exclude(pk=row.pk)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
    )
    cc = [person.email for person in ticket.cc.filter(is_active=True) if person.email]
    try:
        with translation.override(ticket.language or requester.locale):
            message = _compose(row, ticket, requester, earlier, cc)
        message.send()
    except Exception as error:
        attempts = row.attempts + 1
        TicketEmail.objects.filter(pk=row.pk).update(
            status=EmailStatus.FAILED, attempts=attempts, last_error=str(error)[:255]
        )
        logger.warning("E-mail %s for %s failed (attempt %s): %s", row.message_id, ticket.reference, attempts, error)
        return False
    TicketEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), attempts=row.attempts + 1
    )
    return True


def _compose(row: TicketEmail, ticket: Ticket, requester, earlier: list[str], cc: list[str]) -> EmailMultiAlternatives:
    from wagtail.models import Site

    from themes.brand import build_brand

    site = ticket.site or Site.objects.filter(is_default_site=True).first()
    brand = build_brand(site)
    link = absolute(ticket.get_absolute_url(), site=site)
    context = {
        "ticket": ticket,
        "event": row.event,
        "entry": row.entry,
        "recipient": requester,
        "brand": brand,
        "link": link,
        "promise": _promise(ticket) if row.event == "received" else None,
        "survey": _survey_links(ticket, site),
    }
    text = render_to_string("tickets/email/request.txt", context)
    html = render_to_string("tickets/email/request.html", context)
    headers = {
        "Message-ID": row.message_id,
        "Reply-To": reply_address(ticket),
        "X-Portal-Request": ticket.reference,
    }
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier[:1] + earlier[-(REFERENCES_KEPT - 1) :])
    if row.event == "received":
        headers["Auto-Submitted"] = "auto-replied"  # an acknowledgement: mail programs must not answer it
    message = EmailMultiAlternatives(
        subject=f"[{ticket.reference}] {ticket.subject}",
        body=text,
        from_email=formataddr((str(brand.name), support_address())),
        to=[requester.email],
        cc=cc,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _survey_links(ticket: Ticket, site) -> dict | None:
    from .models import SatisfactionSurvey
    from .satisfaction import link

    survey = SatisfactionSurvey.objects.filter(ticket=ticket, answered_at__isnull=True).first()
    if survey is None or ticket.status != "solved":
        return None
    if not may_mail(ticket.requester, "surveys"):
        return None  # the customer does not allow surveys: rating stays on the request's page
    return {
        "good": absolute(link(survey, "good"), site=site),
        "bad": absolute(link(survey, "bad"), site=site),
        "stop": withdraw_url(ticket.requester, "surveys"),
    }


def _promise(ticket: Ticket):
    from .choices import EventKind
    from .clocks import customer_promise, ticket_clocks
    from .models import SupportSettings, TicketEvent

    events = list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).order_by("created_at", "pk"))
    clocks = ticket_clocks(ticket, status_events=events, now=timezone.now(), settings_obj=SupportSettings.current())
    return customer_promise(ticket, clocks)


def retry_failed(*, now=None) -> int:
    """Send what is still pending or failed (fewer than MAX_ATTEMPTS tries). Returns e-mails sent."""
    now = now or timezone.now()
    stale = now - timezone.timedelta(minutes=CLAIM_MINUTES)
    rows = TicketEmail.objects.filter(
        Q(status__in=[EmailStatus.PENDING, EmailStatus.FAILED]) | Q(status=EmailStatus.SENDING, claimed_at__lt=stale),
        direction=EmailDirection.OUT,
        attempts__lt=MAX_ATTEMPTS,
        created_at__lte=now - timezone.timedelta(minutes=1),
    ).values_list("pk", flat=True)
    return sum(send_request_email(pk) for pk in list(rows))

"""Reads for the customer pages and the agent desk. Private requests are fetched only here."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.accounts.roles import AGENT, ROLE_GROUPS
from portal.text import ascii_digits

from .choices import CustomerStatusFilter, EventKind, Status
from .clocks import Clock, Promise, customer_promise, explain_clock, ticket_clocks
from .models import (
    Attachment,
    Message,
    SatisfactionSurvey,
    SLAPolicy,
    SupportSettings,
    Ticket,
    TicketEvent,
    parse_reference,
)
from .querysets import cc_ticket_ids, readable_by


def access_ticket(user, reference: str) -> Ticket:
    """The request with this reference if this customer may read it; 404 otherwise (also for a bad reference)."""
    number = parse_reference(reference)
    if number is None:
        raise Http404
    if not getattr(user, "is_authenticated", False):
        raise Http404
    # Fetched by its unique number, then checked with `visible_to`'s rule in Python: a plain lookup
    # plans and compiles in a fraction of the time of the OR/EXISTS condition. Few joins, too: what
    # only the conversation needs (policy, calendar, merged/follow-up requests) is read when it is
    # rendered, then cached.
    ticket = Ticket.objects.select_related("request_type").filter(number=number).order_by().first()
    if ticket is None or not readable_by(user, ticket):
        raise Http404
    if ticket.requester_id == user.pk:
        ticket.requester = user  # the reader is nearly always the requester: no need to read them again
    return ticket


def access_attachment(user, reference: str, pk: int) -> Attachment:
    """A file on a request this customer may read, and not on an internal note."""
    ticket = access_ticket(user, reference)
    attachment = (
        Attachment.objects.filter(ticket=ticket, pk=pk)
        .filter(Q(message__isnull=True) | Q(message__is_internal=False))
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def customer_requests(
    user, *, scope: str = "mine", query: str = "", status: str = "", sort: str = "-last_activity_at"
) -> QuerySet:
    """The customer's list: theirs (and CC'd), or the organisation's where it shares requests."""
    if scope == "organisation" and can_see_organisation_requests(user):
        tickets = Ticket.objects.filter(organisation_id=user.organisation_id)
    else:
        # The few requests the person is CC'd on are read first, so both conditions use an index
        # (an EXISTS per row would scan every request in the table).
        cc_ids = cc_ticket_ids(user.pk)
        condition = Q(requester_id=user.pk) | Q(pk__in=cc_ids) if cc_ids else Q(requester_id=user.pk)
        tickets = Ticket.objects.filter(condition)
    if status == CustomerStatusFilter.OPEN:
        tickets = tickets.filter(status__in=[Status.NEW, Status.OPEN, Status.ON_HOLD])
    elif status == CustomerStatusFilter.WAITING:
        tickets = tickets.filter(status=Status.WAITING_ON_CUSTOMER)
    elif status == CustomerStatusFilter.SOLVED:
        tickets = tickets.filter(status__in=[Status.SOLVED, Status.CLOSED])
    if query:
        number = parse_reference(query)
        condition = Q(subject__icontains=query) | Q(description_source__icontains=query)
        if number is not None:
            condition |= Q(number=number)
        elif ascii_digits(query) and len(query) <= 9:
            condition |= Q(number=int(query))
        tickets = tickets.filter(condition)
    if scope == "organisation":
        tickets = tickets.select_related("requester")
    return tickets.order_by(sort, "-pk")


def list_stamp(tickets: QuerySet) -> tuple[int, datetime | None]:
    """How many requests the list holds and when the latest of them changed: one query."""
    from django.db.models import Count, Max

    stamp = tickets.order_by().aggregate(count=Count("pk"), latest=Max("updated_at"))
    return stamp["count"], stamp["latest"]


def list_version(user, params: str, page: str, count: int, latest: datetime | None) -> str:
    """The version of one person's list page: whose, which filters and page, and the list's stamp.
    The template's fragment cache adds the language and time zone."""
    import hashlib

    digest = hashlib.sha256(f"{params}|{page[:10]}".encode()).hexdigest()[:16]
    return f"{user.pk}:{digest}:{count}:{latest and latest.timestamp()}"


def can_see_organisation_requests(user) -> bool:
    from portal.accounts.models import Organisation

    return bool(user.is_authenticated and user.organisation_id and Organisation.shares_requests(user.organisation_id))


def extra_field_values(ticket: Ticket) -> list[tuple[str, object]]:
    """The request type's own fields with the customer's answers, by their labels, in the type's order."""
    return [
        (field.label, ticket.fields[field.key])
        for field in ticket.request_type.fields.all()
        if field.key in ticket.fields
    ]


def request_version(ticket: Ticket, *, now: datetime | None = None) -> str:
    """The version of a request's conversation and history: a reply, a status change, a new due
    time or the due time passing starts a new one (the page then apologises for being late). The
    template's fragment cache adds the language and time zone."""
    due = ticket.sla_due_at and ticket.sla_due_at.timestamp()
    overdue = ticket.is_active and ticket.sla_due_at is not None and ticket.sla_due_at <= (now or timezone.now())
    return f"{ticket.pk}:{ticket.updated_at.timestamp()}:{ticket.message_count}:{due}:{ticket.status}:{overdue:d}"


@dataclass
class RequestPage:
    """Everything the customer's request page shows, read in a fixed number of queries."""

    ticket: Ticket
    messages: list[Message]
    attachments: list[Attachment]
    history: list[TicketEvent]
    clocks: list[Clock]
    promise: Promise
    details: list[tuple[str, object]]


def request_page(ticket: Ticket, *, now: datetime | None = None) -> RequestPage:
    now = now or timezone.now()
    if ticket.sla_policy_id:
        ticket.sla_policy = (
            SLAPolicy.objects.select_related("calendar")
            .prefetch_related("calendar__hours", "calendar__holidays")
            .get(pk=ticket.sla_policy_id)
        )
    public_files = Attachment.objects.filter(Q(message__isnull=True) | Q(message__is_internal=False))
    messages = list(
        Message.objects.filter(ticket=ticket, is_internal=False)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=public_files))
    )
    attachments = list(public_files.filter(ticket=ticket, message__isnull=True))
    events = list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.STATUS, EventKind.CREATED, EventKind.MERGED])
    )
    status_events = [event for event in events if event.kind == EventKind.STATUS]
    settings_obj = SupportSettings.current()
    clocks = ticket_clocks(ticket, status_events=status_events, now=now, settings_obj=settings_obj)
    return RequestPage(
        ticket=ticket,
        messages=messages,
        attachments=attachments,
        history=[event for event in events if event.is_public],
        clocks=clocks,
        promise=customer_promise(ticket, clocks),
        details=extra_field_values(ticket),
    )


# --- Agent desk ------------------------------------------------------------------------------


def agents() -> QuerySet:
    """People who can be assigned requests: active members of the agent role, and superusers."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=ROLE_GROUPS[AGENT]) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("display_name", "email")
    )


def desk_ticket(pk: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related(
            "request_type",
            "requester__organisation",
            "queue",
            "assignee",
            "merged_into",
            "follow_up_of",
            "created_by",
            "sla_policy__calendar",
        )
        .prefetch_related("sla_policy__calendar__hours", "sla_policy__calendar__holidays", "tags", "related", "cc")
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


@dataclass
class ClockStory:
    clock: Clock
    segments: list


def desk_page(ticket: Ticket, *, now: datetime | None = None) -> dict:
    """The agent's view of one request: everything, internal notes included, and the customer beside it."""
    now = now or timezone.now()
    messages = list(Message.objects.filter(ticket=ticket).select_related("author").prefetch_related("attachments"))
    events = list(TicketEvent.objects.filter(ticket=ticket).select_related("actor"))
    status_events = [event for event in events if event.kind == EventKind.STATUS]
    settings_obj = SupportSettings.current()
    clocks = ticket_clocks(ticket, status_events=status_events, now=now, settings_obj=settings_obj)
    stories = [
        ClockStory(clock, explain_clock(ticket, clock, status_events=status_events, now=now, settings_obj=settings_obj))
        for clock in clocks
    ]
    first_reply = next(
        (m for m in messages if not m.is_internal and not m.from_customer and m.created_at == ticket.first_replied_at),
        None,
    )
    return {
        "conversation": messages,
        "events": events,
        "clocks": clocks,
        "stories": stories,
        "first_reply": first_reply,
        "attachments": list(Attachment.objects.filter(ticket=ticket, message__isnull=True)),
        "customer": customer_panel(ticket),
        "details": extra_field_values(ticket),
    }


@dataclass(frozen=True)
class PanelSection:
    title: str
    lines: tuple[str, ...]
    link_label: str = ""
    link_url: str = ""


def _panel_sections(person) -> list[PanelSection]:
    """What other apps know about the customer, from the receivers of `customer_panel` (support
    never imports them)."""
    from .signals import customer_panel

    answers = customer_panel.send(sender=Ticket, person=person)
    return [section for _receiver, section in answers if isinstance(section, PanelSection)]


def satisfaction_history(customer) -> list:
    from .satisfaction import history

    return history(customer)


def customer_panel(ticket: Ticket) -> dict:
    """The customer beside the request: other requests, membership."""
    from portal.membership.entitlements import support_entitlement

    requester = ticket.requester
    others = list(
        Ticket.objects.filter(requester=requester)
        .exclude(pk=ticket.pk)
        .order_by("-created_at")
        .only("pk", "number", "subject", "status", "created_at")[:10]
    )
    return {
        "person": requester,
        "other_requests": others,
        "other_count": Ticket.objects.filter(requester=requester).exclude(pk=ticket.pk).count(),
        "entitlement": support_entitlement(requester),
        "satisfaction": satisfaction_history(requester),
        "this_rating": SatisfactionSurvey.objects.filter(ticket=ticket, answered_at__isnull=False).first(),
        "sections": _panel_sections(requester),
    }


INBOXES = ("mine", "unassigned", "breaching", "overdue", "open", "all")


def inbox(view: str, *, user, now: datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    tickets = Ticket.objects.all()
    if view == "mine":
        tickets = tickets.active().filter(assignee=user)
    elif view == "unassigned":
        tickets = tickets.active().filter(assignee__isnull=True)
    elif view == "breaching":
        window = SupportSettings.current().breaching_soon_minutes
        from datetime import timedelta

        tickets = tickets.breaching_soon(now, timedelta(minutes=window))
    elif view == "overdue":
        tickets = tickets.overdue(now)
    elif view == "open":
        tickets = tickets.active()
    return tickets.select_related("requester__organisation", "queue", "assignee", "request_type")

"""Keeping the facts (models.py) true: measure a request again whenever it changes."""

from django.db import transaction
from django.db.models import Max

from portal.membership.entitlements import support_entitlement
from tickets import sla
from tickets.choices import EventKind, FieldKind
from tickets.clocks import paused_statuses
from tickets.models import BusinessCalendar, Message, SatisfactionSurvey, SupportSettings, Ticket, TicketEvent

from .facts import Entry, StatusChange, Targets, measure_request
from .models import ReopenFacts, ReplyFacts, RequestFacts
from .rollups import mark_stale

#: The moments of a request's facts that place it in a month of the rollups.
MOMENTS = ("created_at", "resolved_at", "rated_at", "survey_asked_at")


def default_calendar() -> sla.Calendar:
    """The calendar for requests without an SLA policy: the portal's first one, else around the clock."""
    calendar = BusinessCalendar.objects.prefetch_related("hours", "holidays").order_by("pk").first()
    return calendar.as_calendar() if calendar else sla.Calendar.always()


def _product(ticket: Ticket) -> str:
    for extra in ticket.request_type.fields.all():
        if extra.kind == FieldKind.PRODUCT and ticket.fields.get(extra.key):
            return str(ticket.fields[extra.key])[:120]
    return ""


@transaction.atomic
def refresh_facts(ticket_pk: int, *, calendar: sla.Calendar | None = None) -> RequestFacts | None:
    """Measure one request again and store what the metrics read. Merged requests are not measured.

    Safe to run any number of times: it replaces the request's facts with the same facts.
    """
    ticket = (
        Ticket.objects.select_related("sla_policy__calendar", "request_type", "requester")
        .prefetch_related("sla_policy__calendar__hours", "sla_policy__calendar__holidays", "request_type__fields")
        .filter(pk=ticket_pk)
        .first()
    )
    if ticket is None or ticket.merged_into_id:
        RequestFacts.objects.filter(ticket_id=ticket_pk).delete()
        return None
    policy = ticket.sla_policy
    if policy is not None:
        calendar = policy.calendar.as_calendar()
    elif calendar is None:
        calendar = default_calendar()
    entries = [
        Entry(created_at, from_customer, author_id)
        for created_at, from_customer, author_id in Message.objects.filter(ticket=ticket, is_internal=False)
        .order_by("created_at", "pk")
        .values_list("created_at", "from_customer", "author_id")
    ]
    last_event_id = TicketEvent.objects.filter(ticket=ticket).aggregate(newest=Max("pk"))["newest"]
    changes = [
        StatusChange(*row)
        for row in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS)
        .order_by("created_at", "pk")
        .values_list("created_at", "old_value", "new_value")
    ]
    targets = None
    if policy is not None:
        targets = Targets(policy.target("first_reply"), policy.target("next_reply"), policy.target("resolution"))
    measured = measure_request(
        created_at=ticket.created_at,
        entries=entries,
        status_changes=changes,
        resolved_at=None if ticket.is_active else (ticket.solved_at or ticket.closed_at),
        calendar=calendar,
        paused=paused_statuses(SupportSettings.current()),
        targets=targets,
    )
    first = measured.first
    survey = (
        SatisfactionSurvey.objects.filter(ticket=ticket).values("asked_at", "rating", "reason", "answered_at").first()
        or {}
    )
    before = RequestFacts.objects.filter(ticket=ticket).values(*MOMENTS, "plan_id").first() or {}
    moments = [before.get(name) for name in MOMENTS]
    if before:
        moments += ReplyFacts.objects.filter(request_id=ticket.pk).values_list("replied_at", flat=True)
    existing = before.get("plan_id")
    plan_id = existing if existing is not None else support_entitlement(ticket.requester).plan_id
    facts, _created = RequestFacts.objects.update_or_create(
        ticket=ticket,
        defaults={
            "created_at": ticket.created_at,
            "queue_id": ticket.queue_id,
            "assignee_id": ticket.assignee_id,
            "request_type_id": ticket.request_type_id,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "organisation_id": ticket.organisation_id,
            "requester_id": ticket.requester_id,
            "product": _product(ticket),
            "plan_id": plan_id,
            "first_reply_at": first and first.replied_at,
            "first_reply_seconds": first and first.seconds,
            "first_reply_business_seconds": first and first.business_seconds,
            "first_reply_sla": first.sla if first else "",
            "agent_replies": measured.agent_replies,
            "resolved_at": measured.resolved_at,
            "resolution_seconds": measured.resolution_seconds,
            "resolution_business_seconds": measured.resolution_business_seconds,
            "resolution_sla": measured.resolution_sla,
            "reopens": len(measured.reopenings),
            "last_event_id": last_event_id,
            "survey_asked_at": survey.get("asked_at"),
            "rating": survey.get("rating") or "",
            "rating_reason": survey.get("reason") or "",
            "rated_at": survey.get("answered_at") if survey.get("rating") else None,
        },
    )
    facts.replies.all().delete()
    ReplyFacts.objects.bulk_create(
        ReplyFacts(
            request=facts,
            kind=wait.kind,
            waited_from=wait.waited_from,
            replied_at=wait.replied_at,
            seconds=wait.seconds,
            business_seconds=wait.business_seconds,
            sla=wait.sla,
            agent_id=wait.agent_id,
            queue_id=ticket.queue_id,
            priority=ticket.priority,
            channel=ticket.channel,
        )
        for wait in measured.waits
    )
    facts.reopenings.all().delete()
    ReopenFacts.objects.bulk_create(
        ReopenFacts(request=facts, reopened_at=moment, queue_id=ticket.queue_id) for moment in measured.reopenings
    )
    moments += [getattr(facts, name) for name in MOMENTS] + [wait.replied_at for wait in measured.waits]
    mark_stale(moments)
    return facts


def refresh_after(ticket_pk: int, event_pk: int) -> RequestFacts | None:
    """Measure again after an event, unless a refresh since has read it already: one change writes
    two or three events in one transaction, and the request needs measuring once."""
    if RequestFacts.objects.filter(ticket_id=ticket_pk, last_event_id__gte=event_pk).exists():
        return None
    return refresh_facts(ticket_pk)


def rebuild_facts(*, since=None) -> int:
    """Measure every request (filed since `since`, if given) again; returns how many were measured."""
    tickets = Ticket.objects.order_by("pk")
    if since is not None:
        tickets = tickets.filter(created_at__gte=since)
    calendar = default_calendar()
    count = 0
    for pk in tickets.values_list("pk", flat=True).iterator(chunk_size=2000):
        count += refresh_facts(pk, calendar=calendar) is not None
    return count

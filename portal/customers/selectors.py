"""What the customer pages read: one person, one organisation, and finding either."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import access, timeline

RECENT = 10
#: Paging a person's timeline or reloading their page within this time is one look, recorded once.
ACCESS_WINDOW = timedelta(minutes=30)


def person_for_page(pk: int):
    """The person with what every block reads beside them (one query)."""
    User = get_user_model()
    return (
        User.objects.select_related("organisation", "organisation__account_owner", "community_profile")
        .filter(pk=pk)
        .first()
    )


def record_access(viewer, person, *, what: str = "customer page", now=None) -> bool:
    """Write the privacy audit's record of `viewer` opening `person`'s page, once per look."""
    from portal.privacy.models import AccessRecord

    now = now or timezone.now()
    recent = AccessRecord.objects.filter(person=person, viewer=viewer, what=what, at__gte=now - ACCESS_WINDOW)
    if recent.exists():
        return False
    AccessRecord.objects.create(person=person, viewer=viewer, what=what, at=now)
    return True


def _membership(person, now) -> dict:
    from portal.membership.models import Subscription
    from portal.membership.services import benefits as catalogue
    from portal.membership.services.subscriptions import STATUS_LABELS, state

    subscription = Subscription.objects.covering(person).select_related("plan").order_by("-ends_at", "-pk").first()
    status = state(subscription, now=now) if subscription else ""
    return {
        "subscription": subscription,
        "status": status,
        "status_label": STATUS_LABELS[status] if status else "",
        "days_to_renewal": (subscription.ends_at - now).days if subscription and subscription.ends_at > now else None,
        "standing": catalogue.standing(person, now=now),
    }


def _requests(person, now) -> dict:
    from tickets.choices import Status
    from tickets.models import SatisfactionSurvey, Ticket

    tickets = Ticket.objects.filter(requester=person)
    counts = tickets.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=Status.active())),
        overdue=Count("pk", filter=Q(status__in=Status.active(), sla_due_at__lt=now)),
    )
    recent = list(
        tickets.select_related("queue", "survey")
        .only(
            "number",
            "subject",
            "status",
            "created_at",
            "sla_due_at",
            "queue__name",
            "survey__rating",
            "survey__answered_at",
        )
        .order_by("-created_at", "-pk")[:RECENT]
    )
    active = set(Status.active())
    for ticket in recent:
        ticket.is_overdue = ticket.status in active and ticket.sla_due_at is not None and ticket.sla_due_at < now
    ratings = SatisfactionSurvey.objects.filter(customer=person, answered_at__isnull=False).aggregate(
        rated=Count("pk"), good=Count("pk", filter=Q(rating="good"))
    )
    return {"counts": counts, "recent": recent, "ratings": ratings}


def _nps(person, queues) -> list:
    from portal.insights.models import NPSSurvey

    answers = NPSSurvey.objects.filter(person=person, answered_at__isnull=False)
    if queues is not None:
        answers = answers.filter(last_request__queue_id__in=queues)
    return list(answers.order_by("-answered_at", "-pk")[:5])


def _consents(person) -> list[dict]:
    from portal.privacy import consent

    latest = consent.latest(person)
    rows = []
    for purpose in consent.purposes():
        event = latest.get(purpose.code)
        rows.append(
            {
                "purpose": purpose,
                "allowed": purpose.required or consent.is_current(event, purpose),
                "event": event,
            }
        )
    return rows


def _orders(person) -> list:
    from portal.membership.models import Order

    return list(
        Order.objects.filter(buyer=person).select_related("plan", "invoice").order_by("-created_at", "-pk")[:RECENT]
    )


def _points(person) -> list:
    from portal.membership import points as ledger

    entries = list(ledger.history(person, limit=RECENT))
    for entry in entries:
        entry.reason_label = ledger.reason_label(entry.reason)
    return entries


def _benefits(person) -> list:
    from portal.membership.models import Redemption

    return list(Redemption.objects.filter(user=person).select_related("benefit").order_by("-created_at")[:RECENT])


def person_page(viewer, person, *, page: int = 1, now=None) -> dict:
    """Everything `viewer` may read about `person`, block by block, and one page of the timeline.
    The number of queries does not grow with the person's history."""
    from .segments import current_segments

    now = now or timezone.now()
    shown = access.blocks(viewer, person)
    nps_queues = access.nps_queues(viewer, person) if access.NPS in shown else ()
    context = {
        "person": person,
        "shown": shown,
        "membership": _membership(person, now),
        "community": getattr(person, "community_profile", None),
        "segments": current_segments(person),
    }
    if access.REQUESTS in shown:
        context["requests"] = _requests(person, now)
    if access.NPS in shown:
        context["nps"] = _nps(person, nps_queues)
    if access.CONSENTS in shown:
        context["consents"] = _consents(person)
    if access.ORDERS in shown:
        context["orders"] = _orders(person)
    if access.POINTS in shown:
        context["points"] = _points(person)
    if access.BENEFITS in shown:
        context["benefits"] = _benefits(person)
    items, has_next = timeline.page(person, shown, page, {"nps_queues": nps_queues})
    context["timeline"] = items
    context["page"] = page
    context["has_next"] = has_next
    return context


def organisation_page(organisation, *, now=None) -> dict:
    from portal.membership.models import Subscription
    from portal.membership.services.subscriptions import STATUS_LABELS, state
    from tickets.choices import Status
    from tickets.models import Ticket

    now = now or timezone.now()
    members = list(
        get_user_model()
        .objects.filter(organisation=organisation)
        .annotate(
            open_requests=Count(
                "support_requests", filter=Q(support_requests__status__in=Status.active()), distinct=True
            ),
        )
        .order_by("display_name", "email")[:200]
    )
    subscriptions = list(
        Subscription.objects.filter(Q(organisation=organisation) | Q(holder__organisation=organisation))
        .select_related("plan", "holder")
        .order_by("-ends_at")[:RECENT]
    )
    for subscription in subscriptions:
        subscription.state_label = STATUS_LABELS[state(subscription, now=now)]
    requests = list(
        Ticket.objects.filter(Q(organisation=organisation) | Q(requester__organisation=organisation))
        .select_related("requester")
        .only("number", "subject", "status", "created_at", "requester__email", "requester__display_name")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    return {"organisation": organisation, "members": members, "subscriptions": subscriptions, "requests": requests}


def find(query: str) -> QuerySet:
    """Customers by name, e-mail or organisation (the admin search's "Customers" area)."""
    User = get_user_model()
    people = User.objects.filter(is_active=True).select_related("organisation")
    query = query.strip()
    if query:
        people = people.filter(
            Q(email__icontains=query)
            | Q(display_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    return people.order_by("display_name", "email")

"""One timeline of everything a person did with us, newest first, across the apps.

Each source reads one kind of interaction with one query (the newest `limit` rows of it), so a
page of the timeline costs one query per source the viewer may read, however long the person's
history. Page p asks each source for its newest p × PAGE_SIZE rows, merges them and keeps the
p-th slice: the merge is exact because no source can hold an item of page p beyond its own first
p × PAGE_SIZE rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from heapq import merge

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.formatting import format_money

from . import access

PAGE_SIZE = 25
MAX_PAGE = 40


@dataclass(frozen=True)
class Item:
    at: datetime
    kind: str  # what happened, as the viewer reads it
    text: str = ""
    url: str = ""


def _requests(person, limit: int, context: dict) -> list[Item]:
    from tickets.models import Ticket

    rows = Ticket.objects.filter(requester=person).only("number", "subject", "created_at")
    return [
        Item(
            ticket.created_at,
            _("Filed request %(reference)s") % {"reference": ticket.reference},
            ticket.subject,
            reverse("tickets_desk:detail", args=[ticket.pk]),
        )
        for ticket in rows.order_by("-created_at", "-pk")[:limit]
    ]


def _messages(person, limit: int, context: dict) -> list[Item]:
    from tickets.models import Message

    rows = (
        Message.objects.filter(ticket__requester=person, is_internal=False)
        .select_related("ticket")
        .only("from_customer", "created_at", "body_source", "ticket__number")
        .order_by("-created_at", "-pk")[:limit]
    )
    items = []
    for message in rows:
        reference = message.ticket.reference
        kind = (_("Wrote on %(reference)s") if message.from_customer else _("Support replied on %(reference)s")) % {
            "reference": reference
        }
        url = reverse("tickets_desk:detail", args=[message.ticket.pk])
        items.append(Item(message.created_at, kind, message.body_source[:140], url))
    return items


def _request_status(person, limit: int, context: dict) -> list[Item]:
    from tickets.choices import EventKind, Status
    from tickets.models import TicketEvent

    rows = (
        TicketEvent.objects.filter(ticket__requester=person, kind=EventKind.STATUS, is_public=True)
        .select_related("ticket")
        .only("new_value", "created_at", "ticket__number")
        .order_by("-created_at", "-pk")[:limit]
    )
    labels = dict(Status.choices)
    return [
        Item(
            event.created_at,
            _("%(reference)s is now “%(status)s”")
            % {"reference": event.ticket.reference, "status": labels.get(event.new_value, event.new_value)},
            "",
            reverse("tickets_desk:detail", args=[event.ticket.pk]),
        )
        for event in rows
    ]


def _ratings(person, limit: int, context: dict) -> list[Item]:
    from tickets.models import SatisfactionSurvey

    rows = (
        SatisfactionSurvey.objects.filter(customer=person, answered_at__isnull=False)
        .select_related("ticket")
        .only("rating", "reason", "comment", "answered_at", "ticket__number")
        .order_by("-answered_at", "-pk")[:limit]
    )
    return [
        Item(
            survey.answered_at,
            _("Rated %(reference)s “%(rating)s”")
            % {"reference": survey.ticket.reference, "rating": survey.get_rating_display()},
            " — ".join(part for part in (survey.reason, survey.comment[:140]) if part),
            reverse("tickets_desk:detail", args=[survey.ticket.pk]),
        )
        for survey in rows
    ]


def _nps(person, limit: int, context: dict) -> list[Item]:
    from portal.insights.models import NPSSurvey

    rows = NPSSurvey.objects.filter(person=person, answered_at__isnull=False)
    queues = context.get("nps_queues")
    if queues is not None:
        rows = rows.filter(last_request__queue_id__in=queues)
    rows = rows.only("score", "comment", "answered_at").order_by("-answered_at", "-pk")[:limit]
    return [
        Item(answer.answered_at, _("Answered NPS: %(score)s of 10") % {"score": answer.score}, answer.comment[:140])
        for answer in rows
    ]


def _orders(person, limit: int, context: dict) -> list[Item]:
    from portal.membership.choices import OrderStatus
    from portal.membership.models import Order

    rows = (
        Order.objects.filter(buyer=person, status=OrderStatus.PAID)
        .select_related("plan")
        .only("kind", "amount", "currency", "paid_at", "created_at", "plan__name")
        .order_by("-paid_at", "-pk")[:limit]
    )
    return [
        Item(
            order.paid_at or order.created_at,
            _("Paid: %(kind)s, %(plan)s") % {"kind": order.get_kind_display(), "plan": order.plan.name},
            format_money(order.amount, order.currency),
        )
        for order in rows
    ]


def _subscription_changes(person, limit: int, context: dict) -> list[Item]:
    from portal.membership.models import SubscriptionEvent

    rows = (
        SubscriptionEvent.objects.filter(subscription__holder=person)
        .only("kind", "detail", "created_at")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        Item(event.created_at, _("Membership: %(change)s") % {"change": event.kind.replace("_", " ")}, event.detail)
        for event in rows
    ]


def _points(person, limit: int, context: dict) -> list[Item]:
    from portal.membership import points as ledger
    from portal.membership.models import PointsEntry

    rows = PointsEntry.objects.filter(user=person).order_by("-created_at", "-pk")[:limit]
    return [
        Item(entry.created_at, _("%(points)+d points") % {"points": entry.points}, ledger.reason_label(entry.reason))
        for entry in rows
    ]


def _redemptions(person, limit: int, context: dict) -> list[Item]:
    from portal.membership.models import Redemption

    rows = Redemption.objects.filter(user=person).select_related("benefit").order_by("-created_at", "-pk")[:limit]
    return [Item(r.created_at, _("Redeemed a benefit"), r.benefit.title) for r in rows]


def _community(person, limit: int, context: dict) -> list[Item]:
    from community.choices import PostState
    from community.models import Post

    rows = (
        Post.objects.filter(author=person, state=PostState.PUBLISHED)
        .select_related("topic")
        .only("is_opening", "created_at", "topic__title")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        Item(
            post.created_at,
            _("Started a community topic") if post.is_opening else _("Replied in the community"),
            post.topic.title,
            post.get_absolute_url(),
        )
        for post in rows
    ]


def _consents(person, limit: int, context: dict) -> list[Item]:
    from portal.privacy.models import ConsentEvent

    rows = ConsentEvent.objects.filter(person=person).order_by("-at", "-pk")[:limit]
    return [
        Item(
            event.at,
            (_("Allowed “%(purpose)s”") if event.granted else _("Withdrew “%(purpose)s”")) % {"purpose": event.purpose},
            event.get_how_display(),
        )
        for event in rows
    ]


#: (block the viewer must read, source). Other apps' interactions join by adding a line here.
SOURCES: list[tuple[str, Callable[..., list[Item]]]] = [
    (access.REQUESTS, _requests),
    (access.REQUESTS, _messages),
    (access.REQUESTS, _request_status),
    (access.REQUESTS, _ratings),
    (access.NPS, _nps),
    (access.ORDERS, _orders),
    (access.MEMBERSHIP, _subscription_changes),
    (access.POINTS, _points),
    (access.BENEFITS, _redemptions),
    (access.COMMUNITY, _community),
    (access.CONSENTS, _consents),
]


def register(block: str, source: Callable[..., list[Item]]) -> None:
    SOURCES.append((block, source))


def page(person, shown: frozenset[str], number: int, context: dict | None = None) -> tuple[list[Item], bool]:
    """The items of page `number` (from 1) and whether there is a next page."""
    number = max(1, min(number, MAX_PAGE))
    limit = number * PAGE_SIZE + 1
    context = context or {}
    streams = [source(person, limit, context) for block, source in SOURCES if block in shown]
    joined = Item(person.date_joined, _("Joined the portal"), "")
    streams.append([joined])
    items = list(merge(*streams, key=lambda item: item.at, reverse=True))
    start = (number - 1) * PAGE_SIZE
    return items[start : start + PAGE_SIZE], len(items) > start + PAGE_SIZE

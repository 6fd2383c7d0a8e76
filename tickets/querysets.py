"""Reusable filters for support requests."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q

from portal.accounts.models import Organisation


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TicketQuerySet":
        """What a customer may read in the portal: their own, those they are CC'd on, and — where the
        organisation shares requests — their organisation's. Nothing for anyone signed out."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        cc = self.model.cc.through.objects.filter(ticket_id=OuterRef("pk"), user_id=user.pk)
        condition = Q(requester_id=user.pk) | Exists(cc)
        if user.organisation_id and Organisation.shares_requests(user.organisation_id):
            condition |= Q(organisation_id=user.organisation_id)
        return self.filter(condition)

    def active(self) -> "TicketQuerySet":
        from .choices import Status

        return self.filter(status__in=Status.active())

    def overdue(self, now: datetime) -> "TicketQuerySet":
        return self.active().filter(sla_due_at__lte=now)

    def breaching_soon(self, now: datetime, window: timedelta) -> "TicketQuerySet":
        return self.active().filter(sla_due_at__gt=now, sla_due_at__lte=now + window)


def readable_by(user, ticket) -> bool:
    """The rule of `visible_to` for one request already in hand: the same answers, from cached lookups."""
    if not getattr(user, "is_authenticated", False):
        return False
    if ticket.requester_id == user.pk:
        return True
    if (
        ticket.organisation_id is not None
        and ticket.organisation_id == user.organisation_id
        and Organisation.shares_requests(user.organisation_id)
    ):
        return True
    return ticket.pk in cc_ticket_ids(user.pk)


def cc_cache_key(user_id) -> str:
    return f"tickets:cc-ids:{user_id}"


def cc_ticket_ids(user_id) -> list[int]:
    """The requests a person is CC'd on (few, and rarely changed): cached, dropped by the services that change them."""
    from django.core.cache import cache

    from .models import Ticket

    key = cc_cache_key(user_id)
    ids = cache.get(key)
    if ids is None:
        ids = list(Ticket.cc.through.objects.filter(user_id=user_id).values_list("ticket_id", flat=True))
        cache.set(key, ids, 3600)
    return ids

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.membership.choices import OrderKind, OrderStatus
from portal.membership.models import Order, Plan, Subscription
from portal.privacy import consent
from tests.factories import UserFactory
from tests.knowledge_base.conftest import kb  # noqa: F401
from tests.tickets.conftest import agent, calendar, make_ticket, policy, queue, request_type, second_agent  # noqa: F401

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.create(name="Premium", code="premium", price=Decimal("100.00"), currency="EUR")


@pytest.fixture
def pay(plan):
    """pay(person, amount, days_ago, currency="EUR"): a paid order `days_ago` days before NOW."""

    def make(person, amount, days_ago, currency="EUR", status=OrderStatus.PAID):
        subscription = Subscription.objects.filter(holder=person).first() or Subscription.objects.create(
            holder=person, plan=plan, starts_at=NOW - timedelta(days=800), ends_at=NOW + timedelta(days=30)
        )
        when = NOW - timedelta(days=days_ago)
        return Order.objects.create(
            subscription=subscription,
            buyer=person,
            kind=OrderKind.RENEW,
            plan=plan,
            status=status,
            key=uuid.uuid4().hex,
            price=Decimal(amount),
            amount=Decimal(amount),
            currency=currency,
            base_ends_at=when,
            new_ends_at=when + timedelta(days=365),
            created_at=when,
            paid_at=when if status == OrderStatus.PAID else None,
        )

    return make


@pytest.fixture
def consenting(db):
    """consenting(**kwargs): a customer who allows profiling."""

    def make(**kwargs):
        person = UserFactory(**kwargs)
        consent.record(person=person, code=consent.PROFILING, granted=True, how="account")
        return person

    return make

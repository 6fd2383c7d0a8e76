"""Demo purchase history: every RFM group has members, and their moves over six months are on record.

The demo's customers are given the profiling consent and orders shaped after one group each (how
recently, how often, how much), with some spread; scoring is then run as it would have run at the
start of each of the last six months, so the segment report shows movement between groups.
"""

import random
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.accounts.roles import CUSTOMER, ROLE_GROUPS

MARKER = "demo-rfm-"
#: (group it is shaped after, share of the customers in %, days since the last order, orders,
#: days between orders, amount of each). Scores are fifths of the whole, so the shares (not the
#: number of customers) decide where each shape lands; they keep every shape clear of a fifth's
#: edge. Listed from the longest ago to the most recent buyer.
SHAPES = [
    ("lost", 7, 500, 2, 60, 400),
    ("cant_lose", 6, 330, 8, 3, 4500),
    ("at_risk", 8, 250, 4, 25, 1200),
    ("hibernating", 20, 230, 2, 60, 500),
    ("about_to_sleep", 8, 160, 1, 0, 300),
    ("needs_attention", 8, 150, 2, 90, 3900),
    ("loyal", 10, 40, 6, 45, 1500),
    ("promising", 7, 25, 1, 0, 700),
    ("potential_loyalists", 8, 12, 2, 60, 800),
    ("champions", 10, 5, 9, 35, 4200),
    ("new", 8, 2, 1, 0, 900),
]


def shape_for(position: float):
    """The shape of the customer at `position` (0–100, their place in the list)."""
    edge = 0
    for shape in SHAPES:
        edge += shape[1]
        if position < edge:
            return shape
    return SHAPES[-1]


MONTHS = 6


def seed_purchase_history(*, now: datetime | None = None) -> int:
    """Returns the number of orders written (0 when the history exists)."""
    from portal.membership.choices import OrderKind, OrderStatus
    from portal.membership.models import Order, Plan, Subscription
    from portal.privacy import consent

    from .rfm import score_all

    if Order.objects.filter(key__startswith=MARKER).exists():
        return 0
    plan = Plan.objects.filter(price__gt=0).order_by("price").first()
    if plan is None:
        return 0
    rng = random.Random(2027)
    now = now or timezone.now()
    group = Group.objects.get(name=ROLE_GROUPS[CUSTOMER])
    people = list(get_user_model().objects.filter(groups=group, is_active=True).order_by("pk"))
    orders = []
    for index, person in enumerate(people):
        consent.record(person=person, code=consent.PROFILING, granted=True, how="signup", at=person.date_joined)
        _code, _share, last, count, gap, amount = shape_for(100 * (index + 0.5) / len(people))
        last += rng.randint(0, 3)
        subscription = Subscription.objects.filter(holder=person).first() or Subscription.objects.create(
            holder=person,
            plan=plan,
            starts_at=now - timedelta(days=last + count * gap + 30),
            ends_at=now + timedelta(days=rng.randint(10, 200)),
        )
        for n in range(count):
            paid = now - timedelta(days=last + n * gap, hours=rng.randint(0, 12))
            price = Decimal(amount + rng.randint(-50, 50))
            orders.append(
                Order(
                    subscription=subscription,
                    buyer=person,
                    kind=OrderKind.RENEW,
                    plan=plan,
                    status=OrderStatus.PAID,
                    key=f"{MARKER}{uuid.uuid4().hex}",
                    price=price,
                    amount=price,
                    currency=plan.currency,
                    base_ends_at=paid,
                    new_ends_at=paid + timedelta(days=365),
                    created_at=paid,
                    paid_at=paid,
                )
            )
    Order.objects.bulk_create(orders)
    for months_ago in range(MONTHS, -1, -1):
        score_all(now=now - timedelta(days=30 * months_ago))
    seed_offers(now=now)
    return len(orders)


#: (title, pitch, link, RFM groups); the first is for every group, so every scored customer meets one.
OFFERS = [
    (
        "Live webinar: get more from your Wi-Fi",
        "Thirty minutes with our engineers on mesh placement, guest networks and updates. Members watch free.",
        "/help/",
        [code for code, *_rest in SHAPES],
    ),
    (
        "We miss you: a month on us",
        "Renew this month and we add a month to your membership.",
        "/me/subscriptions/",
        ["at_risk", "cant_lose", "hibernating", "lost"],
    ),
    (
        "Thank you: a priority onboarding call",
        "Our best customers get a call with an engineer to tune their network.",
        "/support/new/",
        ["champions", "loyal"],
    ),
]


def seed_offers(*, now: datetime) -> None:
    """Segments, offers and a draft win-back campaign; the offers have met the scored customers
    25 days ago, so the segment report has figures (renewals since, shown against held out)."""
    from .models import Campaign, CustomerScore, Offer, RFMGroup, Segment
    from .offers import offers_for
    from .segments import refresh_all

    Segment.objects.get_or_create(
        code="slovenian-speakers",
        defaults={"name": "Slovenian speakers", "conditions": [{"type": "language", "value": {"languages": ["sl"]}}]},
    )
    Segment.objects.get_or_create(
        code="renewing-soon",
        defaults={
            "name": "Renewing within 30 days",
            "conditions": [{"type": "renewal", "value": {"from_days": 0, "to_days": 30}}],
        },
    )
    refresh_all(now=now)
    for title, pitch, link, groups in OFFERS:
        offer, created = Offer.objects.get_or_create(title=title, defaults={"pitch": pitch, "link": link})
        if created:
            offer.rfm_groups.set(RFMGroup.objects.filter(code__in=groups))
    Campaign.objects.get_or_create(
        name="Win-back: at risk",
        defaults={
            "rfm_group": RFMGroup.objects.get(code="at_risk"),
            "subject": "We miss you: a month on us",
            "body": "You have been with us a long time. Renew this month and we add a month to your membership.",
            "link": "/me/subscriptions/",
        },
    )
    for score in CustomerScore.objects.select_related("person"):
        offers_for(score.person, now=now - timedelta(days=25))

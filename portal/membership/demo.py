"""Demo tiers and benefits (idempotent)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .benefits import import_codes
from .choices import BillingPeriod, RedeemBy, SupportPriority
from .models import Benefit, Plan, Subscription, Tier


def seed_plans() -> None:
    """Three plans; the demo customer holds the middle one."""
    from django.contrib.auth import get_user_model

    if Plan.objects.exists():
        return
    from tickets.models import SLAPolicy

    fast = SLAPolicy.objects.filter(is_active=True).order_by("first_reply_minutes").first()
    Plan.objects.create(name="Basic", code="basic", price=Decimal("0.00"), billing_period=BillingPeriod.YEAR)
    pro = Plan.objects.create(
        name="Pro",
        code="pro",
        price=Decimal("99.00"),
        billing_period=BillingPeriod.YEAR,
        support_priority=SupportPriority.NORMAL,
        tier=Tier.objects.filter(code="silver").first(),
    )
    Plan.objects.create(
        name="Business",
        code="business",
        price=Decimal("24.90"),
        billing_period=BillingPeriod.MONTH,
        sla_policy=fast,
        support_priority=SupportPriority.HIGH,
        tier=Tier.objects.filter(code="gold").first(),
    )
    customer = get_user_model().objects.filter(email="customer@example.com").first()
    if customer and not Subscription.objects.filter(holder=customer).exists():
        Subscription.objects.create(holder=customer, plan=pro, ends_at=timezone.now() + timedelta(days=20))


def seed_membership() -> None:
    seed_tiers()
    seed_plans()


def seed_tiers() -> None:
    if Tier.objects.exists():
        return
    basic = Tier.objects.create(name="Basic", code="basic", rank=1, description="Everyone who takes part.")
    silver = Tier.objects.create(
        name="Silver", code="silver", rank=2, min_points=100, description="100 points in the last 12 months."
    )
    gold = Tier.objects.create(
        name="Gold",
        code="gold",
        rank=3,
        min_points=300,
        min_tenure_days=180,
        description="300 points in the last 12 months and half a year with us.",
    )
    Benefit.objects.create(
        title="Early-access webinars",
        tier=basic,
        redeem_by=RedeemBy.LINK,
        link="https://example.com/webinars",
        description="Join the product team when they show what is coming next.",
        limit_per_member=5,
    )
    warranty = Benefit.objects.create(
        title="20% off an extended warranty",
        tier=silver,
        redeem_by=RedeemBy.CODE,
        description="A code for the shop, valid for any Northwind device.",
        valid_until=timezone.localdate() + timedelta(days=180),
    )
    import_codes(benefit=warranty, text="\n".join(f"NW-WARRANTY-{n:04d}" for n in range(1, 51)))
    Benefit.objects.create(
        title="Priority onboarding call",
        tier=gold,
        redeem_by=RedeemBy.CONTACT,
        description="An hour with a product specialist to set up your network.",
        contact_text="We will e-mail you within two working days to pick a time.",
    )

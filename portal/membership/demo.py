"""Demo plans, members in every state, orders and invoices, tiers, benefits (idempotent)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from . import ips
from .choices import BillingPeriod, PayBy, RedeemBy, SubscriptionStatus, SupportPriority
from .models import Benefit, MembershipSettings, Plan, Subscription, Tier
from .services import billing
from .services.benefits import import_codes


def seed_plans() -> None:
    """Three plans; the demo customer holds the middle one."""
    from django.contrib.auth import get_user_model

    if Plan.objects.exists():
        return
    Plan.objects.create(
        name="Basic", code="basic", price=Decimal("0.00"), currency="RSD", billing_period=BillingPeriod.YEAR
    )
    pro = Plan.objects.create(
        name="Pro",
        code="pro",
        price=Decimal("11900.00"),
        currency="RSD",
        billing_period=BillingPeriod.YEAR,
        support_priority=SupportPriority.NORMAL,
        tier=Tier.objects.filter(code="silver").first(),
    )
    Plan.objects.create(
        name="Business",
        code="business",
        price=Decimal("2900.00"),
        currency="RSD",
        billing_period=BillingPeriod.MONTH,
        support_priority=SupportPriority.HIGH,
        tier=Tier.objects.filter(code="gold").first(),
    )
    customer = get_user_model().objects.filter(email="customer@example.com").first()
    if customer and not Subscription.objects.filter(holder=customer).exists():
        # Joined a year ago and renewed once by bank transfer (a paid invoice and points); ends in about 20 days.
        now = timezone.now()
        subscription = Subscription.objects.create(
            holder=customer,
            plan=pro,
            starts_at=now - timedelta(days=345),
            ends_at=now - timedelta(days=345) + timedelta(days=1),
        )
        offer = billing.quote(subscription, pro, now=now - timedelta(days=345))
        order = billing.place_order(
            subscription=subscription,
            plan=pro,
            user=customer,
            pay_by=PayBy.BANK,
            seen_amount=offer.amount,
            now=now - timedelta(days=345),
        )
        billing.settle(order, now=now - timedelta(days=343))


#: (e-mail, name, plan, days until the end (negative: ended), renews automatically, status)
DEMO_MEMBERS = [
    ("member.active@example.com", "Milan Member", "business", 25, True, SubscriptionStatus.ACTIVE),
    ("member.ending@example.com", "Jelena Ending", "pro", 120, False, SubscriptionStatus.ACTIVE),
    ("member.grace@example.com", "Petar Grace", "pro", -5, True, SubscriptionStatus.ACTIVE),
    ("member.expired@example.com", "Nina Expired", "pro", -60, True, SubscriptionStatus.ACTIVE),
    ("member.cancelled@example.com", "Stefan Cancelled", "business", -10, False, SubscriptionStatus.CANCELLED),
]


def seed_members(password: str) -> None:
    """One member in every subscription state, for trying the pages and the reminders."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from portal.accounts.roles import CUSTOMER, ROLE_GROUPS

    User = get_user_model()
    now = timezone.now()
    for email, name, code, days, auto_renew, status in DEMO_MEMBERS:
        if User.objects.filter(email__iexact=email).exists():
            continue
        user = User(email=email, display_name=name, date_joined=now - timedelta(days=400))
        user.set_password(password)
        user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[CUSTOMER]))
        Subscription.objects.create(
            holder=user,
            plan=Plan.objects.get(code=code),
            starts_at=now - timedelta(days=300),
            ends_at=now + timedelta(days=days),
            auto_renew=auto_renew,
            status=status,
        )


def seed_membership(password: str = "") -> None:
    rules = MembershipSettings.load()
    if not rules.bank_account:
        rules.payee_name = "Northwind d.o.o."
        rules.payee_address = "Bulevar Mihajla Pupina 10, Beograd"
        rules.bank_account = ips.account_with_control("160", "12345")
        rules.save()
    seed_tiers()
    seed_plans()
    if password:
        seed_members(password)


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

"""Subscriptions: who is a member, and until when.

A subscription belongs to one person or to an organisation (then every member of the
organisation is covered). Plans, renewals and payments build on this model.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from payments import PurchasedItem
from payments.core import get_base_url
from payments.models import BasePayment
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal.text import ascii_digits

from .choices import (
    BillingPeriod,
    InvoiceStatus,
    OrderKind,
    OrderStatus,
    PayBy,
    RedeemBy,
    SubscriptionStatus,
    SupportPriority,
)


class SubscriptionQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(status=SubscriptionStatus.ACTIVE, starts_at__lte=at, ends_at__gt=at)

    def covering_holder(self, subscription):
        """Subscriptions of the same person or organisation as this one."""
        if subscription.holder_id:
            return self.filter(holder_id=subscription.holder_id)
        return self.filter(organisation_id=subscription.organisation_id)

    def covering(self, user):
        """Subscriptions that cover this person: their own or their organisation's."""
        condition = Q(holder=user)
        if user.organisation_id:
            condition |= Q(organisation_id=user.organisation_id)
        return self.filter(condition)


class Plan(models.Model):
    """What members buy: a price per period and what it entitles them to in support and benefits."""

    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    billing_period = models.CharField(
        _("billing period"), max_length=10, choices=BillingPeriod.choices, default=BillingPeriod.YEAR
    )
    support_priority = models.CharField(
        _("support priority"), max_length=10, choices=SupportPriority.choices, default="", blank=True
    )
    tier = models.ForeignKey(
        "Tier", verbose_name=_("tier included"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("offered"), default=True, help_text=_("Retired plans keep their members."))

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("price"),
        FieldPanel("currency"),
        FieldPanel("billing_period"),
        FieldPanel("support_priority"),
        FieldPanel("tier"),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["price", "name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.name} ({self.price} {self.currency})"


class Subscription(models.Model):
    """A period of membership for a person or an organisation. Invariant: exactly one holder."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="subscriptions"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    auto_renew = models.BooleanField(_("renews automatically"), default=True)
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"))
    credit = models.DecimalField(
        _("credit"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("Owed to the holder after a downgrade; taken off the next order."),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(holder__isnull=False, organisation__isnull=True)
                | Q(holder__isnull=True, organisation__isnull=False),
                name="membership_subscription_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="membership_subscription_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder or self.organisation} until {self.ends_at:%Y-%m-%d}"


class PointsEntry(models.Model):
    """One line of a person's points ledger. Append-only: a correction is a new line.

    Every app that gives or takes points writes here through `portal.membership.points`:
    community contributions now, purchases and renewals with plans. `source` names what the
    points are for (``community:vote:12:7``, ``order:2026-0042``); the sum of a source's lines
    is what that source is worth now, which makes awarding idempotent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries", verbose_name=_("person")
    )
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=40)
    source = models.CharField(_("source"), max_length=120)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["user", "source"], name="membership_points_source"),
            models.Index(fields=["created_at", "user"], name="membership_points_period"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.points:+d} {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Points entries are never changed; append a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Points entries are never deleted; append a correction instead.")


class Tier(models.Model):
    """A member level (Basic, Silver, Gold) reached by points over the last 12 months and/or tenure."""

    name = models.CharField(_("name"), max_length=60)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0, help_text=_("Higher ranks are better tiers."))
    min_points = models.PositiveIntegerField(_("points in the last 12 months"), default=0)
    min_tenure_days = models.PositiveIntegerField(_("days since joining"), default=0)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("rank"),
        FieldPanel("min_points"),
        FieldPanel("min_tenure_days"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return self.name


class BenefitQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(is_active=True).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        )


class Benefit(models.Model):
    """Something members of a tier (or better) may have: a code from a pool, a link, or a way to ask."""

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("from tier"),
        on_delete=models.PROTECT,
        related_name="benefits",
        help_text=_("Members of this tier and the tiers above it see the benefit."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    redeem_by = models.CharField(_("how to redeem"), max_length=10, choices=RedeemBy.choices, default=RedeemBy.CODE)
    link = models.URLField(_("link"), blank=True)
    contact_text = models.CharField(_("how to ask for it"), max_length=255, blank=True)
    limit_per_member = models.PositiveSmallIntegerField(_("times a member may redeem it"), default=1)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = BenefitQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("tier"),
        FieldPanel("valid_from"),
        FieldPanel("valid_until"),
        FieldPanel("redeem_by"),
        FieldPanel("link"),
        FieldPanel("contact_text"),
        FieldPanel("limit_per_member"),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["tier__rank", "title"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.redeem_by == RedeemBy.LINK and not self.link:
            raise ValidationError({"link": _("Give the link members follow.")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end is before the start.")})


class BenefitCode(models.Model):
    """One code of a benefit's pool, handed to exactly one member."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=100)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["benefit", "code"], name="membership_code_once_per_benefit")]
        indexes = [models.Index(fields=["benefit", "redeemed_by"], name="membership_code_free")]

    def __str__(self) -> str:
        return f"{self.benefit_id}: {self.code}"


class Redemption(models.Model):
    """A member took a benefit (with the code they were given, when there was one)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions")
    code = models.OneToOneField(BenefitCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.benefit_id}"


@register_setting(icon="tick-inverse")
class MembershipSettings(BaseGenericSetting):
    """Renewal reminders and the grace period, tuned by admins."""

    reminder_days = models.CharField(
        _("remind this many days before the end"),
        max_length=60,
        default="30, 7, 1",
        help_text=_("Comma-separated, e.g. 30, 7, 1."),
    )
    grace_days = models.PositiveSmallIntegerField(_("grace period after the end (days)"), default=14)
    win_back = models.BooleanField(_("write once after a membership lapses"), default=True)
    points_per_100 = models.PositiveSmallIntegerField(
        _("points for every 100 paid"), default=1, help_text=_("In the plan's currency; 0 gives no points.")
    )
    payee_name = models.CharField(_("payee for bank transfers"), max_length=70, blank=True)
    payee_address = models.CharField(_("payee address"), max_length=140, blank=True)
    bank_account = models.CharField(
        _("bank account"),
        max_length=30,
        blank=True,
        help_text=_("Serbian account number (e.g. 160-0000000012345-67); empty offers no bank transfer."),
    )
    payment_code = models.CharField(
        _("payment code"), max_length=3, default="221", help_text=_("The three-digit code printed in the IPS QR code.")
    )
    invoice_due_days = models.PositiveSmallIntegerField(_("days to pay a bank-transfer invoice"), default=8)

    class Meta:
        verbose_name = _("membership settings")

    @property
    def bank_account_display(self) -> str:
        from .ips import format_account

        return format_account(self.bank_account) if len(self.bank_account) == 18 else self.bank_account

    @property
    def reminder_leads(self) -> list[int]:
        return sorted(
            {int(part) for part in self.reminder_days.replace(" ", "").split(",") if ascii_digits(part)}, reverse=True
        )

    def clean(self):
        from django.core.exceptions import ValidationError

        parts = [part.strip() for part in self.reminder_days.split(",") if part.strip()]
        if any(not ascii_digits(part) for part in parts):
            raise ValidationError({"reminder_days": _("Enter whole days separated by commas.")})
        if self.bank_account:
            from .ips import IPSError, normalise_account

            try:
                self.bank_account = normalise_account(self.bank_account)
            except IPSError as error:
                raise ValidationError({"bank_account": str(error)}) from error
        from .ips import IPSError, check_payment_code, fit_text

        try:
            check_payment_code(self.payment_code)
        except IPSError as error:
            raise ValidationError({"payment_code": str(error)}) from error
        if self.bank_account and not fit_text(self.payee_name, 70):
            raise ValidationError({"payee_name": _("Name the payee: the IPS QR code cannot be made without it.")})


class RenewalReminder(models.Model):
    """A reminder (or the win-back message, days = -1) sent for one period of one subscription: once."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="reminders")
    days = models.SmallIntegerField()
    period_end = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "days", "period_end"], name="membership_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.days}"


class Order(models.Model):
    """One purchase for a subscription: a renewal, an upgrade or a downgrade, paid once.

    `key` is the idempotency key: the same change of the same period by the same subscription
    (a double click, two tabs, a retried gateway call) always finds this one order.
    """

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="orders"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=OrderKind.choices)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    pay_by = models.CharField(_("paid by"), max_length=10, choices=PayBy.choices, default=PayBy.CARD)
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    credit_used = models.DecimalField(_("credit used"), max_digits=10, decimal_places=2, default=0)
    credit_given = models.DecimalField(_("credit given"), max_digits=10, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    base_ends_at = models.DateTimeField(_("period end it changes"))
    new_ends_at = models.DateTimeField(_("period end after it"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="membership_order_amount")]

    def __str__(self) -> str:
        return str(_("Order %(number)s") % {"number": self.pk})


class Payment(BasePayment):
    """One attempt to pay an order through a gateway (django-payments)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def get_purchased_items(self):
        yield PurchasedItem(
            name=str(self.order.plan.name),
            sku=self.order.plan.code,
            quantity=1,
            price=self.total,
            currency=self.currency,
        )

    def get_success_url(self) -> str:
        return get_base_url() + reverse("membership:order", args=[self.order_id])

    def get_failure_url(self) -> str:
        return get_base_url() + reverse("membership:order", args=[self.order_id])


class InvoiceSequence(models.Model):
    """The last invoice number of a year; incremented inside the issuing transaction: no gaps."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Invoice(models.Model):
    """The bill for one order, numbered without gaps per year. Its buyer and lines are copied in,
    so it reads the same after a plan or a name changes."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DUE)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_email = models.EmailField(_("e-mail"), blank=True)
    lines = models.JSONField(default=list)
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("payment reference"), max_length=30)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="membership_invoice_gap_free")]

    def __str__(self) -> str:
        return self.number


class BankTransfer(models.Model):
    """A line of an imported bank statement: imported once, matched to an order by its reference."""

    transaction_id = models.CharField(_("bank transaction"), max_length=120, unique=True)
    booked_on = models.DateField(_("booked on"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers")
    outcome = models.CharField(_("outcome"), max_length=200)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("bank transfer")
        verbose_name_plural = _("bank transfers")

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.reference}"


class SubscriptionEvent(models.Model):
    """The audit trail of a subscription: every change of its state, who made it and why."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="events")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("change"), max_length=30)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscription event")
        verbose_name_plural = _("subscription events")

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.kind}"

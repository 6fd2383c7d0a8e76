from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")


class RedeemBy(models.TextChoices):
    CODE = "code", _("A unique code")
    LINK = "link", _("A link")
    CONTACT = "contact", _("Contact us")


class BillingPeriod(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class SupportPriority(models.TextChoices):
    """The lowest priority a plan's support requests get (the same codes as support's priorities)."""

    NONE = "", _("As the customer's impact says")
    NORMAL = "normal", _("At least normal")
    HIGH = "high", _("At least high")
    URGENT = "urgent", _("Urgent")


class OrderKind(models.TextChoices):
    RENEW = "renew", _("Renewal")
    UPGRADE = "upgrade", _("Upgrade")
    DOWNGRADE = "downgrade", _("Downgrade")


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")


class PayBy(models.TextChoices):
    CARD = "card", _("Card")
    BANK = "bank", _("Bank transfer")
    NONE = "none", _("Nothing to pay")


class InvoiceStatus(models.TextChoices):
    DUE = "due", _("Awaiting payment")
    PAID = "paid", _("Paid")
    VOID = "void", _("Cancelled")


class PointsReason(models.TextChoices):
    PURCHASE = "purchase", _("Membership purchase")
    ADJUSTMENT = "adjustment", _("Adjusted by staff")

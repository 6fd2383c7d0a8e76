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

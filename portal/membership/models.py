"""Subscriptions: who is a member, and until when.

A subscription belongs to one person or to an organisation (then every member of the
organisation is covered). Plans, renewals and payments build on this model.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import SubscriptionStatus


class SubscriptionQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(status=SubscriptionStatus.ACTIVE, starts_at__lte=at, ends_at__gt=at)

    def covering(self, user):
        """Subscriptions that cover this person: their own or their organisation's."""
        condition = Q(holder=user)
        if user.organisation_id:
            condition |= Q(organisation_id=user.organisation_id)
        return self.filter(condition)


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
    status = models.CharField(
        _("status"), max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"))

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

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

"""Subscriptions as the member sees them: status in their words, auto-renew, cancelling at period
end, and the renewal reminders (30, 7 and 1 days before, once each; a win-back after lapse)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.signals import may_mail
from portal.notifications.services import notify

from ..choices import SubscriptionStatus
from ..models import MembershipSettings, RenewalReminder, Subscription, SubscriptionEvent
from ..permissions import can_manage

EXPIRING_SOON = timedelta(days=30)
STATUS_LABELS = {
    "active": gettext_lazy("Active"),
    "expiring": gettext_lazy("Expiring soon"),
    "grace": gettext_lazy("In grace period"),
    "expired": gettext_lazy("Expired"),
    "cancelled": gettext_lazy("Cancelled"),
    "ending": gettext_lazy("Ends at period end"),
}


class SubscriptionError(Exception):
    pass


@dataclass
class Shown:
    subscription: Subscription
    status: str
    label: str
    can_manage: bool
    choices: list = field(default_factory=list)  # plans the member may move to


def state(subscription: Subscription, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if subscription.status == SubscriptionStatus.CANCELLED:
        return "cancelled"
    grace = timedelta(days=MembershipSettings.load().grace_days)
    if subscription.ends_at <= now:
        return "grace" if now < subscription.ends_at + grace else "expired"
    if not subscription.auto_renew:
        return "ending"
    if subscription.ends_at - now <= EXPIRING_SOON:
        return "expiring"
    return "active"


def for_member(user, *, now: datetime | None = None) -> list[Shown]:
    """The person's own subscriptions and their organisation's, newest period first."""
    condition = Q(holder=user)
    if user.organisation_id:
        condition |= Q(organisation_id=user.organisation_id)
    subscriptions = Subscription.objects.filter(condition).select_related("plan", "organisation").order_by("-ends_at")
    shown = []
    for subscription in subscriptions[:10]:
        status = state(subscription, now=now)
        shown.append(Shown(subscription, status, str(STATUS_LABELS[status]), can_manage(user, subscription)))
    return shown


@transaction.atomic
def set_auto_renew(*, subscription: Subscription, user, on: bool) -> Subscription:
    """Turn renewal on or off; off means the membership ends at the end of the period."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not can_manage(user, subscription):
        raise SubscriptionError(_("Only the holder, or an admin of the organisation, can change this subscription."))
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise SubscriptionError(_("This subscription is not active."))
    if subscription.auto_renew != on:
        subscription.auto_renew = on
        subscription.save(update_fields=["auto_renew"])
        SubscriptionEvent.objects.create(
            subscription=subscription, actor=user, kind="renewal_on" if on else "renewal_off"
        )
    return subscription


def _people_to_tell(subscription: Subscription) -> list:
    if subscription.holder_id:
        return [subscription.holder] if subscription.holder.is_active else []
    return list(subscription.organisation.members.filter(is_organisation_admin=True, is_active=True))


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind holders before their period ends (each configured lead once per period), and write once
    after a lapse. Safe to run as often as wanted. Returns the reminders sent."""
    now = now or timezone.now()
    rules = MembershipSettings.load()
    sent = 0
    leads = rules.reminder_leads
    horizon = now + timedelta(days=max(leads, default=0))
    due = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, ends_at__gt=now, ends_at__lte=horizon)
    for subscription in due.select_related("holder", "organisation", "plan"):
        left = subscription.ends_at - now
        # The closest lead already reached, and only that one: a late run does not send three at once.
        reached = [days for days in leads if left <= timedelta(days=days)]
        if reached and _remind(subscription, min(reached), now):
            sent += 1
    if rules.win_back:
        lapsed = Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE,
            ends_at__lte=now - timedelta(days=rules.grace_days),
            ends_at__gt=now - timedelta(days=rules.grace_days + 30),
        )
        for subscription in lapsed.select_related("holder", "organisation", "plan"):
            renewed = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, ends_at__gt=now)
            if not renewed.covering_holder(subscription).exists():
                sent += _remind(subscription, -1, now)
    return sent


def _remind(subscription: Subscription, days: int, now: datetime) -> bool:
    try:
        with transaction.atomic():
            RenewalReminder.objects.create(subscription=subscription, days=days, period_end=subscription.ends_at)
    except IntegrityError:
        return False  # sent before
    # Each person reads the end date in their own time zone and language.
    groups: dict[tuple[str, str], list] = {}
    for person in _people_to_tell(subscription):
        if days < 0 and not may_mail(person, "newsletter"):
            continue  # a win-back is marketing: only for people who allow it
        groups.setdefault((person.locale, person.time_zone), []).append(person)
    url = reverse("membership:subscriptions")
    order = None
    if days >= 0 and subscription.auto_renew:
        from .billing import prepare_renewal

        order = prepare_renewal(subscription, now=now)
        if order is not None:
            url = reverse("membership:order", args=[order.pk])
    for (language, zone), group in groups.items():
        with translation.override(language):
            if days < 0:
                title = _("We miss you: your membership has ended")
            elif order is not None and order.status == "paid":
                end = timezone.localtime(order.new_ends_at, ZoneInfo(zone)).strftime("%Y-%m-%d")
                title = _("Your membership was renewed until %(date)s") % {"date": end}
            elif order is not None:
                end = timezone.localtime(subscription.ends_at, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
                title = _("Your membership renews on %(date)s: the invoice is ready") % {"date": end}
            else:
                end = timezone.localtime(subscription.ends_at, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
                title = _("Your membership ends on %(date)s") % {"date": end}
            if days < 0:
                notify(recipients=group, kind="membership.win_back", title=title, url=url, purpose="newsletter")
            else:
                notify(recipients=group, kind="membership.reminder", title=title, url=url)
    return True

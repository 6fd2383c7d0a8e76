"""What a person is entitled to as a member. Other apps ask here, never the models."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from portal.cache_versions import ACCESS, versions_with

from .choices import SubscriptionStatus
from .models import Subscription

#: The longest a person's membership windows are trusted without a version change.
WINDOWS_SECONDS = 300


def is_member(user) -> bool:
    """True while the person, or their organisation, has an active subscription."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_portal_is_member", None)
    if cached is None:
        now = timezone.now()
        cached = any(starts <= now < ends for starts, ends in membership_windows(user))
        user._portal_is_member = cached  # asked once per request, however often
    return cached


def membership_windows(user) -> tuple:
    """(starts, ends) of every active subscription covering the person that has not ended, kept in
    the shared cache under the access version (a subscription saved or deleted starts a new one).
    Windows, not a yes or no, so a subscription that starts or ends needs no change to be seen."""
    key = f"membership-windows:{user.pk}:{user.organisation_id or 0}"
    version, cached = versions_with([ACCESS], [key])
    entry = cached.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return entry[1]
    windows = tuple(
        Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, ends_at__gt=timezone.now())
        .covering(user)
        .values_list("starts_at", "ends_at")
    )
    cache.set(key, (version, windows), WINDOWS_SECONDS)
    return windows


@dataclass(frozen=True)
class SupportEntitlement:
    """What a person's membership gives them when they file a support request.

    Support asks for this when a request is filed: the SLA policy support keeps for the plan wins
    over the policies' conditions, and the plan's priority is the lowest the request gets.
    Membership knows nothing of SLA policies; support links its policies to plans.
    """

    is_member: bool
    plan_id: int | None = None
    plan_code: str = ""
    minimum_priority: str = ""


def current_subscription(user):
    """The active subscription covering the person, their own before their organisation's, best plan first."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Subscription.objects.active()
        .covering(user)
        .select_related("plan")
        .order_by(F("organisation_id").asc(nulls_first=True), F("plan__price").desc(nulls_last=True), "-ends_at")
        .first()
    )


def support_entitlement(user) -> SupportEntitlement:
    subscription = current_subscription(user)
    if subscription is None:
        return SupportEntitlement(is_member=False)
    plan = subscription.plan
    if plan is None:
        return SupportEntitlement(is_member=True)
    return SupportEntitlement(
        is_member=True, plan_id=plan.pk, plan_code=plan.code, minimum_priority=plan.support_priority
    )

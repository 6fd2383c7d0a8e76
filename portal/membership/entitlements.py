"""What a person is entitled to as a member. Other apps ask here, never the models."""

from dataclasses import dataclass

from django.db.models import F

from .models import Subscription


def is_member(user) -> bool:
    """True while the person, or their organisation, has an active subscription."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_portal_is_member", None)
    if cached is None:
        cached = Subscription.objects.active().covering(user).exists()
        user._portal_is_member = cached  # one query per request, however often it is asked
    return cached


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

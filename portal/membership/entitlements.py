"""What a person is entitled to as a member. Other apps ask here, never the models."""

from dataclasses import dataclass

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

    Support asks for this when a request is filed and uses it to pick the SLA policy and the
    priority. Plans will fill in `plan_code` and `minimum_priority`; until then membership alone
    counts.
    """

    is_member: bool
    plan_code: str = ""
    minimum_priority: str = ""


def support_entitlement(user) -> SupportEntitlement:
    return SupportEntitlement(is_member=is_member(user))

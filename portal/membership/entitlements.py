"""What a person is entitled to as a member. Other apps ask here, never the models."""

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

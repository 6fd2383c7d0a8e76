"""Who may read what in the knowledge base."""

from portal.membership.entitlements import is_member

from .choices import Audience


def allowed_audiences(user) -> list[str]:
    """The article audiences this reader belongs to. Staff who work in the admin see all."""
    if user is None or not user.is_authenticated:
        return [Audience.EVERYONE]
    if user.has_perm("wagtailadmin.access_admin") or is_member(user):
        return [Audience.EVERYONE, Audience.CUSTOMERS, Audience.MEMBERS]
    return [Audience.EVERYONE, Audience.CUSTOMERS]

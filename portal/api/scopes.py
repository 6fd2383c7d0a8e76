"""What an API caller may reach: scopes per area, granted by an OAuth token, a personal token, or
(all of them, as the person) the site's own session."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

#: What each scope lets a token do, as people read it (the OAuth consent page reads the settings').
LABELS = {
    "kb:read": _("Read help articles and FAQs"),
    "community:read": _("Read the community"),
    "community:write": _("Post in the community as you"),
    "requests:read": _("Read your support requests"),
    "requests:write": _("File and answer your support requests"),
    "desk": _("Work support requests as an agent"),
    "members:read": _("Read customers, organisations, subscriptions, orders and points"),
    "members:write": _("Change customer records"),
    "webhooks": _("Manage webhook subscriptions"),
}

#: Scopes a personal access token can carry (OpenID Connect's are for signing in, not for the API).
API_SCOPES = [name for name in settings.OAUTH2_PROVIDER["SCOPES"] if ":" in name or name in {"desk", "webhooks"}]
#: Scopes only staff can use (an agent for the desk; admins for customer records and webhooks).
STAFF_SCOPES = {"desk", "members:read", "members:write", "webhooks"}


def granted(request) -> set[str]:
    """The scopes this request carries."""
    auth = getattr(request, "auth", None)
    if auth is None:
        # The session: the person themselves, in their own browser.
        return set(API_SCOPES) if request.user.is_authenticated else set()
    if hasattr(auth, "scope") and isinstance(auth.scope, str):  # an OAuth 2 access token
        return set(auth.scope.split())
    return set(getattr(auth, "scopes", []) or [])


def descriptions() -> list[tuple[str, str]]:
    return [(name, LABELS[name]) for name in API_SCOPES]

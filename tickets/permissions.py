"""Who may do what to a support request, beyond reading it (reading: `selectors.access_ticket`)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal.ratelimit import allow


def can_change_cc(user, ticket) -> bool:
    """Only the person who filed the request chooses who else is kept informed."""
    return ticket.requester_id == getattr(user, "pk", None)


def check_change_cc_permission(user, ticket) -> None:
    if not can_change_cc(user, ticket):
        raise PermissionDenied(_("Only the person who filed this request can change who is kept informed."))


def may_file_now(user, *, per_hour: int) -> bool:
    """Counts one filing: a customer files at most `per_hour` requests an hour on the portal (staff
    filing for customers are not counted). Each filed request mails the agents."""
    if user.has_perm("tickets.change_ticket"):
        return True
    return allow(f"support:file:{user.pk}", limit=per_hour, seconds=3600)

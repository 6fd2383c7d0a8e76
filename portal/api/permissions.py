"""Who may call what: the scope a token carries for the view's area, and the person's role.

The object rules are the pages' own (tickets.selectors.access_ticket, community.access,
knowledge_base.permissions …): a view here reads through them, so the API never shows what the
page would not.
"""

from rest_framework import permissions

from portal.accounts.roles import is_staff_member

from .scopes import STAFF_SCOPES, granted

SAFE = permissions.SAFE_METHODS


def needed_scope(view, method: str) -> str | None:
    """`view.scopes` is {"read": "kb:read", "write": "community:write"}; None: nothing needed."""
    scopes = getattr(view, "scopes", {})
    return scopes.get("read" if method in SAFE else "write")


class ScopedAccess(permissions.BasePermission):
    """Anonymous callers may read what is public (when the view says so); everyone else needs the
    view's scope, and staff scopes need a staff role."""

    message = "This token does not carry the scope this call needs."

    def has_permission(self, request, view) -> bool:
        scope = needed_scope(view, request.method)
        if scope is None:
            return True
        user = request.user
        if not getattr(user, "is_authenticated", False):
            return request.method in SAFE and getattr(view, "public_read", False)
        if scope not in granted(request):
            return False
        if scope in STAFF_SCOPES and not is_staff_member(user):
            self.message = "This call is for staff."
            return False
        return True


class IsAgent(permissions.BasePermission):
    message = "Only the support team works the desk."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("tickets.change_ticket")


class IsCustomerAdmin(permissions.BasePermission):
    """Customer records (people, organisations, subscriptions, orders): the roles that see them in the admin."""

    message = "Customer records are for admins."

    def has_permission(self, request, view) -> bool:
        model = getattr(view, "record_model", None)
        if model is None:
            return request.user.is_superuser
        label = f"{model._meta.app_label}.{'view' if request.method in SAFE else 'change'}_{model._meta.model_name}"
        return request.user.has_perm(label)

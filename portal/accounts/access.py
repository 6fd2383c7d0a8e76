"""What a signed-in person may do: their groups and model permissions, read once and shared.

Every signed-in page asks who the reader is (a moderator? staff? allowed into the admin?). The
answer comes from three tables that change rarely (groups, permissions and who holds which), so it
is kept in the default cache under the `access` version (portal.cache_versions). A change to a
group or a permission starts a new version (`changed`), and a change to some people's groups or
permissions drops their entries (`forget`; both connected in portal.accounts.signals), so the next
request in every worker reads them again. The person's
own row (active, superuser, organisation) is read afresh on every request by Django's
authentication and is never part of what is kept. An entry lives at most `ACCESS_SECONDS`, for a
write that passes signals by (rows put straight into a through table).

Django's permission checks read from here too (`PermissionBackend`, first in
AUTHENTICATION_BACKENDS), so `user.has_perm()` asks the database once per person and version,
not on every request.
"""

from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.cache_versions import ACCESS, bump, versions_with

#: The longest an entry is trusted without a version change.
ACCESS_SECONDS = 300
#: The attribute of the user object that holds the answer for the rest of the request.
MEMO = "portal_access"


@dataclass(frozen=True)
class Access:
    #: Names of the person's groups (portal.accounts.roles maps them to role codes).
    groups: frozenset[str]
    #: "app_label.codename" of every permission the person holds directly or through a group.
    permissions: frozenset[str]


NOBODY = Access(groups=frozenset(), permissions=frozenset())


def key_for(user) -> str:
    return f"access:{user.pk}"


def of(user) -> Access:
    """The person's groups and permissions: at most one cache read per request, a few queries
    per person and version."""
    if not getattr(user, "is_authenticated", False):
        return NOBODY
    found = getattr(user, MEMO, None)
    if found is None:
        key = key_for(user)
        version, cached = versions_with([ACCESS], [key])
        entry = cached.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
            found = entry[1]
        else:
            found = read(user)
            cache.set(key, (version, found), ACCESS_SECONDS)
        setattr(user, MEMO, found)
    return found


def read(user) -> Access:
    """From the database, ignoring the cache: the groups, and Django's own answer for permissions."""
    backend = ModelBackend()
    permissions = backend.get_user_permissions(user) | backend.get_group_permissions(user)
    return Access(groups=frozenset(user.groups.values_list("name", flat=True)), permissions=frozenset(permissions))


def forget(user_ids) -> None:
    """Read these people's access again on their next request: now, and once more after the
    commit (a request that read the old rows during the transaction may have kept them)."""
    keys = [f"access:{user_id}" for user_id in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def changed(**kwargs) -> None:
    """Start a new access version now and once more after the commit: a request that read the
    old rows during the transaction must not keep them under the version that follows."""
    bump(ACCESS)
    transaction.on_commit(lambda: bump(ACCESS))


class PermissionBackend:
    """Django's model permissions, each person's set read through `of`. Listed first, it gives
    the final answer (Django stops at PermissionDenied), so the authentication backends listed
    after it (ModelBackend, allauth's) are never asked and never read the tables again.

    It authenticates nobody and loads nobody (no `get_user`), so sign-in and the sessions that
    name the other backends work as before. Superusers hold every permission: Django's
    User.has_perm decides that before asking any backend."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return frozenset()
        return of(user_obj).permissions

    def has_perm(self, user_obj, perm, obj=None):
        if obj is not None:
            return False  # permissions on one object are other backends' business
        if perm in self.get_all_permissions(user_obj):
            return True
        raise PermissionDenied

    def has_module_perms(self, user_obj, app_label):
        prefix = f"{app_label}."
        if any(permission.startswith(prefix) for permission in self.get_all_permissions(user_obj)):
            return True
        raise PermissionDenied

"""Authentication backends that read the signed-in person from the cache.

Every signed-in request loads its user; with these backends that is a cache read instead of a
query. The cached copy is dropped whenever the user row is saved or deleted (password, active flag,
organisation, language…), and kept at most `USER_CACHE_SECONDS` besides. Django still checks the
session's password hash against the copy, so a changed password signs other sessions out.

A shared cache (Redis) hears of every change at once. A process's own memory (no REDIS_URL) does
not hear of changes made by other processes, so there the copy is kept only
`LOCAL_USER_CACHE_SECONDS`: a deactivated account is refused everywhere within that time.
"""

from allauth.account import auth_backends as allauth_backends
from django.conf import settings
from django.contrib.auth import backends as django_backends
from django.core.cache import cache

USER_CACHE_SECONDS = 300
LOCAL_USER_CACHE_SECONDS = 10


def user_cache_key(user_id) -> str:
    return f"accounts:user:{user_id}"


def user_cache_seconds() -> int:
    shared = not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    return USER_CACHE_SECONDS if shared else LOCAL_USER_CACHE_SECONDS


def forget_user(user_id) -> None:
    cache.delete(user_cache_key(user_id))


class CachedUserMixin:
    def get_user(self, user_id):
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, user_cache_seconds())
            return user
        return user if self.user_can_authenticate(user) else None


class ModelBackend(CachedUserMixin, django_backends.ModelBackend):
    """Django's model backend (staff in the admin)."""


class AuthenticationBackend(CachedUserMixin, allauth_backends.AuthenticationBackend):
    """allauth's backend (e-mail and password on the portal)."""

"""Writes about people: roles, preferences."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import CUSTOMER, ROLE_GROUPS


@transaction.atomic
def grant_role(*, user: User, role: str) -> None:
    """Add a person to a role's group. Idempotent."""
    group = Group.objects.get(name=ROLE_GROUPS[role])
    user.groups.add(group)


@transaction.atomic
def on_signed_up(*, user: User, language: str = "") -> None:
    """A new sign-up is a customer and keeps the language they signed up in."""
    grant_role(user=user, role=CUSTOMER)
    known = {code for code, _name in settings.LANGUAGES}
    if language in known and user.locale != language:
        user.locale = language
        user.save(update_fields=["locale"])


def set_language_preference(*, user: User, language: str) -> None:
    """Remember a signed-in person's interface language."""
    if user.locale != language:
        user.locale = language
        user.save(update_fields=["locale"])

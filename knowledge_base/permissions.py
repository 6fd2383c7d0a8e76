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


def readers_among(users, audience: str) -> list:
    """The people in `users` who may read an article with this audience, in a fixed number of queries."""
    users = [user for user in users if user.is_authenticated]
    if audience != Audience.MEMBERS:
        return users
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from portal.membership.models import Subscription

    ids = {user.pk for user in users}
    organisations = {user.organisation_id for user in users if user.organisation_id}
    covered = Subscription.objects.active().filter(Q(holder_id__in=ids) | Q(organisation_id__in=organisations))
    member_people = set(covered.exclude(holder__isnull=True).values_list("holder_id", flat=True))
    member_organisations = set(covered.exclude(organisation__isnull=True).values_list("organisation_id", flat=True))
    staff = set(
        get_user_model()
        .objects.filter(pk__in=ids)
        .filter(
            Q(is_superuser=True)
            | Q(
                groups__permissions__codename="access_admin",
                groups__permissions__content_type__app_label="wagtailadmin",
            )
            | Q(user_permissions__codename="access_admin")
        )
        .values_list("pk", flat=True)
    )
    return [
        user
        for user in users
        if user.pk in member_people or user.pk in staff or user.organisation_id in member_organisations
    ]

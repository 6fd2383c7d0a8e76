"""Who may read, post in and moderate what. Every view and service asks here."""

from django.core.cache import cache
from django.db.models import Q
from django.http import Http404

from portal.accounts.roles import is_staff_member
from portal.membership.entitlements import is_member

from .choices import Audience, Posting
from .models import Category

MODERATE_ALL = "community.moderate_topic"


def is_staff(user) -> bool:
    """Moderators, agents, editors and admins (asked once per request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_community_is_staff", None)
    if cached is None:
        cached = is_staff_member(user)
        user._community_is_staff = cached
    return cached


#: Every answer readable_audiences gives.
AUDIENCE_SETS = (
    (Audience.EVERYONE,),
    (Audience.EVERYONE, Audience.SIGNED_IN),
    (Audience.EVERYONE, Audience.SIGNED_IN, Audience.MEMBERS),
)


def readable_audiences(user) -> tuple[str, ...]:
    if not getattr(user, "is_authenticated", False):
        return AUDIENCE_SETS[0]
    if is_staff(user) or is_member(user):
        return AUDIENCE_SETS[2]
    return AUDIENCE_SETS[1]


def readable_categories_q(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}audience__in": list(readable_audiences(user)), f"{prefix}is_active": True})


def readable_categories(user):
    return Category.objects.filter(readable_categories_q(user))


def can_read(user, category: Category) -> bool:
    return category.is_active and category.audience in readable_audiences(user)


def may_post_in(user, category: Category) -> bool:
    """The category's posting rule (sanctions and trust are checked by the services)."""
    if not getattr(user, "is_authenticated", False) or not can_read(user, category):
        return False
    if category.posting == Posting.STAFF:
        return is_staff(user)
    if category.posting == Posting.MEMBERS:
        return is_staff(user) or is_member(user)
    return True


def moderated_category_ids(user) -> set[int] | None:
    """None: every category. Otherwise the ids of the categories this person moderates."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.has_perm(MODERATE_ALL):
        return None
    return set(category_moderators().get(user.pk, ()))


CATEGORY_MODERATORS_KEY = "community:category-moderators"


def category_moderators() -> dict[int, list[int]]:
    """Person id → ids of the categories they moderate. Cached: every admin page asks."""
    found = cache.get(CATEGORY_MODERATORS_KEY)
    if found is None:
        found = {}
        for user_id, category_id in Category.moderators.through.objects.values_list("user_id", "category_id"):
            found.setdefault(user_id, []).append(category_id)
        cache.set(CATEGORY_MODERATORS_KEY, found, 3600)
    return found


def forget_category_moderators() -> None:
    cache.delete(CATEGORY_MODERATORS_KEY)


def can_moderate(user, category: Category | None = None) -> bool:
    ids = moderated_category_ids(user)
    if ids is None:
        return True
    if category is None:
        return bool(ids)
    return category.pk in ids


#: The longest silence or suspension a moderator may give; longer calls for an admin closing the account.
MAX_SANCTION_DAYS = 365


def can_moderate_people(user) -> bool:
    """Sanctions and badges reach a person across the whole community: global moderators only.
    A category's moderators moderate posts and topics in their categories, not people."""
    return getattr(user, "is_authenticated", False) and user.has_perm(MODERATE_ALL)


def can_sanction(actor, target) -> bool:
    """Whether `actor` may silence or suspend `target`: a global moderator, never themselves, and
    never staff (moderators, agents, editors, admins) unless the actor is a superuser and the
    target is not."""
    if not can_moderate_people(actor) or actor.pk == target.pk or target.is_superuser:
        return False
    return actor.is_superuser or not is_staff_member(target)


def check_readable(user, topic) -> None:
    """A topic the reader may not see answers as if it did not exist."""
    category = topic.category
    if not can_read(user, category):
        raise Http404
    if topic.is_listed:
        return
    if topic.author_id == getattr(user, "pk", None) and topic.merged_into_id is None:
        return  # the author sees their own topic while it waits for a moderator
    if can_moderate(user, category):
        return
    raise Http404

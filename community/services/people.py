"""People in the community: handles, reading, views, reputation, watching."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.membership import points as ledger

from ..choices import (
    WatchLevel,
)
from ..models import (
    Category,
    CommunityProfile,
    Topic,
    Watch,
)
from .base import REPUTATION_PREFIX, VIEW_FLUSH_EVERY, CommunityError, _bump, profile_for
from .standing import refresh_trust_level


def record_reading(*, user, topic: Topic, today=None) -> None:
    """A signed-in person read a topic: count the day and the topic once each (no write otherwise)."""
    if not getattr(user, "is_authenticated", False):
        return
    today = today or timezone.localdate()
    changed = False
    if cache.add(f"community:visit:{user.pk}:{today.isoformat()}", 1, timeout=2 * 24 * 3600):
        profile_for(user)
        CommunityProfile.objects.filter(user=user).exclude(last_visit_on=today).update(
            days_visited=F("days_visited") + 1, last_visit_on=today
        )
        changed = True
    if cache.add(f"community:read:{user.pk}:{topic.pk}", 1, timeout=30 * 24 * 3600):
        _bump(user, topics_read=1)
        changed = True
    if changed:
        refresh_trust_level(user)


def record_topic_view(topic_id: int) -> None:
    """Count a view; the topic row is written once every VIEW_FLUSH_EVERY views, not on each."""
    key = f"community:views:{topic_id}"
    if cache.add(key, 1, timeout=None):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)
            count = 1
    if count >= VIEW_FLUSH_EVERY:
        cache.decr(key, count)
        Topic.objects.filter(pk=topic_id).update(view_count=F("view_count") + count)


@transaction.atomic
def set_watch(*, user, level: str, topic: Topic | None = None, category: Category | None = None) -> Watch:
    if level not in WatchLevel.values:
        raise CommunityError(_("Unknown notification level."))
    target = {"topic": topic} if topic is not None else {"category": category}
    watch, _created = Watch.objects.update_or_create(user=user, **target, defaults={"level": level})
    return watch


#: (minimum reputation, name) from the top: what a profile shows beside the number.
REPUTATION_LEVELS = (
    (1500, gettext_lazy("Guru")),
    (500, gettext_lazy("Expert")),
    (150, gettext_lazy("Helper")),
    (30, gettext_lazy("Contributor")),
    (0, gettext_lazy("Newcomer")),
)


def reputation(user) -> int:
    """Community points, as the ledger sums them (profiles keep the same number denormalised)."""
    return ledger.totals([user.pk], prefix=REPUTATION_PREFIX).get(user.pk, 0)


def reputation_level(points: int) -> str:
    for minimum, name in REPUTATION_LEVELS:
        if points >= minimum:
            return str(name)
    return str(REPUTATION_LEVELS[-1][1])

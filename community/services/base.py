"""What every change to the community shares: limits, checks on who may write, the log, points and profiles."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.membership import points as ledger
from portal.ratelimit import allow

from .. import access, text
from ..choices import (
    PointsReason,
    PostState,
)
from ..models import (
    Category,
    CommunityProfile,
    CommunitySettings,
    ModerationLogEntry,
    Post,
    Topic,
)
from ..signals import pages_changed, topics_changed

#: Points for contributions. Sources start with "community:" so reputation is the community's share.
POINTS = {
    PointsReason.UPVOTE: 10,
    PointsReason.ACCEPTED: 15,
    PointsReason.FAST_REPLY: 2,
    PointsReason.TOPIC: 1,
}


DOWNVOTE_POINTS = -2


REPUTATION_PREFIX = "community:"


#: Actions a person may take per window: (count, seconds).
RATE_LIMITS = {"post": (10, 600), "flag": (10, 3600), "vote": (60, 600), "image": (20, 3600)}


IMAGE_MAX_BYTES = 5 * 1024 * 1024


VIEW_FLUSH_EVERY = 10


MAX_TAGS = 5


class CommunityError(Exception):
    """Something a person asked for cannot be done; the message says why."""


class RateLimited(CommunityError):
    pass


def _unique_handle(user) -> str:
    base = slugify(user.public_name)[:30].strip("-") or "member"
    if len(base) < 2:
        base = f"{base}-member"
    handle, number = base, 1
    while CommunityProfile.objects.filter(handle=handle).exists():
        number += 1
        handle = f"{base}-{number}"
    return handle


def profile_for(user) -> CommunityProfile:
    """The person's community profile, created on first use."""
    cached = getattr(user, "_community_profile", None)
    if cached is not None:
        return cached
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None:
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    profile = CommunityProfile.objects.create(user=user, handle=_unique_handle(user))
                break
            except IntegrityError:  # someone took the handle (or made the profile) meanwhile
                profile = CommunityProfile.objects.filter(user=user).first()
                if profile is not None:
                    break
        if profile is None:
            raise CommunityError(_("Your community profile could not be created. Try again."))
    user._community_profile = profile
    return profile


def handle_urls(handles: Iterable[str]) -> dict[str, str]:
    rows = CommunityProfile.objects.filter(handle__in=list(handles)).values_list("handle", flat=True)
    return {handle: reverse("community:profile", kwargs={"handle": handle}) for handle in rows}


def rules() -> CommunitySettings:
    return CommunitySettings.load()


def _award(*, user, source: str, points: int, reason: str, note: str = "", now=None) -> int:
    """Settle a community source in the ledger and keep the profile's reputation in step with it."""
    difference = ledger.settle(user=user, source=source, points=points, reason=reason, note=note, now=now)
    if difference:
        profile_for(user)
        CommunityProfile.objects.filter(user=user).update(reputation=F("reputation") + difference)
    return difference


def _bump(user, **deltas) -> None:
    profile_for(user)
    CommunityProfile.objects.filter(user=user).update(**{name: F(name) + delta for name, delta in deltas.items()})


def _rate_limit(user, action: str) -> None:
    count, seconds = RATE_LIMITS[action]
    if access.is_staff(user):
        return
    if not allow(f"community:{action}:{user.pk}", limit=count, seconds=seconds):
        raise RateLimited(_("You are doing that too often. Wait a few minutes and try again."))


def _check_may_write(user, category: Category, *, now: datetime) -> CommunityProfile:
    if not access.may_post_in(user, category):
        raise CommunityError(_("You cannot post in this category."))
    profile = profile_for(user)
    if profile.is_suspended(now):
        raise CommunityError(
            _("Your account is suspended until %(until)s.")
            % {"until": timezone.localtime(profile.suspended_until).strftime("%Y-%m-%d %H:%M")}
        )
    if profile.is_silenced(now):
        raise CommunityError(
            _("You cannot post until %(until)s.")
            % {"until": timezone.localtime(profile.silenced_until).strftime("%Y-%m-%d %H:%M")}
        )
    if profile.trust_level == 0 and not access.is_staff(user):
        limit = rules().new_user_daily_posts
        today = Post.objects.filter(author=user, created_at__gte=now - timedelta(days=1)).count()
        if today >= limit:
            raise CommunityError(
                _("New members can write %(limit)s posts a day. Come back tomorrow to write more.") % {"limit": limit}
            )
    return profile


def _needs_moderation(user, profile: CommunityProfile, checked: text.CheckedText) -> bool:
    if access.is_staff(user):
        return False
    if checked.needs_approval:
        return True
    if profile.trust_level > 0:
        return False
    held = rules().new_user_moderated_posts
    return held > 0 and Post.objects.filter(author=user, state=PostState.PUBLISHED).count() < held


def _prepare(user, profile: CommunityProfile, body: str) -> text.CheckedText:
    try:
        return text.prepare(body, may_link=profile.trust_level > 0 or access.is_staff(user), handle_urls=handle_urls)
    except text.TextRejected as error:
        raise CommunityError(str(error)) from None


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        tag = slugify(text.clean_source(tag))[:40]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned[:MAX_TAGS]


def _log(action, *, actor, topic=None, post=None, target_user=None, reason="", detail="") -> None:
    ModerationLogEntry.objects.create(
        actor=actor, action=action, topic=topic, post=post, target_user=target_user, reason=reason[:255], detail=detail
    )


def _reindex(topic_id: int) -> None:
    pages_changed()
    topics_changed.send(sender=Topic, topic_ids=[topic_id])


def _shown_differently() -> None:
    """Something lists or topic pages show changed (a vote, a pin): cached pages start afresh."""
    transaction.on_commit(pages_changed)


def _unpublish(post: Post, state: str, *, reason: str) -> None:
    """Take a post out of view and undo what publishing it counted."""
    was_published = post.state == PostState.PUBLISHED
    Post.objects.filter(pk=post.pk).update(state=state, hidden_reason=reason[:255])
    post.state = state
    topic = post.topic
    if post.is_opening:
        Topic.objects.filter(pk=topic.pk).update(state=state)
        if was_published:
            Category.objects.filter(pk=topic.category_id).update(
                topic_count=F("topic_count") - 1, post_count=F("post_count") - 1 - topic.reply_count
            )
    elif was_published:
        Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") - 1)
        Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") - 1)
        if topic.accepted_post_id == post.pk:
            Topic.objects.filter(pk=topic.pk).update(accepted_post=None)
    transaction.on_commit(lambda: _reindex(topic.pk))


def _republish(post: Post) -> None:
    topic = post.topic
    Post.objects.filter(pk=post.pk).update(state=PostState.PUBLISHED, hidden_reason="")
    post.state = PostState.PUBLISHED
    if post.is_opening:
        Topic.objects.filter(pk=topic.pk).update(state=PostState.PUBLISHED)
        Category.objects.filter(pk=topic.category_id).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + 1 + topic.reply_count
        )
    else:
        Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1)
        Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") + 1)
    transaction.on_commit(lambda: _reindex(topic.pk))

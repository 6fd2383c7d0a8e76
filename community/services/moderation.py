"""Flags and moderation: approving, hiding, locking, pinning, moving, merging, sanctions."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, text
from ..choices import (
    FlagResolution,
    ModerationAction,
    PostState,
)
from ..models import (
    Category,
    CommunityProfile,
    Flag,
    Post,
    Topic,
)
from .base import (
    CommunityError,
    _log,
    _rate_limit,
    _reindex,
    _republish,
    _shown_differently,
    _unpublish,
    profile_for,
    rules,
)
from .writing import _notify_moderators, _published


@transaction.atomic
def flag_post(*, post: Post, flagger, reason: str, note: str = "") -> Flag:
    """Report a post. Enough flags from trusted people hide it until a moderator looks."""
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__category").get(pk=post.pk)
    if not access.can_read(flagger, post.topic.category) or post.state != PostState.PUBLISHED:
        raise CommunityError(_("This post cannot be flagged."))
    if post.author_id == flagger.pk:
        raise CommunityError(_("You cannot flag your own post."))
    existing = Flag.objects.filter(post=post, flagger=flagger).first()
    if existing:
        return existing
    _rate_limit(flagger, "flag")
    flag = Flag.objects.create(post=post, flagger=flagger, reason=reason, note=text.clean_source(note)[:500])
    trusted = Flag.objects.filter(
        post=post, resolution=FlagResolution.OPEN, flagger__community_profile__trust_level__gte=1
    ).count()
    if trusted >= rules().flags_to_hide:
        _unpublish(post, PostState.HIDDEN, reason=_("Hidden after flags from the community."))
    transaction.on_commit(lambda: _notify_moderators(post.pk))
    return flag


def _moderator_check(actor, category: Category) -> None:
    if not access.can_moderate(actor, category):
        raise CommunityError(_("Only moderators can do that."))


@transaction.atomic
def approve_post(*, post: Post, actor, now: datetime | None = None) -> Post:
    now = now or timezone.now()
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__category", "author").get(pk=post.pk)
    _moderator_check(actor, post.topic.category)
    if post.state not in (PostState.PENDING, PostState.HIDDEN):
        return post
    was_pending = post.state == PostState.PENDING
    if was_pending:
        Post.objects.filter(pk=post.pk).update(state=PostState.PUBLISHED, hidden_reason="")
        post.state = PostState.PUBLISHED
        if post.is_opening:
            Topic.objects.filter(pk=post.topic_id).update(state=PostState.PUBLISHED)
        _published(post, now=now, mentions=text.mentioned_handles(post.body_source))
    else:
        _republish(post)
    Flag.objects.filter(post=post, resolution=FlagResolution.OPEN).update(
        resolution=FlagResolution.DISMISSED, resolved_by=actor, resolved_at=now
    )
    _log(ModerationAction.APPROVE if was_pending else ModerationAction.UNHIDE, actor=actor, topic=post.topic, post=post)
    return post


@transaction.atomic
def hide_post(*, post: Post, actor, reason: str = "", uphold_flags: bool = True, now: datetime | None = None) -> Post:
    """Take a post out of view (a pending one is rejected). Open flags on it are upheld."""
    now = now or timezone.now()
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__category", "author").get(pk=post.pk)
    _moderator_check(actor, post.topic.category)
    action = ModerationAction.REJECT if post.state == PostState.PENDING else ModerationAction.HIDE
    if post.state in (PostState.PUBLISHED, PostState.PENDING):
        _unpublish(post, PostState.HIDDEN, reason=reason)
    if uphold_flags:
        flaggers = list(
            Flag.objects.filter(post=post, resolution=FlagResolution.OPEN).values_list("flagger", flat=True)
        )
        Flag.objects.filter(post=post, resolution=FlagResolution.OPEN).update(
            resolution=FlagResolution.UPHELD, resolved_by=actor, resolved_at=now
        )
        CommunityProfile.objects.filter(user__in=flaggers).update(flags_upheld=F("flags_upheld") + 1)
    _log(action, actor=actor, topic=post.topic, post=post, target_user=post.author, reason=reason)
    return post


@transaction.atomic
def dismiss_flags(*, post: Post, actor, now: datetime | None = None) -> int:
    now = now or timezone.now()
    _moderator_check(actor, post.topic.category)
    count = Flag.objects.filter(post=post, resolution=FlagResolution.OPEN).update(
        resolution=FlagResolution.DISMISSED, resolved_by=actor, resolved_at=now
    )
    if count:
        _log(ModerationAction.FLAG_DISMISSED, actor=actor, topic=post.topic, post=post, detail=str(count))
    return count


@transaction.atomic
def set_topic_flag(
    *, topic: Topic, actor, locked: bool | None = None, pinned: bool | None = None, reason: str = ""
) -> Topic:
    topic = Topic.objects.select_for_update(of=("self",)).select_related("category").get(pk=topic.pk)
    _moderator_check(actor, topic.category)
    _shown_differently()
    if locked is not None and topic.is_locked != locked:
        topic.is_locked = locked
        topic.save(update_fields=["is_locked"])
        _log(ModerationAction.LOCK if locked else ModerationAction.UNLOCK, actor=actor, topic=topic, reason=reason)
    if pinned is not None and topic.is_pinned != pinned:
        topic.is_pinned = pinned
        topic.save(update_fields=["is_pinned"])
        _log(ModerationAction.PIN if pinned else ModerationAction.UNPIN, actor=actor, topic=topic, reason=reason)
    return topic


@transaction.atomic
def move_topic(*, topic: Topic, actor, category: Category, reason: str = "") -> Topic:
    topic = Topic.objects.select_for_update(of=("self",)).select_related("category").get(pk=topic.pk)
    _moderator_check(actor, topic.category)
    _moderator_check(actor, category)
    if topic.category_id == category.pk:
        return topic
    old = topic.category
    if topic.is_listed:
        posts = 1 + topic.reply_count
        Category.objects.filter(pk=old.pk).update(topic_count=F("topic_count") - 1, post_count=F("post_count") - posts)
        Category.objects.filter(pk=category.pk).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + posts
        )
    topic.category = category
    if not category.is_questions and topic.accepted_post_id:
        topic.accepted_post = None
    topic.save(update_fields=["category", "accepted_post"])
    _log(ModerationAction.MOVE, actor=actor, topic=topic, reason=reason, detail=f"{old.slug} → {category.slug}")
    transaction.on_commit(lambda: _reindex(topic.pk))
    return topic


@transaction.atomic
def merge_topics(*, source: Topic, target: Topic, actor, reason: str = "") -> Topic:
    """Move every reply of `source` (its opening post becomes a reply) into `target`."""
    if source.pk == target.pk:
        raise CommunityError(_("A topic cannot be merged into itself."))
    source, target = (
        Topic.objects.select_for_update(of=("self",)).select_related("category").get(pk=pk)
        for pk in (source.pk, target.pk)
    )
    _moderator_check(actor, source.category)
    _moderator_check(actor, target.category)
    if source.merged_into_id or target.merged_into_id:
        raise CommunityError(_("That topic was already merged."))
    visible = Post.objects.filter(topic=source, state=PostState.PUBLISHED).count()
    moved = Post.objects.filter(topic=source).update(topic=target, is_opening=False)
    if source.is_listed:
        Category.objects.filter(pk=source.category_id).update(
            topic_count=F("topic_count") - 1, post_count=F("post_count") - visible
        )
        Category.objects.filter(pk=target.category_id).update(post_count=F("post_count") + visible)
    last = Post.objects.filter(topic=target, state=PostState.PUBLISHED).order_by("-created_at").first()
    Topic.objects.filter(pk=target.pk).update(
        reply_count=Post.objects.filter(topic=target, state=PostState.PUBLISHED, is_opening=False).count(),
        last_activity_at=last.created_at if last else target.last_activity_at,
        last_poster=last.author_id if last else target.last_poster_id,
    )
    Topic.objects.filter(pk=source.pk).update(merged_into=target, reply_count=0, accepted_post=None)
    _log(ModerationAction.MERGE, actor=actor, topic=target, reason=reason, detail=f"{source.pk} ({moved})")
    transaction.on_commit(lambda: (_reindex(source.pk), _reindex(target.pk)))
    target.refresh_from_db()
    return target


@transaction.atomic
def sanction(*, user, actor, kind: str, days: int, reason: str, now: datetime | None = None) -> CommunityProfile:
    """Silence (read only) or suspend a person for some days; days=0 lifts it."""
    now = now or timezone.now()
    if not access.can_moderate_people(actor):
        raise CommunityError(_("Only global moderators can do that."))
    if user.pk == actor.pk:
        raise CommunityError(_("You cannot sanction yourself."))
    if not access.can_sanction(actor, user):
        raise CommunityError(_("Staff cannot be silenced or suspended here; an admin manages their account."))
    if not 0 <= days <= access.MAX_SANCTION_DAYS:
        raise CommunityError(_("A sanction lasts at most %(days)s days.") % {"days": access.MAX_SANCTION_DAYS})
    if not reason.strip() and days:
        raise CommunityError(_("Give a reason: the person is told it."))
    profile = profile_for(user)
    until = now + timedelta(days=days) if days else None
    if kind == "silence":
        profile.silenced_until = until
        action = ModerationAction.SILENCE if days else ModerationAction.RESTORE
    elif kind == "suspend":
        profile.suspended_until = until
        action = ModerationAction.SUSPEND if days else ModerationAction.RESTORE
    else:
        raise CommunityError(_("Unknown action."))
    profile.sanction_reason = reason.strip()[:255]
    profile.save(update_fields=["silenced_until", "suspended_until", "sanction_reason"])
    _log(action, actor=actor, target_user=user, reason=reason, detail=f"{kind} {days}d")
    return profile

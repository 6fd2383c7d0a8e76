"""Votes, accepted solutions and ideas' status."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from portal.notifications.services import notify

from .. import access
from ..choices import (
    BadgeRule,
    IdeaStatus,
    ModerationAction,
    PointsReason,
    PostState,
    WatchLevel,
)
from ..models import (
    Post,
    PostVote,
    Topic,
    Watch,
)
from .base import (
    DOWNVOTE_POINTS,
    POINTS,
    CommunityError,
    _award,
    _bump,
    _log,
    _rate_limit,
    _reindex,
    _shown_differently,
)
from .standing import check_badges, refresh_trust_level
from .writing import _group_by_language


@transaction.atomic
def vote(*, post: Post, user, value: int) -> int:
    """Set the person's vote on a post to +1, -1 or 0 (withdrawn). Returns the post's new score."""
    if value not in (-1, 0, 1):
        raise CommunityError(_("Unknown vote."))
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__category", "author").get(pk=post.pk)
    if not access.can_read(user, post.topic.category) or post.state != PostState.PUBLISHED:
        raise CommunityError(_("This post cannot be voted on."))
    if post.author_id == user.pk:
        raise CommunityError(_("You cannot vote on your own post."))
    _rate_limit(user, "vote")
    existing = PostVote.objects.filter(post=post, user=user).first()
    before = existing.value if existing else 0
    if before == value:
        return post.score
    if value == 0:
        existing.delete()
    elif existing:
        PostVote.objects.filter(pk=existing.pk).update(value=value)
    else:
        PostVote.objects.create(post=post, user=user, value=value)
    delta = value - before
    _shown_differently()
    Post.objects.filter(pk=post.pk).update(score=F("score") + delta)
    if post.is_opening:
        Topic.objects.filter(pk=post.topic_id).update(score=F("score") + delta)
    upvotes = (value == 1) - (before == 1)
    if upvotes:
        _bump(post.author, likes_received=upvotes)
    worth = {1: POINTS[PointsReason.UPVOTE], -1: DOWNVOTE_POINTS, 0: 0}[value]
    _award(
        user=post.author,
        source=f"community:vote:{post.pk}:{user.pk}",
        points=worth,
        reason=PointsReason.UPVOTE,
        note=post.topic.title,
    )
    if upvotes > 0:
        check_badges(post.author, rules=(BadgeRule.HELPFUL,))
        refresh_trust_level(post.author)
    return post.score + delta


@transaction.atomic
def accept_solution(*, topic: Topic, post: Post | None, actor, now: datetime | None = None) -> Topic:
    """Mark a reply as the accepted solution (or clear it with post=None). Asker or moderators."""
    topic = Topic.objects.select_for_update(of=("self",)).select_related("category").get(pk=topic.pk)
    if not topic.category.is_questions:
        raise CommunityError(_("Only questions have accepted solutions."))
    if actor.pk != topic.author_id and not access.can_moderate(actor, topic.category):
        raise CommunityError(_("Only the person who asked, or a moderator, can accept a solution."))
    if post is not None and (post.topic_id != topic.pk or post.is_opening or post.state != PostState.PUBLISHED):
        raise CommunityError(_("That reply cannot be the solution of this topic."))
    previous_id = topic.accepted_post_id
    if previous_id == (post.pk if post else None):
        return topic
    if previous_id:
        previous = Post.objects.select_related("author").get(pk=previous_id)
        _award(
            user=previous.author,
            source=f"community:accepted:{previous.pk}",
            points=0,
            reason=PointsReason.ACCEPTED,
            note=topic.title,
        )
        if previous.author_id != topic.author_id:
            _bump(previous.author, accepted_count=-1)
    topic.accepted_post = post
    topic.save(update_fields=["accepted_post"])
    if post is not None and post.author_id != topic.author_id:  # answering oneself earns nothing
        _award(
            user=post.author,
            source=f"community:accepted:{post.pk}",
            points=POINTS[PointsReason.ACCEPTED],
            reason=PointsReason.ACCEPTED,
            note=topic.title,
            now=now,
        )
        _bump(post.author, accepted_count=1)
        check_badges(post.author, rules=(BadgeRule.ACCEPTED,))
        refresh_trust_level(post.author)
        transaction.on_commit(lambda: _notify_accepted(post.pk))
    transaction.on_commit(lambda: _reindex(topic.pk))
    return topic


def _notify_accepted(post_id: int) -> None:
    post = Post.objects.select_related("author", "topic").get(pk=post_id)
    with translation.override(post.author.locale):
        notify(
            recipients=[post.author],
            kind="community.accepted",
            title=_("Your reply was accepted as the solution to “%(topic)s”") % {"topic": post.topic},
            url=post.get_absolute_url(),
        )


@transaction.atomic
def set_idea_status(*, topic: Topic, actor, status: str) -> Topic:
    topic = Topic.objects.select_for_update(of=("self",)).select_related("category").get(pk=topic.pk)
    if not topic.category.is_ideas:
        raise CommunityError(_("Only ideas have a status."))
    if not access.is_staff(actor):
        raise CommunityError(_("Only staff set the status of an idea."))
    if status not in IdeaStatus.values:
        raise CommunityError(_("Unknown status."))
    if topic.idea_status == status:
        return topic
    topic.idea_status = status
    topic.save(update_fields=["idea_status"])
    _shown_differently()
    _log(ModerationAction.IDEA_STATUS, actor=actor, topic=topic, detail=status)
    watchers = [
        w.user for w in Watch.objects.filter(topic=topic).exclude(level=WatchLevel.MUTED).select_related("user")
    ]
    people = [person for person in watchers if person.pk != actor.pk]

    def tell():
        for language, group in _group_by_language([(p, "") for p in people]).items():
            with translation.override(language[0]):
                label = IdeaStatus(status).label
                notify(
                    recipients=group,
                    kind="community.idea_status",
                    url=topic.get_absolute_url(),
                    title=_("Idea “%(topic)s” is now: %(status)s") % {"topic": topic, "status": label},
                )

    transaction.on_commit(tell)
    return topic

"""Everything that changes the community. Views parse input and call one of these.

Each function runs in a transaction, keeps the denormalised counters (replies, votes, last
activity) with `F()` updates, and tells people what they should know after commit.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledge_base.permissions import readers_among
from portal.membership import points as ledger
from portal.notifications.services import notify
from portal.ratelimit import allow

from . import access, text
from .choices import (
    BadgeRule,
    FlagResolution,
    IdeaStatus,
    ModerationAction,
    PointsReason,
    PostState,
    WatchLevel,
)
from .models import (
    Badge,
    BadgeAward,
    Category,
    CommunityProfile,
    CommunitySettings,
    Flag,
    ModerationLogEntry,
    Post,
    PostImage,
    PostRevision,
    PostVote,
    SuggestionOpened,
    Topic,
    Watch,
)
from .signals import pages_changed, topics_changed

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


# --- People ----------------------------------------------------------------------------------


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


def compute_trust_level(profile: CommunityProfile, settings: CommunitySettings | None = None) -> int:
    """The highest level whose thresholds (and all lower levels') the profile meets."""
    settings = settings or rules()
    level = 0
    for candidate in (1, 2, 3, 4):
        needs = settings.thresholds[candidate]
        if all(getattr(profile, field) >= minimum for field, minimum in needs.items()):
            level = candidate
        else:
            break
    return level


def refresh_trust_level(user) -> int:
    """Recompute and store a person's trust level; grant trust badges. Returns the level."""
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None or profile.trust_level_locked:
        return profile.trust_level if profile else 0
    level = compute_trust_level(profile)
    if level > profile.trust_level:  # earned levels are kept; moderators lower them by hand
        CommunityProfile.objects.filter(pk=profile.pk).update(trust_level=level)
        profile.trust_level = level
        if hasattr(user, "_community_profile"):
            user._community_profile.trust_level = level
        check_badges(user, rules=(BadgeRule.TRUST,))
    return profile.trust_level


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


# --- Writing ---------------------------------------------------------------------------------


@transaction.atomic
def start_topic(
    *,
    category: Category,
    author,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    language: str = "",
    session_key: str = "",
    now: datetime | None = None,
) -> Topic:
    """Open a topic with its first post. New people's first posts wait for a moderator."""
    now = now or timezone.now()
    title = " ".join(text.clean_source(title).split())
    if len(title) < 5:
        raise CommunityError(_("Give your topic a title of at least 5 characters."))
    try:
        title, title_needs_approval = text.apply_watched_words(title)
    except text.TextRejected as error:
        raise CommunityError(str(error)) from None
    _rate_limit(author, "post")
    profile = _check_may_write(author, category, now=now)
    checked = _prepare(author, profile, body)
    held = title_needs_approval or _needs_moderation(author, profile, checked)
    state = PostState.PENDING if held else PostState.PUBLISHED
    topic = Topic.objects.create(
        category=category,
        author=author,
        title=title[:200],
        language=(language or translation.get_language() or "en")[:10],
        state=state,
        created_at=now,
        last_activity_at=now,
        last_poster=author,
    )
    tags = _clean_tags(tags)
    if tags:
        topic.tags.set(tags)
    post = Post.objects.create(
        topic=topic,
        author=author,
        is_opening=True,
        body_source=checked.source,
        body_html=checked.html,
        state=state,
        created_at=now,
    )
    Watch.objects.get_or_create(user=author, topic=topic, defaults={"level": WatchLevel.WATCHING})
    if session_key:
        SuggestionOpened.objects.filter(session_key=session_key, posted_topic__isnull=True).update(posted_topic=topic)
    if state == PostState.PUBLISHED:
        _published(post, now=now, mentions=checked.mentions)
    else:
        _tell_moderators_of_queue(post)
    return topic


@transaction.atomic
def reply(*, topic: Topic, author, body: str, reply_to: Post | None = None, now: datetime | None = None) -> Post:
    """Add a reply. Locked topics take replies from moderators only."""
    now = now or timezone.now()
    topic = Topic.objects.select_for_update(of=("self",)).select_related("category").get(pk=topic.pk)
    if not topic.is_listed:
        raise CommunityError(_("This topic is not open for replies."))
    if topic.is_locked and not access.can_moderate(author, topic.category):
        raise CommunityError(_("This topic is locked: it takes no new replies."))
    _rate_limit(author, "post")
    profile = _check_may_write(author, topic.category, now=now)
    checked = _prepare(author, profile, body)
    state = PostState.PENDING if _needs_moderation(author, profile, checked) else PostState.PUBLISHED
    if reply_to is not None and reply_to.topic_id != topic.pk:
        reply_to = None
    post = Post.objects.create(
        topic=topic,
        author=author,
        body_source=checked.source,
        body_html=checked.html,
        reply_to=reply_to,
        state=state,
        created_at=now,
    )
    if state == PostState.PUBLISHED:
        _published(post, now=now, mentions=checked.mentions)
    else:
        _tell_moderators_of_queue(post)
    return post


def _published(post: Post, *, now: datetime, mentions: Iterable[str] = ()) -> None:
    """A post became visible: counters, points, badges, trust and notifications."""
    topic = post.topic
    author = post.author
    if post.is_opening:
        Category.objects.filter(pk=topic.category_id).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_activity_at=now
        )
        _bump(author, post_count=1, topic_count=1)
        _award(
            user=author,
            source=f"community:topic:{topic.pk}",
            points=POINTS[PointsReason.TOPIC],
            reason=PointsReason.TOPIC,
            note=topic.title,
            now=now,
        )
    else:
        Topic.objects.filter(pk=topic.pk).update(
            reply_count=F("reply_count") + 1, last_activity_at=now, last_poster=author
        )
        Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") + 1, last_activity_at=now)
        _bump(author, post_count=1)
        first_reply = (
            not Post.objects.filter(topic=topic, is_opening=False, state=PostState.PUBLISHED)
            .exclude(pk=post.pk)
            .exclude(created_at__gt=post.created_at)
            .exists()
        )
        if first_reply and author.pk != topic.author_id and post.created_at - topic.created_at <= timedelta(hours=24):
            _award(
                user=author,
                source=f"community:fast:{topic.pk}",
                points=POINTS[PointsReason.FAST_REPLY],
                reason=PointsReason.FAST_REPLY,
                note=topic.title,
                now=now,
            )
    check_badges(author, rules=(BadgeRule.FIRST_POST, BadgeRule.TOPICS))
    refresh_trust_level(author)
    transaction.on_commit(lambda: _enqueue_post_notifications(post.pk, list(mentions)))
    transaction.on_commit(lambda: _reindex(topic.pk))


def _reindex(topic_id: int) -> None:
    pages_changed()
    topics_changed.send(sender=Topic, topic_ids=[topic_id])


def _shown_differently() -> None:
    """Something lists or topic pages show changed (a vote, a pin): cached pages start afresh."""
    transaction.on_commit(pages_changed)


def _enqueue_post_notifications(post_id: int, mentions: list[str]) -> None:
    from .tasks import notify_about_post

    notify_about_post.enqueue(post_id=post_id, mentions=mentions)


def notify_about_post(post_id: int, mentions: Iterable[str] = ()) -> int:
    """Tell watchers, the topic's author and mentioned people about a new post. Returns people told."""
    post = Post.objects.select_related("topic__category", "author").filter(pk=post_id).first()
    if post is None or post.state != PostState.PUBLISHED:
        return 0
    topic = post.topic
    watches = Watch.objects.filter(Q(topic=topic) | Q(category=topic.category)).select_related("user")
    topic_levels = {w.user_id: w.level for w in watches if w.topic_id}
    category_levels = {w.user_id: w.level for w in watches if w.category_id}
    people = {w.user_id: w.user for w in watches}

    def level(user_id: int) -> str:
        return topic_levels.get(user_id) or category_levels.get(user_id) or WatchLevel.NORMAL

    mentioned = {
        profile.user_id: profile.user
        for profile in CommunityProfile.objects.filter(handle__in=list(mentions)).select_related("user")
    }
    told = {}
    for user_id, user in people.items():
        if level(user_id) == WatchLevel.WATCHING:
            told[user_id] = (user, "reply")
    if not post.is_opening and topic.author_id not in told and level(topic.author_id) != WatchLevel.MUTED:
        told[topic.author_id] = (topic.author, "reply")
    for user_id, user in mentioned.items():
        if level(user_id) != WatchLevel.MUTED:
            told[user_id] = (user, "mention")
    told.pop(post.author_id, None)
    # Who may read the category, for all of them in a fixed number of queries (not one per person).
    allowed = {user.pk for user in readers_among([user for user, _why in told.values()], topic.category.audience)}
    readers = [(user, why) for user, why in told.values() if user.is_active and user.pk in allowed]
    url = post.get_absolute_url()
    for (language, why), group in _group_by_language(readers).items():
        with translation.override(language):
            if why == "mention":
                title = _("%(name)s mentioned you in “%(topic)s”") % {"name": post.author.public_name, "topic": topic}
            elif post.is_opening:
                title = _("New topic: %(topic)s") % {"topic": topic}
            else:
                title = _("%(name)s replied in “%(topic)s”") % {"name": post.author.public_name, "topic": topic}
            notify(recipients=group, kind=f"community.{why}", title=title, url=url, body=post.body_source[:500])
    return len(readers)


def _group_by_language(pairs):
    groups: dict[tuple[str, str], list] = {}
    for user, why in pairs:
        groups.setdefault((user.locale, why), []).append(user)
    return groups


def _tell_moderators_of_queue(post: Post) -> None:
    transaction.on_commit(lambda: _notify_moderators(post.pk))


def _notify_moderators(post_id: int) -> None:
    from django.contrib.auth import get_user_model

    post = Post.objects.select_related("topic__category").filter(pk=post_id).first()
    if post is None:
        return
    moderators = (
        get_user_model()
        .objects.filter(
            Q(groups__permissions__codename="moderate_topic") | Q(moderated_categories=post.topic.category_id),
            is_active=True,
        )
        .distinct()
    )
    by_language: dict[str, list] = {}
    for person in moderators:
        by_language.setdefault(person.locale, []).append(person)
    for language, people in by_language.items():
        with translation.override(language):
            notify(
                recipients=people,
                kind="community.queue",
                title=_("A post waits for review in “%(topic)s”") % {"topic": post.topic},
                url=reverse("community_moderation:queue"),
            )


@transaction.atomic
def edit_post(*, post: Post, editor, body: str, title: str | None = None, now: datetime | None = None) -> Post:
    """Change a post's text (and the topic title for an opening post), keeping the old text."""
    now = now or timezone.now()
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__category").get(pk=post.pk)
    topic = post.topic
    moderator = access.can_moderate(editor, topic.category)
    if post.author_id != editor.pk and not moderator:
        raise CommunityError(_("You can only edit your own posts."))
    if post.state == PostState.DELETED:
        raise CommunityError(_("This post was deleted."))
    if topic.is_locked and not moderator:
        raise CommunityError(_("This topic is locked: its posts cannot be changed."))
    profile = profile_for(post.author)
    checked = _prepare(editor if moderator else post.author, profile, body)
    new_title = None
    if title is not None and post.is_opening:
        new_title = " ".join(text.clean_source(title).split())[:200]
        if len(new_title) < 5:
            raise CommunityError(_("Give your topic a title of at least 5 characters."))
        try:
            new_title, _held = text.apply_watched_words(new_title)
        except text.TextRejected as error:
            raise CommunityError(str(error)) from None
    if checked.source == post.body_source and (new_title is None or new_title == topic.title):
        return post
    PostRevision.objects.create(
        post=post,
        editor=editor,
        title=topic.title if post.is_opening else "",
        body_source=post.body_source,
        created_at=now,
    )
    Post.objects.filter(pk=post.pk).update(
        body_source=checked.source, body_html=checked.html, edited_at=now, edit_count=F("edit_count") + 1
    )
    if new_title and new_title != topic.title:
        topic.title = new_title
        topic.save(update_fields=["title", "slug"])
    if checked.needs_approval and not moderator and post.state == PostState.PUBLISHED:
        _unpublish(post, PostState.PENDING, reason=_("Held for review after an edit."))
        _tell_moderators_of_queue(post)
    transaction.on_commit(lambda: _reindex(topic.pk))
    post.refresh_from_db()
    return post


@transaction.atomic
def delete_post(*, post: Post, actor, now: datetime | None = None) -> None:
    """Authors delete their own post within the window; moderators any time. Deleting the opening
    post deletes the topic."""
    now = now or timezone.now()
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__category").get(pk=post.pk)
    moderator = access.can_moderate(actor, post.topic.category)
    if not moderator:
        if post.author_id != actor.pk:
            raise CommunityError(_("You can only delete your own posts."))
        window = timedelta(minutes=rules().edit_window_minutes)
        if now - post.created_at > window:
            raise CommunityError(_("Posts can be deleted only soon after writing them. Ask a moderator."))
        if post.topic.accepted_post_id == post.pk:
            raise CommunityError(_("An accepted solution cannot be deleted."))
    if post.state == PostState.DELETED:
        return
    _unpublish(post, PostState.DELETED, reason="")
    if moderator and post.author_id != actor.pk:
        _log(ModerationAction.HIDE, actor=actor, topic=post.topic, post=post, detail="deleted")


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


# --- Votes, solutions, ideas -----------------------------------------------------------------


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


# --- Watching --------------------------------------------------------------------------------


@transaction.atomic
def set_watch(*, user, level: str, topic: Topic | None = None, category: Category | None = None) -> Watch:
    if level not in WatchLevel.values:
        raise CommunityError(_("Unknown notification level."))
    target = {"topic": topic} if topic is not None else {"category": category}
    watch, _created = Watch.objects.update_or_create(user=user, **target, defaults={"level": level})
    return watch


# --- Flags and moderation --------------------------------------------------------------------


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


# --- Badges ----------------------------------------------------------------------------------

_RULE_FIELDS = {
    BadgeRule.FIRST_POST: "post_count",
    BadgeRule.ACCEPTED: "accepted_count",
    BadgeRule.HELPFUL: "likes_received",
    BadgeRule.TOPICS: "topic_count",
    BadgeRule.TRUST: "trust_level",
}


def check_badges(user, *, rules: Iterable[str] = tuple(_RULE_FIELDS)) -> list[BadgeAward]:
    """Grant every rule badge whose threshold the person has reached and does not hold yet."""
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None:
        return []
    candidates = Badge.objects.filter(is_active=True, rule__in=list(rules)).exclude(awards__user=user)
    granted = []
    for badge in candidates:
        if getattr(profile, _RULE_FIELDS[badge.rule]) >= badge.threshold:
            award = _grant(badge, user)
            if award:
                granted.append(award)
    return granted


def _grant(badge: Badge, user, *, by=None, reason: str = "") -> BadgeAward | None:
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(badge=badge, user=user, awarded_by=by, reason=reason[:255])
    except IntegrityError:
        return None  # granted meanwhile
    if badge.points:
        _award(
            user=user,
            source=f"community:badge:{badge.pk}",
            points=badge.points,
            reason=PointsReason.BADGE,
            note=badge.name,
        )

    def tell():
        with translation.override(user.locale):
            notify(
                recipients=[user],
                kind="community.badge",
                title=_("You earned the badge “%(badge)s”") % {"badge": badge.name},
                url=reverse("community:profile", kwargs={"handle": profile_for(user).handle}),
                body=badge.description,
            )

    transaction.on_commit(tell)
    return award


@transaction.atomic
def grant_badge(*, badge: Badge, user, actor, reason: str = "") -> BadgeAward | None:
    """A badge given by hand: global moderators only (a badge is shown everywhere the person is)."""
    if not access.can_moderate_people(actor):
        raise CommunityError(_("Only global moderators can do that."))
    profile_for(user)
    award = _grant(badge, user, by=actor, reason=reason)
    if award:
        _log(ModerationAction.BADGE, actor=actor, target_user=user, reason=reason, detail=badge.slug)
    return award


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


# --- Deflection ------------------------------------------------------------------------------


def record_suggestion_opened(*, session_key: str, user, query: str, title: str, url: str, kind: str) -> None:
    SuggestionOpened.objects.create(
        session_key=session_key,
        user=user if getattr(user, "is_authenticated", False) else None,
        query=query[:200],
        title=title[:255],
        url=url[:500],
        kind=kind[:20],
    )


# --- Images ----------------------------------------------------------------------------------


@transaction.atomic
def upload_image(*, uploader, upload) -> PostImage:
    """Keep an image for a post: a raster image checked by its bytes, at most IMAGE_MAX_BYTES, stored
    without its metadata (a phone's photo carries where it was taken)."""
    from django.core.exceptions import ValidationError

    from portal.uploads import IMAGES, check_upload, without_metadata

    profile = profile_for(uploader)
    if profile.is_silenced():
        raise CommunityError(_("You cannot post now."))
    try:
        checked = without_metadata(check_upload(upload, max_bytes=IMAGE_MAX_BYTES, allowed=IMAGES))
    except ValidationError as error:
        raise CommunityError(" ".join(error.messages)) from None
    _rate_limit(uploader, "image")
    image = PostImage(uploader=uploader, name=checked.name, content_type=checked.content_type, size=checked.size)
    image.file.save(checked.name, checked.upload, save=False)
    image.save()
    return image


def with_image(body: str, image: PostImage) -> str:
    """The post's Markdown with the image shown at its end."""
    alt = image.name.rsplit(".", 1)[0].replace("[", "").replace("]", "")
    return f"{body.rstrip()}\n\n![{alt}]({image.get_absolute_url()})"

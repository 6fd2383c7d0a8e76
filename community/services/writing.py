"""Starting topics, replying, editing and deleting posts, and telling people about them."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from knowledge_base.permissions import readers_among
from portal.markdown import markdown_to_text
from portal.notifications.services import notify

from .. import access, text
from ..choices import (
    BadgeRule,
    ModerationAction,
    PointsReason,
    PostState,
    WatchLevel,
)
from ..models import (
    Category,
    CommunityProfile,
    Post,
    PostRevision,
    Topic,
    Watch,
)
from ..signals import topic_started
from .base import (
    POINTS,
    CommunityError,
    _award,
    _bump,
    _check_may_write,
    _clean_tags,
    _log,
    _needs_moderation,
    _prepare,
    _rate_limit,
    _reindex,
    _unpublish,
    profile_for,
    rules,
)
from .standing import check_badges, refresh_trust_level


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
    transaction.on_commit(lambda: topic_started.send(sender=Topic, topic=topic, session_key=session_key))
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


def _enqueue_post_notifications(post_id: int, mentions: list[str]) -> None:
    from ..tasks import notify_about_post

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
            notify(
                recipients=group,
                kind=f"community.{why}",
                title=title,
                url=url,
                body=markdown_to_text(post.body_source, limit=500),
            )
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

"""The community forum: categories, topics, posts and everything people do to them.

Topics and posts are ordinary models (user content, not pages) changed only through
`community.services`, which keep the denormalised counters and write the moderation log.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal.uploads import private_storage

from .choices import (
    Audience,
    BadgeRule,
    CategoryKind,
    FlagReason,
    FlagResolution,
    IdeaStatus,
    ModerationAction,
    Posting,
    PostState,
    WatchLevel,
    WordAction,
)

User = settings.AUTH_USER_MODEL


def _token() -> str:
    return uuid.uuid4().hex


RESERVED_SLUGS = frozenset({"reply", "accept", "watch", "moderate"})


class Category(models.Model):
    """A space of the forum. Configured by admins; its kind decides what topics in it can do."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CategoryKind.choices, default=CategoryKind.QUESTIONS)
    description = models.TextField(_("description"), blank=True)
    product = models.ForeignKey(
        "knowledge_base.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_categories",
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The brand whose community shows this category. Empty: every brand's community shares it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    audience = models.CharField(_("who may read"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    posting = models.CharField(_("who may post"), max_length=20, choices=Posting.choices, default=Posting.SIGNED_IN)
    moderators = models.ManyToManyField(
        User,
        verbose_name=_("category moderators"),
        blank=True,
        related_name="moderated_categories",
        help_text=_("People who moderate only this category. Community moderators moderate every category."),
    )
    is_active = models.BooleanField(_("open"), default=True)
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("product"),
        FieldPanel("site"),
        FieldPanel("order"),
        MultiFieldPanel([FieldPanel("audience"), FieldPanel("posting"), FieldPanel("moderators")], _("Access")),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("community category")
        verbose_name_plural = _("community categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:category", kwargs={"slug": self.slug})

    @property
    def is_questions(self) -> bool:
        return self.kind == CategoryKind.QUESTIONS

    @property
    def is_ideas(self) -> bool:
        return self.kind == CategoryKind.IDEAS


class TopicTag(TaggedItemBase):
    content_object = models.ForeignKey("Topic", on_delete=models.CASCADE, related_name="tagged_items")


class TopicQuerySet(models.QuerySet):
    def listed(self):
        """Topics a list may show: published and not merged away."""
        return self.filter(state=PostState.PUBLISHED, merged_into__isnull=True)


class Topic(models.Model):
    """A conversation: the opening post plus replies. Counters are kept by the services."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="topics")
    author = models.ForeignKey(User, verbose_name=_("author"), on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    state = models.CharField(_("state"), max_length=20, choices=PostState.choices, default=PostState.PUBLISHED)
    tags = TaggableManager(through=TopicTag, blank=True, verbose_name=_("tags"))
    #: [[name, slug], ...] of `tags`, kept by `refresh_tag_list` so lists and topic pages need no tag query.
    tag_list = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_poster = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    score = models.IntegerField(_("votes"), default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    accepted_post = models.ForeignKey(
        "Post", verbose_name=_("accepted solution"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idea_status = models.CharField(
        _("idea status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NONE, blank=True
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_request = models.CharField(_("support request"), max_length=20, blank=True)
    article_page_id = models.PositiveIntegerField(_("article"), null=True, blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        permissions = [("moderate_topic", _("Can moderate every community category"))]
        indexes = [
            models.Index(fields=["state", "-last_activity_at"], name="community_topic_latest"),
            # The front page and the latest list, and a category's page: pinned topics first.
            models.Index(fields=["state", "-is_pinned", "-last_activity_at"], name="community_topic_pinned"),
            models.Index(
                fields=["category", "state", "-is_pinned", "-last_activity_at"], name="community_topic_cat_pinned"
            ),
            models.Index(fields=["state", "-created_at"], name="community_topic_created"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.slug = (slugify(self.title) or "topic")[:80]
        if self.slug in RESERVED_SLUGS:  # the topic's actions live at /t/<pk>/<action>/
            self.slug = f"{self.slug}-topic"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("community:topic", kwargs={"pk": self.pk, "slug": self.slug or "topic"})

    def refresh_tag_list(self) -> None:
        """Copy the topic's tags into `tag_list` (called whenever its tags change)."""
        self.tag_list = [[tag.name, tag.slug] for tag in self.tags.order_by("name")]
        Topic.objects.filter(pk=self.pk).update(tag_list=self.tag_list)

    @classmethod
    def refresh_tag_lists_of_tag(cls, tag) -> None:
        """A tag was renamed: copy it into every topic that carries it, reading the tags in one query."""
        lists: dict[int, list] = {}
        for topic_id, name, slug in (
            TopicTag.objects.filter(content_object_id__in=TopicTag.objects.filter(tag=tag).values("content_object_id"))
            .order_by("tag__name")
            .values_list("content_object_id", "tag__name", "tag__slug")
        ):
            lists.setdefault(topic_id, []).append([name, slug])
        topics = [cls(pk=topic_id, tag_list=tag_list) for topic_id, tag_list in lists.items()]
        cls.objects.bulk_update(topics, ["tag_list"], batch_size=500)

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None

    @property
    def is_listed(self) -> bool:
        return self.state == PostState.PUBLISHED and self.merged_into_id is None


class Post(models.Model):
    """The opening post of a topic or one reply. `body_html` is sanitised Markdown, safe to show."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(User, verbose_name=_("author"), on_delete=models.PROTECT, related_name="community_posts")
    is_opening = models.BooleanField(default=False)
    body_source = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    reply_to = models.ForeignKey(
        "self", verbose_name=_("quoting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=20, choices=PostState.choices, default=PostState.PUBLISHED)
    hidden_reason = models.CharField(_("why hidden"), max_length=255, blank=True)
    score = models.IntegerField(_("votes"), default=0)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["topic", "state", "created_at"], name="community_post_thread"),
            models.Index(fields=["author", "-created_at"], name="community_post_author"),
            models.Index(fields=["state", "created_at"], name="community_post_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: post {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("community:post", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.state == PostState.PUBLISHED


class PostRevision(models.Model):
    """The text a post had before an edit (who changed it, when). Moderators see the diff."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    body_source = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class PostVote(models.Model):
    """One person's vote on one post: +1 or -1, changeable, withdrawn by deleting the row."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="community_votes")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="community_one_vote_per_person"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="community_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}: {self.value:+d}"


class Flag(models.Model):
    """A reader telling moderators a post needs a look. One open flag per person and post."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(User, verbose_name=_("flagged by"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=FlagResolution.choices, default=FlagResolution.OPEN
    )
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [models.UniqueConstraint(fields=["post", "flagger"], name="community_one_flag_per_person")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.reason}"


class Watch(models.Model):
    """How much a person wants to hear about a topic or a whole category."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="community_watches")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(max_length=20, choices=WatchLevel.choices, default=WatchLevel.WATCHING)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, category__isnull=True) | Q(topic__isnull=True, category__isnull=False),
                name="community_watch_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="community_watch_topic_once"
            ),
            models.UniqueConstraint(
                fields=["user", "category"], condition=Q(category__isnull=False), name="community_watch_category_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.level} {self.topic_id or self.category_id}"


class CommunityProfile(models.Model):
    """A person's standing in the community: trust level, what it is earned from, sanctions."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="community_profile")
    handle = models.SlugField(_("handle"), max_length=40, unique=True, help_text=_("Used in @mentions."))
    trust_level = models.PositiveSmallIntegerField(_("trust level"), default=0)
    trust_level_locked = models.BooleanField(
        _("trust level set by hand"), default=False, help_text=_("Keep this level whatever the person does.")
    )
    days_visited = models.PositiveIntegerField(default=0)
    last_visit_on = models.DateField(null=True, blank=True)
    topics_read = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    topic_count = models.PositiveIntegerField(default=0)
    likes_received = models.PositiveIntegerField(default=0)
    accepted_count = models.PositiveIntegerField(default=0)
    flags_upheld = models.PositiveIntegerField(default=0)
    reputation = models.IntegerField(_("reputation"), default=0, help_text=_("Community points in the ledger."))
    silenced_until = models.DateTimeField(_("silenced until"), null=True, blank=True)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    sanction_reason = models.CharField(_("reason"), max_length=255, blank=True)
    former_member = models.BooleanField(
        _("former member"),
        default=False,
        help_text=_("The person deleted their account: the profile stays, nameless, so their posts' links work."),
    )

    class Meta:
        verbose_name = _("community profile")
        verbose_name_plural = _("community profiles")

    def __str__(self) -> str:
        return f"{self.user_id}: TL{self.trust_level}"

    def get_absolute_url(self) -> str:
        return reverse("community:profile", kwargs={"handle": self.handle})

    def is_silenced(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.silenced_until and self.silenced_until > now) or self.is_suspended(now)

    def is_suspended(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.suspended_until and self.suspended_until > now)


class Badge(models.Model):
    """A recognition. Rule badges are granted automatically when the count reaches the threshold."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=255)
    rule = models.CharField(_("granted for"), max_length=20, choices=BadgeRule.choices, default=BadgeRule.MANUAL)
    threshold = models.PositiveIntegerField(_("threshold"), default=1)
    points = models.PositiveIntegerField(_("points"), default=0, help_text=_("Reputation given with the badge."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["rule", "threshold", "name"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")

    def __str__(self) -> str:
        return self.name


class BadgeAward(models.Model):
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="badge_awards")
    awarded_at = models.DateTimeField(default=timezone.now)
    awarded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [models.UniqueConstraint(fields=["badge", "user"], name="community_badge_once")]

    def __str__(self) -> str:
        return f"{self.badge_id} → {self.user_id}"


class ModerationLogEntry(models.Model):
    """What a moderator did, to what, and why. Never edited."""

    actor = models.ForeignKey(User, verbose_name=_("moderator"), null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=ModerationAction.choices)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL)
    post = models.ForeignKey(Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL)
    target_user = models.ForeignKey(
        User, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.topic or self.post or self.target_user}"


class WatchedWord(models.Model):
    """A word or phrase moderators want blocked, censored or held for review (case-insensitive)."""

    word = models.CharField(_("word or phrase"), max_length=100, unique=True)
    action = models.CharField(_("action"), max_length=20, choices=WordAction.choices, default=WordAction.BLOCK)

    panels = [FieldPanel("word"), FieldPanel("action")]

    class Meta:
        ordering = ["word"]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")

    def __str__(self) -> str:
        return self.word


@register_setting(icon="group")
class CommunitySettings(BaseGenericSetting):
    """Rules of the forum that admins tune without a deploy."""

    new_user_daily_posts = models.PositiveSmallIntegerField(_("posts a day for new people (trust level 0)"), default=5)
    new_user_moderated_posts = models.PositiveSmallIntegerField(
        _("first posts held for a moderator"), default=2, help_text=_("0 publishes new people's posts at once.")
    )
    flags_to_hide = models.PositiveSmallIntegerField(_("flags from trusted people that hide a post"), default=3)
    edit_window_minutes = models.PositiveIntegerField(_("minutes to delete one's own post"), default=60 * 24)
    tl1_days_visited = models.PositiveSmallIntegerField(_("level 1: days visited"), default=1)
    tl1_topics_read = models.PositiveSmallIntegerField(_("level 1: topics read"), default=3)
    tl2_days_visited = models.PositiveSmallIntegerField(_("level 2: days visited"), default=10)
    tl2_posts = models.PositiveSmallIntegerField(_("level 2: posts written"), default=5)
    tl2_likes_received = models.PositiveSmallIntegerField(_("level 2: upvotes received"), default=3)
    tl3_days_visited = models.PositiveSmallIntegerField(_("level 3: days visited"), default=40)
    tl3_posts = models.PositiveSmallIntegerField(_("level 3: posts written"), default=30)
    tl3_likes_received = models.PositiveSmallIntegerField(_("level 3: upvotes received"), default=20)
    tl4_accepted = models.PositiveSmallIntegerField(_("level 4: accepted solutions"), default=10)
    tl4_flags_upheld = models.PositiveSmallIntegerField(_("level 4: flags upheld"), default=5)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("new_user_daily_posts"),
                FieldPanel("new_user_moderated_posts"),
                FieldPanel("flags_to_hide"),
                FieldPanel("edit_window_minutes"),
            ],
            _("Posting"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("tl1_days_visited"),
                FieldPanel("tl1_topics_read"),
                FieldPanel("tl2_days_visited"),
                FieldPanel("tl2_posts"),
                FieldPanel("tl2_likes_received"),
                FieldPanel("tl3_days_visited"),
                FieldPanel("tl3_posts"),
                FieldPanel("tl3_likes_received"),
                FieldPanel("tl4_accepted"),
                FieldPanel("tl4_flags_upheld"),
            ],
            _("Trust levels"),
        ),
    ]

    class Meta:
        verbose_name = _("community rules")

    @property
    def thresholds(self) -> dict:
        return {
            1: {"days_visited": self.tl1_days_visited, "topics_read": self.tl1_topics_read},
            2: {
                "days_visited": self.tl2_days_visited,
                "post_count": self.tl2_posts,
                "likes_received": self.tl2_likes_received,
            },
            3: {
                "days_visited": self.tl3_days_visited,
                "post_count": self.tl3_posts,
                "likes_received": self.tl3_likes_received,
            },
            4: {"accepted_count": self.tl4_accepted, "flags_upheld": self.tl4_flags_upheld},
        }


def image_path(instance, filename: str) -> str:
    # A random name on disk; the address carries the token, never the path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"community/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class PostImage(models.Model):
    """An image someone uploaded to show in a post. Checked by content; served only by a view."""

    uploader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="community_images")
    token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    file = models.FileField(max_length=200, storage=private_storage, upload_to=image_path)
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:image", kwargs={"token": self.token, "name": self.name})

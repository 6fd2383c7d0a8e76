"""Knowledge base: Wagtail pages under /help/ and the feedback readers give on them.

Tree: HelpIndexPage (/help/) → KnowledgeBasePage (one per product) → SectionPage (nestable)
→ ArticlePage / FAQPage. Who may read an article is its audience; an article a reader may not
see answers 404 and never appears in a list, the sitemap or search for them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, TranslatableMixin
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.cache_versions import CONTENT, versions
from portal.jsonld import json_ld

from .blocks import ArticleBodyBlock, FAQItemBlock
from .choices import Audience, FeedbackReason, ReviewTaskStatus
from .permissions import allowed_audiences

# --- Snippets --------------------------------------------------------------------------------


class Product(ClusterableModel):
    """A product the company supports; each has a knowledge base and versions."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), InlinePanel("versions", label=_("Versions"))]

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class ProductVersion(Orderable):
    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("version"), max_length=40)

    class Meta(Orderable.Meta):
        verbose_name = _("product version")
        verbose_name_plural = _("product versions")
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="kb_version_unique_per_product")]

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}"


class SharedText(TranslatableMixin, models.Model):
    """Text many articles share (a warranty note, a contact box): edited once, shown everywhere."""

    title = models.CharField(_("title"), max_length=120)
    text = RichTextField(_("text"), features=["bold", "italic", "link", "ol", "ul"])

    panels = [FieldPanel("title"), FieldPanel("text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("shared text")
        verbose_name_plural = _("shared texts")

    def __str__(self) -> str:
        return self.title


# --- Pages -----------------------------------------------------------------------------------


class ArticlePageQuerySet(PageQuerySet):
    def visible_to(self, user):
        """Articles whose audience includes this reader."""
        return self.filter(audience__in=allowed_audiences(user))


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


class HelpIndexPage(Page):
    """The help centre's root (/help/): one per site and locale, lists the products' knowledge bases."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["knowledge_base.KnowledgeBasePage"]
    max_count_per_parent = 1
    template = "knowledge_base/help_index_page.html"

    class Meta:
        verbose_name = _("help centre")

    def get_context(self, request, *args, **kwargs):
        from .selectors import popular_articles

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = KnowledgeBasePage.objects.child_of(self).live().public().select_related("product")
        context["popular"] = popular_articles(root=self, user=request.user)
        return context


class KnowledgeBasePage(Page):
    """One product's knowledge base (/help/<product>/)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("product"),
        FieldPanel("intro"),
        InlinePanel("featured_articles", label=_("Featured articles (tips & tricks, best practices)"), max_num=6),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["knowledge_base.HelpIndexPage"]
    subpage_types = ["knowledge_base.SectionPage", "knowledge_base.ArticlePage", "knowledge_base.FAQPage"]
    template = "knowledge_base/knowledge_base_page.html"

    #: Addresses below /help/ that belong to views, not pages.
    RESERVED_SLUGS = frozenset({"feedback", "follow"})

    class Meta:
        verbose_name = _("knowledge base")

    def clean(self) -> None:
        super().clean()
        if self.slug in self.RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another slug.")})

    def get_context(self, request, *args, **kwargs):
        from .selectors import featured_articles, promoted_articles, section_listing

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = section_listing(parent=self, user=request.user)
        context["featured"] = featured_articles(knowledge_base=self, user=request.user)
        context["promoted"] = promoted_articles(knowledge_base=self, user=request.user)
        return context


class FeaturedArticle(Orderable):
    knowledge_base = ParentalKey(KnowledgeBasePage, on_delete=models.CASCADE, related_name="featured_articles")
    article = models.ForeignKey("knowledge_base.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]


class SectionPage(Page):
    """A section of a knowledge base; sections nest."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["knowledge_base.KnowledgeBasePage", "knowledge_base.SectionPage"]
    subpage_types = ["knowledge_base.SectionPage", "knowledge_base.ArticlePage", "knowledge_base.FAQPage"]
    template = "knowledge_base/section_page.html"

    class Meta:
        verbose_name = _("section")

    def get_context(self, request, *args, **kwargs):
        from .selectors import section_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = section_listing(parent=self, user=request.user)
        context["following"] = (
            request.user.is_authenticated and Follow.objects.filter(user=request.user, page=self).exists()
        )
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("knowledge_base.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePage(Page):
    """A help article. Invariant: only readers in its audience can reach it."""

    summary = models.TextField(
        _("summary"),
        max_length=300,
        validators=[MaxLengthValidator(300)],
        help_text=_("One or two sentences; shown in lists and search results and as the meta description."),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    products = ParentalManyToManyField(Product, blank=True, verbose_name=_("applies to products"))
    versions = ParentalManyToManyField(ProductVersion, blank=True, verbose_name=_("applies to versions"))
    content_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_articles",
        help_text=_("Keeps the article right: gets readers' feedback and review reminders."),
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    promoted = models.BooleanField(
        _("promoted"), default=False, help_text=_("Promoted articles are listed first in their knowledge base.")
    )

    objects = ArticlePageManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("related_links", label=_("Related articles"), max_num=6),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [
                FieldPanel("tags"),
                FieldPanel("products"),
                FieldPanel("versions"),
                FieldPanel("promoted"),
            ],
            heading=_("Classification"),
        ),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("content_owner"), FieldPanel("review_by")]), FieldPanel("audience")],
            heading=_("Ownership and audience"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=1.5),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name", boost=1.5)]),
        index.FilterField("audience"),
    ]
    parent_page_types = ["knowledge_base.KnowledgeBasePage", "knowledge_base.SectionPage"]
    subpage_types: list[str] = []
    template = "knowledge_base/article_page.html"

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def is_visible_to(self, user) -> bool:
        return self.audience in allowed_audiences(user)

    def serve(self, request, *args, **kwargs):
        if not self.is_visible_to(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        if self.audience != Audience.EVERYONE:
            return []
        return super().get_sitemap_urls(request)

    @cached_property
    def table_of_contents(self) -> list[dict]:
        return [
            {"anchor": f"h-{block.id[:8]}", "text": block.value["text"], "level": block.value["level"]}
            for block in self.body
            if block.block_type == "heading"
        ]

    @property
    def meta_description(self) -> str:
        return self.search_description or self.summary

    @property
    def is_overdue(self) -> bool:
        return bool(self.review_by and self.review_by < timezone.localdate())

    def get_context(self, request, *args, **kwargs):
        from .selectors import article_sidebar
        from .views import current_feedback

        context = super().get_context(request, *args, **kwargs)
        context["my_feedback"] = current_feedback(request, self)
        context["following"] = (
            request.user.is_authenticated and Follow.objects.filter(user=request.user, page=self).exists()
        )
        sidebar = article_sidebar(article=self, user=request.user)
        context["related"] = sidebar["related"]
        context["previous_article"], context["next_article"] = sidebar["previous"], sidebar["next"]
        context["content_version"] = versions(CONTENT)
        return context


class RelatedArticle(Orderable):
    """An editor's choice of related article; these come before the computed ones."""

    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(ArticlePage, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("related")]


class FAQPage(Page):
    """Questions and answers, published as schema.org FAQPage for search engines."""

    intro = models.TextField(_("introduction"), blank=True)
    items = StreamField([("item", FAQItemBlock())], verbose_name=_("questions"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("items")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("items")]
    parent_page_types = ["knowledge_base.KnowledgeBasePage", "knowledge_base.SectionPage"]
    subpage_types: list[str] = []
    template = "knowledge_base/faq_page.html"

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")

    def json_ld(self) -> str:
        """schema.org FAQPage as JSON, safe to place inside a <script> element."""
        data = {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": item.value["question"],
                    "acceptedAnswer": {"@type": "Answer", "text": strip_tags(item.value["answer"].source).strip()},
                }
                for item in self.items
            ],
        }
        return json_ld(data)


# --- Feedback, follows, freshness --------------------------------------------------------------


class ArticleFeedback(models.Model):
    """One reader's “Was this helpful?” answer. One per person, or per browser session for visitors."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    session_key = models.CharField(max_length=40, blank=True)
    helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(_("reason"), max_length=20, choices=FeedbackReason.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=models.Q(user__isnull=False), name="kb_feedback_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=models.Q(user__isnull=True),
                name="kb_feedback_one_per_session",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(session_key=""), name="kb_feedback_has_voter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'yes' if self.helpful else 'no'}"


class ReviewTask(models.Model):
    """Work for an article's owner, opened by readers' “no” votes, closed by publishing a new revision."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="review_tasks")
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewTaskStatus.choices, default=ReviewTaskStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback = models.ManyToManyField(ArticleFeedback, related_name="review_tasks", blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(status="open"), name="kb_one_open_review_task_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article} ({self.get_status_display()})"


class ArticleDailyViews(models.Model):
    """Views per article per day, written in batches from counters kept in the cache."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="kb_daily_views_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.views}"


class Follow(models.Model):
    """A person following an article or a section, to hear when it is updated."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kb_follows")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="kb_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.page_id}"


class ReviewReminder(models.Model):
    """Remembers that the owner was told about an overdue review, so it is sent once per due date."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="review_reminders")
    review_by = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "review_by", "owner"], name="kb_review_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} due {self.review_by}"

"""The database search index and search analytics.

Every searchable thing — an article, an FAQ item, a community topic, a support request — is one
`SearchEntry`, written by the indexer from its source and never edited by hand. Who may find it
is a set of access tokens (`SearchGrant`): a reader finds an entry when they hold one of its
tokens (see `access.reader_tokens`). The matching itself is SQLite FTS5 or PostgreSQL full-text
search over pre-analysed terms (see `analysis.py` and `backends/database.py`).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    key = models.CharField(max_length=100, unique=True)
    #: What the entry was made from (`page:12`, `request:7`): re-indexing a source replaces all its entries.
    source = models.CharField(max_length=100, db_index=True)
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    language = models.CharField(max_length=10, blank=True, help_text="Empty: shown whatever the reader's language.")
    product = models.CharField(max_length=100, blank=True)
    product_name = models.CharField(max_length=200, blank=True)
    site_id = models.PositiveIntegerField(null=True, blank=True)
    boost = models.FloatField(default=1.0)
    updated_at = models.DateTimeField(default=timezone.now)
    #: Shown with a result, never searched: an article's summary, a request's reference and status.
    extra = models.JSONField(default=dict, blank=True)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # PostgreSQL only (the column exists everywhere; SQLite keeps its terms in an FTS5 table).
    search_vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        # The full-text indexes depend on the database (a GIN index or an FTS5 table): migration 0002.
        indexes = [models.Index(fields=["kind"], name="search_entry_kind")]

    def __str__(self) -> str:
        return self.key


class SearchGrant(models.Model):
    """One token that lets a reader find an entry (`audience:everyone`, `user:42`, `org:7`)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="grants")
    token = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "entry"], name="search_grant_unique")]

    def __str__(self) -> str:
        return self.token


class SearchLog(models.Model):
    """One search someone ran (the first page of results), and what they opened from it."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    query = models.CharField(_("query"), max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)
    language = models.CharField(max_length=10)
    results = models.PositiveIntegerField(_("results"))
    clicked_key = models.CharField(max_length=100, blank=True)
    clicked_position = models.PositiveSmallIntegerField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("searches")

    def __str__(self) -> str:
        return self.query


class SuggestionOpened(models.Model):
    """A suggestion opened while someone wrote a support request or a community topic.

    When the same session then files the request or posts the topic, `followed_up` names it; a
    suggestion opened and not followed up is a question answered by self-service (deflection).
    """

    class Area(models.TextChoices):
        SUPPORT = "support", _("support request")
        COMMUNITY = "community", _("community topic")

    area = models.CharField(_("written"), max_length=20, choices=Area.choices, db_index=True)
    session_key = models.CharField(max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(_("typed"), max_length=200)
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(max_length=500)
    kind = models.CharField(max_length=20)
    product = models.CharField(
        _("product"), max_length=200, blank=True, help_text=_("The product of the page opened, when it has one.")
    )
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    followed_up = models.CharField(
        _("filed afterwards"), max_length=40, blank=True, help_text=_("The request's reference or the topic's number.")
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("suggestion opened")
        verbose_name_plural = _("suggestions opened")

    def __str__(self) -> str:
        return self.title


class SynonymGroup(models.Model):
    """Words that mean the same thing to a searcher, in any of the portal's languages.

    A query word that is one of them also finds the others: “wifi” finds “Wi-Fi” and “bežična
    mreža”, “lozinka” finds “šifra”, “geslo” and “password”. Editors keep the groups in the admin.
    """

    terms = models.TextField(
        _("words"),
        help_text=_("Comma-separated: wifi, wi-fi, wireless, bežična mreža, brezžično. Any language or script."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms[:80]

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]

    MAX_WORDS = 30
    MAX_WORD_LENGTH = 60

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        # One line of words: line breaks and repeated spaces folded, duplicates dropped.
        self.terms = ", ".join(dict.fromkeys(" ".join(term.split()) for term in self.term_list()))
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError({"terms": _("A group needs at least two words.")})
        if len(terms) > self.MAX_WORDS or any(len(term) > self.MAX_WORD_LENGTH for term in terms):
            raise ValidationError(
                {"terms": _("At most %(words)s words of %(length)s letters each.")
                 % {"words": self.MAX_WORDS, "length": self.MAX_WORD_LENGTH}}
            )  # fmt: skip

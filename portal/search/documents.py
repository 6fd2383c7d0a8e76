"""What gets indexed: documents built from the domain apps' content.

Search reads the knowledge base, support requests and community topics; they never import
search. A *source* is one thing that yields documents — `page:12` (an article, or an FAQ
page's items), `request:7`, `topic:3` (a topic with its replies) — and re-indexing a source
replaces all of its documents, so a deleted FAQ item or an unpublished page disappears with it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.models import Page

from knowledge_base.models import ArticlePage, FAQPage, KnowledgeBasePage
from portal.markdown import markdown_to_text

from . import access, ranking


class Kind:
    ARTICLE = "article"
    FAQ = "faq"
    TOPIC = "topic"
    REQUEST = "request"


@dataclass
class SearchDocument:
    key: str
    source: str
    kind: str
    title: str
    body: str
    url: str
    tokens: list[str]
    language: str = ""
    product: str = ""
    product_name: str = ""
    site_id: int | None = None
    boost: float = 1.0
    updated_at: datetime | None = None
    extra: dict = field(default_factory=dict)


def page_source(page_id) -> str:
    return f"page:{page_id}"


def request_source(ticket_id) -> str:
    return f"request:{ticket_id}"


def parse_source(source: str) -> tuple[str, int] | None:
    prefix, _, number = source.partition(":")
    return (prefix, int(number)) if number.isdigit() else None


# --- Help pages --------------------------------------------------------------------------------


class _ProductLookup:
    """The product of a page: that of the knowledge base it sits in (a handful, loaded once)."""

    def __init__(self):
        self.by_path = {
            kb.path: kb.product
            for kb in KnowledgeBasePage.objects.select_related("product").only("path", "depth", "product")
        }

    def __call__(self, page):
        for path, product in self.by_path.items():
            if page.path.startswith(path):
                return product
        return None


def _searchable(block, value) -> list[str]:
    """The words a reader sees in a block. Choice blocks (a heading's level, a callout's kind)
    are settings, not text: their labels ("Section", "Tip") would only add noise to snippets."""
    if isinstance(block, blocks.ChoiceBlock):
        return []
    if isinstance(block, blocks.StructBlock):
        return [part for name, child in block.child_blocks.items() for part in _searchable(child, value.get(name))]
    if isinstance(block, blocks.ListBlock):
        return [part for item in value for part in _searchable(block.child_block, item)]
    if isinstance(block, blocks.StreamBlock):
        return [part for child in value for part in _searchable(child.block, child.value)]
    return block.get_searchable_content(value) if value is not None else []


def _text(stream) -> str:
    parts = (strip_tags(str(part)).strip() for part in _searchable(stream.stream_block, stream))
    return " ".join(part for part in parts if part)


def page_documents(page, products: _ProductLookup | None = None) -> list[SearchDocument]:
    """The documents of one live, unrestricted help page: an article, or an FAQ page and each of its items."""
    products = products or _ProductLookup()
    product = products(page)
    parts = page.get_url_parts()
    if parts is None:
        return []
    site_id, _root, path = parts
    common = {
        "source": page_source(page.pk),
        "language": page.locale.language_code,
        "product": product.slug if product else "",
        "product_name": product.name if product else "",
        "site_id": site_id,
        "updated_at": page.last_published_at,
    }
    if isinstance(page, ArticlePage):
        text = _text(page.body)
        # Summaries often repeat the opening paragraph; a snippet should not say it twice.
        body = text if text.startswith(page.summary) else f"{page.summary} {text}"
        body = " ".join([body, *(tag.name for tag in page.tags.all())])
        if not hasattr(page, "feedback_votes"):  # a page not loaded by _load_pages
            page = ArticlePage.objects.annotate(**_VOTES).get(pk=page.pk)
        boost = ranking.article_boost(
            promoted=page.promoted, helpful_votes=page.feedback_helpful, votes=page.feedback_votes
        )
        return [
            SearchDocument(
                key=page_source(page.pk),
                kind=Kind.ARTICLE,
                title=page.title,
                body=body,
                url=path,
                tokens=[access.audience_token(page.audience)],
                # One article in every language and script: results show it once (service.collapse).
                extra={"summary": page.summary, "group": str(page.translation_key)},
                boost=boost,
                **common,
            )
        ]
    if isinstance(page, FAQPage):
        # The page itself ("Router questions"), and each question so it can be found on its own.
        whole = SearchDocument(
            key=page_source(page.pk),
            kind=Kind.FAQ,
            title=page.title,
            body=" ".join([page.intro, *(item.value["question"] for item in page.items)]),
            url=path,
            tokens=[access.EVERYONE],
            **common,
        )
        return [whole] + [
            SearchDocument(
                key=f"faq:{page.pk}:{number}",
                kind=Kind.FAQ,
                title=item.value["question"],
                body=f"{strip_tags(item.value['answer'].source)} {page.title}",
                url=f"{path}#q-{item.id[:8]}",
                tokens=[access.EVERYONE],
                extra={"page_title": page.title},
                **common,
            )
            for number, item in enumerate(page.items)
        ]
    return []


_VOTES = {"feedback_votes": Count("feedback", distinct=True),
          "feedback_helpful": Count("feedback", filter=Q(feedback__helpful=True), distinct=True)}  # fmt: skip


def _help_pages():
    return Page.objects.live().public().type(ArticlePage, FAQPage)


def _load_pages(ids):
    """Live, public articles and FAQ pages among these ids, ready to index (a few queries)."""
    visible = _help_pages().filter(pk__in=ids).values("pk")
    articles = (
        ArticlePage.objects.filter(pk__in=visible)
        .select_related("locale")
        .prefetch_related("tags")
        .annotate(**_VOTES)  # the ranking's helpful share, counted for the whole batch in one query
    )
    faqs = FAQPage.objects.filter(pk__in=visible).select_related("locale")
    return [*articles, *faqs]


def page_documents_for(page_ids: Iterable[int]) -> dict[str, list[SearchDocument]]:
    """Documents by source for these pages; a page that is gone, draft or restricted yields none."""
    page_ids = list(page_ids)
    found = {page_source(pk): [] for pk in page_ids}
    products = _ProductLookup()
    for page in _load_pages(page_ids):
        found[page_source(page.pk)] = page_documents(page, products)
    return found


def all_page_documents(batch_size: int = 500) -> Iterator[tuple[str, list[SearchDocument]]]:
    products = _ProductLookup()
    ids = list(_help_pages().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        for page in _load_pages(ids[start : start + batch_size]):
            yield page_source(page.pk), page_documents(page, products)


# --- Support requests --------------------------------------------------------------------------


def _ticket_tokens(ticket, sharing: dict[int, bool]) -> list[str]:
    tokens = [access.user_token(ticket.requester_id)]
    tokens += [access.user_token(person.pk) for person in ticket.cc.all()]
    if ticket.organisation_id and sharing.get(ticket.organisation_id):
        tokens.append(access.organisation_token(ticket.organisation_id))
    return sorted(set(tokens))


def ticket_document(ticket, sharing: dict[int, bool]) -> SearchDocument:
    """A request as its customer sees it: subject, description and the replies (never internal notes)."""
    messages = [markdown_to_text(message.body_source) for message in ticket.messages.all() if not message.is_internal]
    return SearchDocument(
        key=request_source(ticket.pk),
        source=request_source(ticket.pk),
        kind=Kind.REQUEST,
        title=ticket.subject,
        body=" ".join([ticket.reference, ticket.description_source, *messages]),
        url=ticket.get_absolute_url(),
        tokens=_ticket_tokens(ticket, sharing),
        updated_at=ticket.last_activity_at,
        extra={"reference": ticket.reference, "status": ticket.status},
    )


def _tickets():
    from tickets.models import Message, Ticket

    return Ticket.objects.prefetch_related(
        "cc", Prefetch("messages", queryset=Message.objects.filter(is_internal=False).order_by("created_at"))
    )


def _sharing(tickets) -> dict[int, bool]:
    from portal.accounts.models import Organisation

    ids = {ticket.organisation_id for ticket in tickets if ticket.organisation_id}
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "members_share_requests"))


def request_documents_for(ticket_ids: Iterable[int]) -> dict[str, list[SearchDocument]]:
    ticket_ids = list(ticket_ids)
    found = {request_source(pk): [] for pk in ticket_ids}
    tickets = list(_tickets().filter(pk__in=ticket_ids))
    sharing = _sharing(tickets)
    for ticket in tickets:
        found[request_source(ticket.pk)] = [ticket_document(ticket, sharing)]
    return found


def all_request_documents(batch_size: int = 500) -> Iterator[tuple[str, list[SearchDocument]]]:
    from tickets.models import Ticket

    ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        tickets = list(_tickets().filter(pk__in=ids[start : start + batch_size]))
        sharing = _sharing(tickets)
        for ticket in tickets:
            yield request_source(ticket.pk), [ticket_document(ticket, sharing)]


# --- Community topics ------------------------------------------------------------------------


def topic_source(topic_id) -> str:
    return f"topic:{topic_id}"


def _topics():
    from community.choices import PostState
    from community.models import Post, Topic

    return (
        Topic.objects.listed()
        .select_related("category__product")
        .prefetch_related(
            Prefetch("posts", queryset=Post.objects.filter(state=PostState.PUBLISHED).order_by("created_at", "pk"))
        )
    )


def topic_document(topic) -> SearchDocument:
    """A topic with its visible replies, readable by its category's audience."""
    category = topic.category
    product = category.product
    posts = list(topic.posts.all())
    return SearchDocument(
        key=topic_source(topic.pk),
        source=topic_source(topic.pk),
        kind=Kind.TOPIC,
        title=topic.title,
        body=" ".join(markdown_to_text(post.body_source) for post in posts),
        url=topic.get_absolute_url(),
        tokens=[access.audience_token(category.audience)],
        language=topic.language,
        product=product.slug if product else "",
        product_name=product.name if product else "",
        site_id=category.site_id,  # None: every brand's community shares the category
        boost=ranking.topic_boost(solved=topic.accepted_post_id is not None, last_activity_at=topic.last_activity_at),
        updated_at=topic.last_activity_at,
        extra={"solved": topic.accepted_post_id is not None, "replies": topic.reply_count, "category": category.name},
    )


def topic_documents_for(topic_ids: Iterable[int]) -> dict[str, list[SearchDocument]]:
    topic_ids = list(topic_ids)
    found = {topic_source(pk): [] for pk in topic_ids}
    for topic in _topics().filter(pk__in=topic_ids, category__is_active=True):
        found[topic_source(topic.pk)] = [topic_document(topic)]
    return found


def all_topic_documents(batch_size: int = 500) -> Iterator[tuple[str, list[SearchDocument]]]:
    ids = list(_topics().filter(category__is_active=True).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        for topic in _topics().filter(pk__in=ids[start : start + batch_size]):
            yield topic_source(topic.pk), [topic_document(topic)]


# --- All sources -------------------------------------------------------------------------------

#: Source prefix → (documents for some ids, every source's documents, count of sources).
SOURCES = {
    "page": (page_documents_for, all_page_documents, lambda: _help_pages().count()),
    "request": (request_documents_for, all_request_documents, lambda: _tickets().count()),
    "topic": (topic_documents_for, all_topic_documents, lambda: _topics().filter(category__is_active=True).count()),
}


def documents_for(sources: Iterable[str]) -> dict[str, list[SearchDocument]]:
    """Current documents of each source (an empty list: the source is gone or hidden)."""
    by_prefix: dict[str, list[int]] = {}
    for source in sources:
        parsed = parse_source(source)
        if parsed and parsed[0] in SOURCES:
            by_prefix.setdefault(parsed[0], []).append(parsed[1])
    found = {}
    for prefix, ids in by_prefix.items():
        found.update(SOURCES[prefix][0](ids))
    return found


def all_documents(batch_size: int = 500) -> Iterator[tuple[str, list[SearchDocument]]]:
    for _prefix, (_some, every, _count) in SOURCES.items():
        yield from every(batch_size)


def source_count() -> int:
    return sum(count() for _some, _every, count in SOURCES.values())

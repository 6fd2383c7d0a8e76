"""Reads for knowledge-base pages. Each runs a fixed number of queries, however many items there are."""

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from portal.cache_versions import CONTENT, versions

from .models import ArticlePage, FAQPage, FeaturedArticle, Product, SectionPage

RELATED_LIMIT = 5
POPULAR_CACHE_SECONDS = 300


def _visible_articles(user):
    return ArticlePage.objects.live().public().visible_to(user)


def section_listing(*, parent, user) -> dict:
    """What a knowledge base or section lists: its sections, FAQ pages and the articles this reader may see."""
    return {
        "sections": list(SectionPage.objects.child_of(parent).live().public()),
        "faqs": list(FAQPage.objects.child_of(parent).live().public()),
        "articles": list(_visible_articles(user).child_of(parent).order_by("-promoted", "path")),
    }


def featured_articles(*, knowledge_base, user) -> list[ArticlePage]:
    allowed = set(_visible_articles(user).descendant_of(knowledge_base).values_list("pk", flat=True))
    links = FeaturedArticle.objects.filter(knowledge_base=knowledge_base).select_related("article")
    return [link.article for link in links if link.article_id in allowed]


def promoted_articles(*, knowledge_base, user, limit: int = 6) -> list[ArticlePage]:
    return list(_visible_articles(user).descendant_of(knowledge_base).filter(promoted=True)[:limit])


def popular_articles(*, root, user, limit: int = 8) -> list[ArticlePage]:
    """Most viewed articles below `root`, by the views recorded so far.

    Summing the views is the costly part of the home and help pages, and the ranking moves slowly,
    so it is cached per audience set for a few minutes (and renewed by any publish).
    """
    from django.core.cache import cache

    from .permissions import allowed_audiences

    audiences = ",".join(sorted(allowed_audiences(user)))
    key = f"kb:popular:{versions(CONTENT)}:{root.pk}:{audiences}:{limit}"
    popular = cache.get(key)
    if popular is None:
        popular = list(
            _visible_articles(user)
            .descendant_of(root)
            .annotate(total_views=Coalesce(Sum("daily_views__views"), 0))
            .order_by("-total_views", "path")[:limit]
        )
        cache.set(key, popular, POPULAR_CACHE_SECONDS)
    return popular


def related_articles(*, article: ArticlePage, user, limit: int = RELATED_LIMIT) -> list[ArticlePage]:
    """Editor-chosen first, then articles sharing tags, then others in the same section."""
    visible = _visible_articles(user).filter(locale_id=article.locale_id).exclude(pk=article.pk)
    chosen_ids = list(article.related_links.values_list("related_id", flat=True))
    chosen = {page.pk: page for page in visible.filter(pk__in=chosen_ids)}
    result = [chosen[pk] for pk in chosen_ids if pk in chosen]
    if len(result) < limit:
        tag_ids = list(article.tags.values_list("pk", flat=True))
        if tag_ids:
            by_tags = (
                visible.filter(tags__in=tag_ids)
                .exclude(pk__in=[p.pk for p in result])
                .annotate(shared=Count("tags"))
                .order_by("-shared", "path")[: limit - len(result)]
            )
            result += list(by_tags)
    if len(result) < limit:
        parent = article.get_parent()
        siblings = visible.child_of(parent).exclude(pk__in=[p.pk for p in result]).order_by("path")
        result += list(siblings[: limit - len(result)])
    return result


def article_neighbours(*, article: ArticlePage, user) -> tuple[ArticlePage | None, ArticlePage | None]:
    """The previous and next article in the same section, in the editors' order."""
    siblings = _visible_articles(user).sibling_of(article, inclusive=False)
    previous = siblings.filter(path__lt=article.path).order_by("-path").first()
    following = siblings.filter(path__gt=article.path).order_by("path").first()
    return previous, following


SIDEBAR_CACHE_SECONDS = 600


def article_sidebar(*, article: ArticlePage, user) -> dict:
    """Related articles and the previous/next links, as titles and addresses.

    They depend only on published content and on which audiences the reader belongs to, so they
    are cached per article and audience set under the content version (bumped by any publish).
    """
    from django.core.cache import cache

    from .permissions import allowed_audiences

    audiences = ",".join(sorted(allowed_audiences(user)))
    key = f"kb:sidebar:{versions(CONTENT)}:{article.pk}:{audiences}"
    sidebar = cache.get(key)
    if sidebar is None:

        def link(page):
            return {"title": page.title, "url": page.url, "summary": page.summary} if page else None

        previous, following = article_neighbours(article=article, user=user)
        sidebar = {
            "related": [link(page) for page in related_articles(article=article, user=user)],
            "previous": link(previous),
            "next": link(following),
        }
        cache.set(key, sidebar, SIDEBAR_CACHE_SECONDS)
    return sidebar


def product_names() -> list[str]:
    """Names of the supported products, for other apps' forms (a support request's product field)."""
    return list(Product.objects.order_by("name").values_list("name", flat=True))

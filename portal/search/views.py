from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.shortcuts import render
from wagtail.models import Page, Site

from knowledge_base.models import ArticlePage, FAQPage
from knowledge_base.permissions import allowed_audiences

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Search the published pages of this site, in the reader's language, that they may see."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        hidden_articles = ArticlePage.objects.exclude(audience__in=allowed_audiences(request.user)).values("pk")
        pages = Page.objects.live().public().exclude(pk__in=hidden_articles).specific()
        site = Site.find_for_request(request)
        if site is not None:
            pages = pages.descendant_of(site.root_page.localized, inclusive=True)
        paginator = Paginator(pages.search(query), RESULTS_PER_PAGE)
        try:
            results = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            results = paginator.page(1)
    return render(
        request,
        "search/search.html",
        {"query": query, "results": results, "query_string": urlencode({"q": query})},
    )


SUGGESTION_LIMIT = 6
MIN_SUGGEST_LENGTH = 2


def suggest(request):
    """Type-ahead: JSON suggestions (title, kind, url) for help pages the reader may see."""
    query = request.GET.get("q", "").strip()[:100]
    suggestions = []
    if len(query) >= MIN_SUGGEST_LENGTH:
        hidden_articles = ArticlePage.objects.exclude(audience__in=allowed_audiences(request.user)).values("pk")
        pages = Page.objects.live().public().type(ArticlePage, FAQPage).exclude(pk__in=hidden_articles)
        site = Site.find_for_request(request)
        if site is not None:
            pages = pages.descendant_of(site.root_page.localized, inclusive=True)
        for page in pages.autocomplete(query)[:SUGGESTION_LIMIT]:
            kind = "faq" if page.content_type_id == _faq_type_id() else "article"
            suggestions.append({"title": page.title, "kind": kind, "url": page.get_url(request)})
    response = JsonResponse({"query": query, "results": suggestions})
    response["Cache-Control"] = "private, max-age=60"
    return response


def _faq_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(FAQPage).pk

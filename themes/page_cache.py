"""Whole-page cache for anonymous readers of public Wagtail pages.

It is the innermost middleware, so every other one (framing, security, language, messages) handles
a page served from the cache exactly as it handles a rendered one.

Help pages are read far more than they change. For a visitor with no session, a rendered public
page is stored in the cache under (content generation, host, language, path) and served from there
without touching the database. Pages carry forms, so the CSRF token is cut out before storing and
a fresh one for this visitor is put in when serving. Any publish, unpublish, page save or branding
change starts a new generation (see themes.brand), so readers never see a stale page for long.
Browsers and shared proxies are told not to store these pages themselves (`private`), because of
the per-visitor token; the server cache is what makes them cheap.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string

from .brand import current_generation

CACHE_SECONDS = 600
#: Headers of the rendered page that a cached copy does not repeat: they are the visitor's own or
#: are worked out again for each answer. Everything else the view set is served again as it was;
#: the middleware around this one (framing, security, language) adds its headers to both alike.
NOT_REPLAYED = {"set-cookie", "vary", "cache-control", "x-page-cache", "content-length", "date", "expires"}
TOKEN_PLACEHOLDER = "__portal_csrf_token__"  # noqa: S105 (a marker, not a secret)
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


#: Path prefix → a function naming the current version of that part of the site. Apps whose pages
#: change without a publish (the community) register one, so a change there starts afresh.
_generations: dict[str, object] = {}


def register_generation(prefix: str, generation) -> None:
    _generations[prefix] = generation


def _cache_key(request) -> str:
    extra = "".join(str(generation()) for prefix, generation in _generations.items() if request.path.startswith(prefix))
    return f"page:{current_generation()}{extra}:{request.get_host()}:{translation.get_language()}:{request.path}"


def eligible_for_page_cache(request) -> bool:
    """A visitor without a session or pending messages, asking for a page without a query string."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def mark_cacheable(request, response, *, article_id: int | None = None, on_hit: tuple[str, int] | None = None) -> None:
    """Called when a public page was rendered for an anonymous reader: remember it for the next one.

    `on_hit` names a function (dotted path) and its argument, called when the page is served from
    the cache — to count a view without rendering."""
    if not eligible_for_page_cache(request) or response.status_code != 200:
        return
    response._portal_page_cache = {"article_id": article_id, "on_hit": on_hit}


class AnonymousPageCacheMiddleware:
    """Serves and stores whole pages for visitors without a session; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not eligible_for_page_cache(request):
            return self.get_response(request)
        key = _cache_key(request)
        entry = cache.get(key)
        if entry is not None:
            return self._from_cache(request, entry)
        response = self.get_response(request)
        marker = getattr(response, "_portal_page_cache", None)
        if marker is not None:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            html = _TOKEN_FIELD.sub(rf"\g<1>{TOKEN_PLACEHOLDER}\g<2>", response.content.decode())
            headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_REPLAYED]
            cache.set(key, {"html": html, "headers": headers, **marker}, CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        return response

    def _from_cache(self, request, entry) -> HttpResponse:
        if entry.get("article_id"):
            from knowledge_base.services import record_view

            record_view(entry["article_id"])
        if entry.get("on_hit"):
            path, argument = entry["on_hit"]
            import_string(path)(argument)
        html = entry["html"].replace(TOKEN_PLACEHOLDER, get_token(request))
        response = HttpResponse(html)
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        return response

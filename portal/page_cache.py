"""Whole pages for anonymous readers: headers for HTTP caches in front, and one cache in the app.

A page every anonymous reader sees alike (no CSRF token, no session, no messages) is marked by its
view with `cache_publicly`: `Cache-Control: public, max-age=0, s-maxage=…` and
`Vary: Cookie, Accept-Language`, so Varnish or a CDN may keep it (see README, "Caching") while
browsers ask again each time. Wagtail's pages are marked by a hook (portal.wagtail_hooks).

`PageCacheMiddleware` is the same boundary inside the app, for sites without a cache in front:
it keeps a marked response whole (status, body and every header the inner middleware set) in the
shared cache and answers the next anonymous reader of the same address and language from it.
Each entry is stored beside the cache versions the address shows (portal.cache_versions) and is
served only while they are current, so a publish, an unpublish, a move, a new view restriction or
a new post is seen on the next request by every worker. The versions and the entry are read in
one round trip to the cache. Django's own cache middleware keys pages on the raw Cookie and Accept-Language headers,
which differ between visitors; this one keys them on the language the reader gets, as the Varnish
configuration in the README does.

A response that sets a cookie is never stored: a page that needed a CSRF token or a session is
not the same for everyone.

A view that must still learn of each reader answered from the cache (the search page counts
searches) attaches facts to its response with `remember`; every answer from the cache then sends
`served_from_cache` with them.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.dispatch import Signal
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .cache_versions import BRAND, COMMUNITY, CONTENT, SEARCH, versions_with

#: How long the app keeps a page (a new version makes it unreachable sooner).
APP_SECONDS = 600


def shared_seconds() -> int:
    """How long HTTP caches in front may keep a page before asking again (they are purged on
    publish, unpublish and moves of Wagtail pages; other pages simply age out)."""
    return settings.PORTAL_SHARED_CACHE_SECONDS


def eligible(request) -> bool:
    """A GET or HEAD from a visitor without a session or pending messages."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_publicly(request, response, *, shared: int | None = None):
    """Mark `response` as the same for every anonymous reader of this address and language."""
    if eligible(request) and response.status_code == 200 and not response.cookies:
        patch_cache_control(response, public=True, max_age=0, s_maxage=shared_seconds() if shared is None else shared)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


#: Sent when a stored page answers a request: ``request`` and the ``facts`` its view remembered.
served_from_cache = Signal()


def remember(response, **facts):
    """Keep `facts` with `response` if it is stored: `served_from_cache` hands them to its receivers
    each time the stored page answers."""
    response.page_cache_facts = facts
    return response


def _is_public(response) -> bool:
    directives = {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")}
    return "public" in directives


def _versions_shown(path: str) -> tuple[str, ...]:
    """The kinds of content a page at `path` shows (every page shows the brand and its footer's pages)."""
    if path == "/":
        return (CONTENT, BRAND, COMMUNITY)
    if path.startswith("/community/"):
        return (COMMUNITY, CONTENT, BRAND)
    if path.startswith("/search/"):
        return (SEARCH, CONTENT, BRAND)
    return (CONTENT, BRAND)


def page_key(request) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{request.get_host()}:{translation.get_language()}:{address}"


class PageCacheMiddleware:
    """Serves and stores anonymous pages marked public; see the module's docstring.

    It comes after the session and language middleware (the key needs the reader's language) and
    before everything else, so a stored response already carries the headers the inner middleware
    add and the outer ones add theirs to both alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not eligible(request):
            return self.get_response(request)
        key = page_key(request)
        current, found = versions_with(_versions_shown(request.path), [key])
        stored = found.get(key)
        if stored is not None and stored["versions"] == current:
            response = stored["response"]
            response["X-Page-Cache"] = "hit"
            if stored.get("facts"):
                served_from_cache.send(sender=PageCacheMiddleware, request=request, facts=stored["facts"])
            return response
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies and _is_public(response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            # Stored under the versions read before rendering: a change made meanwhile makes it stale.
            facts = getattr(response, "page_cache_facts", None)
            cache.set(key, {"versions": current, "response": response, "facts": facts}, APP_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

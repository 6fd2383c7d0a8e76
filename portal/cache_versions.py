"""Named cache versions: one number per kind of content, shared by every worker.

A cached value that shows some content is stored under a key holding the current version of that
content (``versions(CONTENT, BRAND)``). Changing the content bumps its version, so every worker's
next read misses and renders afresh; old entries simply expire. The numbers live in the default
cache, which production requires to be shared (Redis, ``REDIS_URL``): a bump made by one worker is
seen by all on their next request. Development keeps them in the process's memory.

A version starts at the current time in nanoseconds, so a number evicted from the cache comes back
larger than any used in a key before (unless it was bumped more often than once a nanosecond).
"""

import time
from contextvars import ContextVar

from django.core.cache import cache

#: Wagtail pages and what they show: publish, unpublish, move, delete, view restrictions, sites,
#: shared text snippets.
CONTENT = "content"
#: A site's branding settings (name, colours, logo, footer links).
BRAND = "brand"
#: The forum's pages: topics, posts, categories and who moderates them.
COMMUNITY = "community"
#: The search index: any entry written or removed.
SEARCH = "search"
#: Webhook subscriptions: which endpoints take which events.
WEBHOOKS = "webhooks"
#: Who may do what: groups, permissions, who belongs to which group, and memberships
#: (portal.accounts.access, portal.membership.entitlements).
ACCESS = "access"
#: Offers and what they aim at (segments, RFM groups): portal.customers.offers.
OFFERS = "offers"
#: Consent purposes (their version, whether required, active): portal.privacy.consent.
PURPOSES = "purposes"

NAMES = (CONTENT, BRAND, COMMUNITY, SEARCH, WEBHOOKS, ACCESS, OFFERS, PURPOSES)


def _key(name: str) -> str:
    if name not in NAMES:
        raise ValueError(f"Unknown cache version {name!r}; known: {', '.join(NAMES)}")
    return f"version:{name}"


def _start() -> int:
    return time.time_ns()


def versions(*names: str) -> str:
    """The current versions of `names`, joined for use in a cache key (one cache read)."""
    joined, _values = versions_with(names, ())
    return joined


#: Within one request, what has been read already: each version, and values kept by `per_request`.
_request: ContextVar[dict | None] = ContextVar("portal_request_cache", default=None)


class RequestScopeMiddleware:
    """Each version is read once per request: a page that asks for the community version three
    times (lists, categories, counters) costs one cache read, and sees one consistent version
    throughout. Outside a request (tasks, commands) every read goes to the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set({})
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def per_request(key: str, make):
    """`make()` once per request for `key` (a key that holds every version its value depends
    on); outside a request, every time."""
    memo = _request.get()
    if memo is None:
        return make()
    key = f"value:{key}"
    if key not in memo:
        memo[key] = make()
    return memo[key]


def versions_with(names, keys) -> tuple[str, dict]:
    """The current versions of `names` (joined) and the cached values of `keys`, in one cache read:
    for values stored beside the versions they were made under (the page cache)."""
    version_keys = [_key(name) for name in names]
    memo = _request.get()
    known = {key: memo[key] for key in version_keys if key in memo} if memo is not None else {}
    wanted = [key for key in version_keys if key not in known]
    # A copy: with Redis away django-redis answers every get_many with one shared empty dict, and
    # what we put in it would come back to the next caller (Wagtail's renditions read ints).
    found = dict(cache.get_many([*wanted, *keys])) if wanted or keys else {}
    for key in wanted:
        if key not in found:
            cache.add(key, _start(), None)
            found[key] = cache.get(key, _start())
        if memo is not None:
            memo[key] = found[key]
    found.update(known)
    joined = ".".join(str(found[key]) for key in version_keys)
    return joined, {key: found[key] for key in keys if key in found}


def bump(*names: str) -> None:
    """Start a new version of each of `names`: what was cached under the old one is not read again."""
    memo = _request.get()
    for name in names:
        key = _key(name)
        if memo is not None:
            memo.pop(key, None)  # this request's next read sees the new version
        try:
            cache.incr(key)
        except ValueError:  # never read yet, or evicted
            cache.add(key, _start(), None)

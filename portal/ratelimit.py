"""Counting how often someone does something, in the shared cache (Redis at scale).

One fixed window per key: the first hit starts it, and it ends `seconds` later.
"""

from django.core.cache import cache


def allow(key: str, *, limit: int, seconds: int) -> bool:
    """Count one more use of `key`; False once it has been used more than `limit` times in the window."""
    key = f"portal:rate:{key}"
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=seconds)
        return True
    # None: the shared cache is away (django-redis ignores the failure and logs it). Nobody can be
    # counted then, and refusing everyone would turn a cache outage into an outage.
    return used is None or used <= limit


def client_address(request) -> str:
    """The address a request came from (the proxy in front sets REMOTE_ADDR through the server)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"

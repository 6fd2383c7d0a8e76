"""Named cache versions: a change made through one worker is seen by every other on its next read."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from portal import cache_versions
from portal.cache_versions import BRAND, COMMUNITY, CONTENT, bump, versions

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_bumping_one_name_leaves_the_others():
    before = {name: versions(name) for name in (CONTENT, BRAND, COMMUNITY)}
    bump(COMMUNITY)
    assert versions(COMMUNITY) != before[COMMUNITY]
    assert versions(CONTENT) == before[CONTENT] and versions(BRAND) == before[BRAND]
    assert versions(CONTENT, COMMUNITY) == f"{before[CONTENT]}.{versions(COMMUNITY)}"


def test_an_unknown_name_is_refused():
    with pytest.raises(ValueError, match="Unknown cache version"):
        versions("brands")


def test_a_version_lost_from_the_cache_comes_back_larger(settings):
    from django.core.cache import cache

    bump(CONTENT)
    bump(CONTENT)
    used = int(versions(CONTENT))
    cache.delete("version:content")
    assert int(versions(CONTENT)) > used


@pytest.fixture
def two_workers(settings):
    """Two cache clients on one Redis database, as two gunicorn workers have."""
    config = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
    try:
        first = RedisCache(REDIS_URL, {})
        first.set("ping", 1)
    except Exception as exc:  # pragma: no cover - the machine starts Redis
        pytest.skip(f"Redis is not running: {exc}")
    first.clear()
    settings.CACHES = {**settings.CACHES, "default": config}
    yield caches["default"], RedisCache(REDIS_URL, {})
    caches["default"].clear()


def test_a_bump_in_one_worker_is_read_by_the_other_at_once(two_workers, monkeypatch):
    this_worker, other_worker = two_workers
    seen_before = versions(CONTENT)
    # The other worker bumps through its own client.
    monkeypatch.setattr(cache_versions, "cache", other_worker)
    bump(CONTENT)
    monkeypatch.setattr(cache_versions, "cache", this_worker)
    assert versions(CONTENT) != seen_before


def test_within_a_request_each_version_is_read_once_and_its_own_bump_is_seen():
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.cache_versions import RequestScopeMiddleware

    seen = {}

    def view(request):
        first = versions(COMMUNITY)
        cache.incr("version:community")  # another worker's change, made while this page renders
        seen["same while rendering"] = versions(COMMUNITY) == first
        bump(COMMUNITY)  # this request's own change
        seen["own change seen"] = versions(COMMUNITY) != first
        seen["last"] = versions(COMMUNITY)
        return HttpResponse()

    RequestScopeMiddleware(view)(RequestFactory().get("/"))
    assert seen["same while rendering"] and seen["own change seen"]
    assert versions(COMMUNITY) == seen["last"]  # outside the request: read from the cache again


def test_a_value_is_made_once_per_request_and_every_time_outside_one():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.cache_versions import RequestScopeMiddleware, per_request

    made = []

    def make():
        made.append(1)
        return len(made)

    def view(request):
        assert per_request("thing:1", make) == per_request("thing:1", make) == 1
        per_request("thing:2", make)
        return HttpResponse()

    RequestScopeMiddleware(view)(RequestFactory().get("/"))
    assert len(made) == 2
    made.clear()
    RequestScopeMiddleware(view)(RequestFactory().get("/"))  # the next request makes them again
    assert len(made) == 2
    per_request("thing:1", make)
    per_request("thing:1", make)
    assert len(made) == 4

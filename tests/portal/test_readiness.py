"""/readyz: the database, the shared cache (a real Redis), the task queue and search, as JSON."""

from http import HTTPStatus

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/14"}
NO_REDIS = {  # the production configuration (portal/settings/base.py), with Redis away
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
}


def test_ready_with_every_part_answering(client, settings):
    settings.CACHES = {**settings.CACHES, "default": REDIS}
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.OK, response.content
    checks = response.json()["checks"]
    assert checks["database"]["status"] == "ok" and checks["cache"]["status"] == "ok"
    assert checks["cache"]["backend"].endswith("RedisCache")
    assert checks["search"] == {"status": "ok", "backend": "database"}
    assert "no-cache" in response["Cache-Control"]


def test_without_the_shared_cache_pages_are_served_uncached_but_not_ready(client, settings, site):
    settings.CACHES = {**settings.CACHES, "default": NO_REDIS}
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["cache"]["status"] == "unavailable"
    for path in ("/", "/help/", "/community/", "/search/?q=router", "/healthz"):
        assert client.get(path).status_code == HTTPStatus.OK, path


def test_not_ready_without_the_database(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is away")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["database"] == {"status": "unavailable", "error": "OperationalError"}


def test_the_waiting_tasks_and_a_dead_search_cluster_are_reported_but_ready(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
    settings.ELASTICSEARCH_TIMEOUT = 0.2
    from portal.search import service
    from portal.search.tasks import index_sources_task

    service._elasticsearch.cache_clear()
    try:
        index_sources_task.enqueue(sources=["page:1"], subtrees=[])
        response = client.get("/readyz")
    finally:
        service._elasticsearch.cache_clear()
    assert response.status_code == HTTPStatus.OK
    checks = response.json()["checks"]
    assert checks["tasks"]["waiting"] == 1 and checks["tasks"]["oldest_waiting_seconds"] >= 0
    assert checks["search"] == {"status": "degraded", "backend": "elasticsearch", "fallback": "database"}


def test_without_the_shared_cache_nothing_of_ours_leaks_into_its_empty_answers(settings):
    """django-redis answers every get_many with one shared empty dict while Redis is away; the
    versions we read must not be written into it, or the next reader (Wagtail's renditions) gets them."""
    from django.core.cache import caches

    from portal.cache_versions import CONTENT, versions

    settings.CACHES = {**settings.CACHES, "default": NO_REDIS}
    versions(CONTENT)
    versions(CONTENT)
    assert caches["default"].get_many(["image-1-fill-100x100"]) == {}


def test_without_the_shared_cache_nobody_is_refused_for_counting(settings):
    from portal.ratelimit import allow

    settings.CACHES = {**settings.CACHES, "default": NO_REDIS}
    assert all(allow("community:post:7", limit=1, seconds=60) for _ in range(5))

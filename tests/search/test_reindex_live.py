"""On a real cluster (when ELASTICSEARCH_URL is set): searches keep answering from the old index
while a rebuild fills a new one, and find the new content once the alias switches."""

import os
import uuid
from datetime import UTC, datetime

import pytest

from portal.search.backends.base import Query
from portal.search.documents import SearchDocument

pytestmark = pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs ELASTICSEARCH_URL")


def document(key: str, title: str) -> SearchDocument:
    return SearchDocument(
        key=key, source=key.rsplit(":", 1)[0], kind="article", title=title, body=title, url=f"/help/{key}/",
        language="en", tokens=("audience:everyone",), updated_at=datetime(2026, 12, 7, tzinfo=UTC),
    )  # fmt: skip


def titles(backend, text: str) -> list[str]:
    return [hit.title for hit in backend.search(Query(text=text, tokens=("audience:everyone",))).hits]


def test_search_answers_from_the_old_index_during_a_rebuild(db):
    from portal.search.backends.elastic import ElasticsearchBackend

    alias = f"portal-test-{uuid.uuid4().hex[:8]}"
    serving = ElasticsearchBackend(os.environ["ELASTICSEARCH_URL"], alias=alias)
    rebuilding = ElasticsearchBackend(os.environ["ELASTICSEARCH_URL"], alias=alias)
    try:
        serving.replace({"page:1": [document("page:1:en", "Router firmware update")]})
        rebuilding.begin_rebuild()
        rebuilding.replace({"page:2": [document("page:2:en", "Router password reset")]})
        assert titles(serving, "router") == ["Router firmware update"]  # mid-rebuild: the old index
        rebuilding.finish_rebuild()
        assert titles(serving, "router") == ["Router password reset"]
    finally:
        serving.client.indices.delete(index=f"{alias}-*", ignore_unavailable=True)

"""The one search service: index, remove, search, suggest — whichever backend answers.

The database index is always kept (it is small and it is the fallback); with
``ELASTICSEARCH_URL`` set, Elasticsearch is kept as well and answers the searches. When the
cluster is down or too slow, that request is answered from the database and a warning logged:
the page never fails because the search engine is away.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache

from portal.cache_versions import SEARCH, versions

from . import analysis, documents
from .backends.base import Backend, Hit, Query, Results, SearchUnavailable
from .backends.database import DatabaseBackend
from .models import SearchLog

logger = logging.getLogger(__name__)

database = DatabaseBackend()

#: How long one search's answer is reused while the index does not change (any change to it
#: starts a new version, so this only bounds how long unused answers stay in the cache).
ANSWER_CACHE_SECONDS = 60


@lru_cache(maxsize=1)
def _elasticsearch(url: str):
    from .backends.elastic import ElasticsearchBackend

    return ElasticsearchBackend(url)


def elasticsearch() -> Backend | None:
    url = settings.ELASTICSEARCH_URL
    return _elasticsearch(url) if url else None


def backends() -> list[Backend]:
    """Every backend kept up to date, the one that answers searches first."""
    cluster = elasticsearch()
    return [cluster, database] if cluster else [database]


def _answer(method: str, *args):
    cluster = elasticsearch()
    if cluster is not None:
        try:
            return getattr(cluster, method)(*args), cluster.name
        except SearchUnavailable as error:
            logger.warning("Elasticsearch did not answer (%s); searching the database instead.", error)
    return getattr(database, method)(*args), database.name


def _remembered(method: str, query: Query, answer: Callable[[], tuple]) -> tuple:
    """An answer kept for a minute under the index's current version: the same search, by readers
    who may see the same things, is answered once until anything in the index changes."""
    fingerprint = hashlib.sha256(
        repr((versions(SEARCH), settings.ELASTICSEARCH_URL, method, query)).encode()
    ).hexdigest()
    key = f"search:{method}:{fingerprint}"
    found = cache.get(key)
    if found is None:
        found = answer()
        cache.set(key, found, ANSWER_CACHE_SECONDS)
    return found


def search(query: Query) -> tuple[Results, str]:
    """Results and the name of the backend that found them, each article once (see `collapse`)."""

    def answer():
        results, backend = _answer("search", query)
        results.hits = collapse(results.hits)
        return results, backend

    return _remembered("search", query, answer)


def collapse(hits: list[Hit]) -> list[Hit]:
    """One result per article: its translations and script copies on the same page of results are
    folded into the best-ranked one, which links to them (`hit.other_languages`)."""
    kept: dict[str, Hit] = {}
    out = []
    for hit in hits:
        group = (hit.extra or {}).get("group")
        first = kept.get(group) if group else None
        if first is None:
            if group:
                kept[group] = hit
            out.append(hit)
        else:
            first.other_languages.append(hit)
    return out


def suggest(query: Query, limit: int = 6) -> list[Hit]:
    return _answer("suggest", query, limit)[0]


def spelling(query: Query) -> str:
    return _remembered("spelling", query, lambda: _answer("spelling", query))[0]


def record_search(*, query: str, language: str, results: int) -> None:
    """One search someone ran, for the search terms report and the self-service figures."""
    SearchLog.objects.create(
        query=query, normalised=analysis.normalise_query(query), language=language, results=results
    )


# --- Indexing ----------------------------------------------------------------------------------


def index_sources(sources: Iterable[str]) -> int:
    """Re-read these sources and make every backend hold exactly their current documents."""
    found = documents.documents_for(set(sources))
    for backend in backends():
        try:
            backend.replace(found)
        except SearchUnavailable as error:
            # The database index is up to date; `search_index update` brings the cluster back in step.
            logger.warning("Elasticsearch was not updated (%s): run `manage.py search_index update`.", error)
    return sum(len(docs) for docs in found.values())


def rebuild(
    *,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
    backend: Backend | None = None,
    targets: list[Backend] | None = None,
) -> int:
    """Index every source from scratch without interrupting searches: the database replaces each
    source in place and drops what no longer exists at the end; Elasticsearch fills a new index
    and moves the alias to it."""
    # Documents are read once and written to every target.
    targets = targets or ([backend] if backend else backends())
    total = documents.source_count()
    done = indexed = 0
    for target in targets:
        target.begin_rebuild()
    batch: dict = {}
    for source, docs in documents.all_documents(batch_size):
        batch[source] = docs
        if len(batch) >= batch_size:
            indexed += _write(targets, batch)
            done += len(batch)
            batch = {}
            if progress:
                progress(done, total)
    indexed += _write(targets, batch)
    done += len(batch)
    for target in targets:
        target.finish_rebuild()
    if progress:
        progress(done, total)
    return indexed


def _write(targets, batch) -> int:
    for target in targets:
        target.replace(batch)
    return sum(len(docs) for docs in batch.values())

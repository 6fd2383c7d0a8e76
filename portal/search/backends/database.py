"""The embedded default: full-text search in the database the portal already uses.

Documents and queries go through the same analysis (`analysis.py`), so the database only has
to find stored terms that start with a query's terms: an FTS5 table on SQLite, a `tsvector`
column with a GIN index on PostgreSQL (both with the ``simple`` configuration — the stemming
and folding are done already). Everything else — permissions, filters, facets, paging — is the
same SQL on both.

The SQL is assembled from constant table names and placeholders only; every value, the
match expression included, is a parameter (hence the S608 exemptions below).
"""

import difflib
import json
from collections import Counter

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from .. import analysis
from ..access import EVERYONE
from ..models import SearchEntry, SearchGrant
from .base import Backend, FacetValue, Hit, Query, Results

FTS_TABLE = "portal_search_fts"
ENTRY_TABLE = SearchEntry._meta.db_table
GRANT_TABLE = SearchGrant._meta.db_table
GENERATION_KEY = "search:generation"
FACETS = ("kind", "product", "language")


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def match_expression(terms: list[tuple[str, ...]], *, match_all: bool = True, title_only: bool = False) -> str:
    """The backend's own query text for analysed terms: FTS5 MATCH syntax or a tsquery.

    Terms are \\w+ by construction and are quoted besides, so nothing typed reaches the parser
    as syntax."""
    if _postgres():
        weight = "A" if title_only else ""
        groups = ["(" + " | ".join(f"'{variant}':*{weight}" for variant in variants) + ")" for variants in terms]
        return (" & " if match_all else " | ").join(groups)
    groups = ["(" + " OR ".join(f'"{variant}"*' for variant in variants) + ")" for variants in terms]
    expression = (" AND " if match_all else " OR ").join(groups)
    return f"title : ({expression})" if title_only else expression


class DatabaseBackend(Backend):
    name = "database"

    # --- Writing ---------------------------------------------------------------------------

    def replace(self, documents_by_source: dict) -> None:
        if not documents_by_source:
            return
        with transaction.atomic():
            self._delete(SearchEntry.objects.filter(source__in=list(documents_by_source)))
            documents = [doc for docs in documents_by_source.values() for doc in docs]
            entries = SearchEntry.objects.bulk_create(
                [
                    SearchEntry(
                        key=doc.key,
                        source=doc.source,
                        kind=doc.kind,
                        title=doc.title[:300],
                        body=doc.body,
                        url=doc.url[:500],
                        language=doc.language,
                        product=doc.product,
                        product_name=doc.product_name,
                        site_id=doc.site_id,
                        boost=doc.boost,
                        updated_at=doc.updated_at or timezone.now(),
                        extra=doc.extra,
                        title_terms=analysis.index_text(doc.title, doc.language),
                        body_terms=analysis.index_text(doc.body, doc.language),
                    )
                    for doc in documents
                ],
                batch_size=500,
            )
            if not entries:
                self._bump_generation()
                return
            if not all(entry.pk for entry in entries):  # backends that do not return ids
                by_key = dict(SearchEntry.objects.filter(key__in=[e.key for e in entries]).values_list("key", "pk"))
                for entry in entries:
                    entry.pk = by_key[entry.key]
            SearchGrant.objects.bulk_create(
                [
                    SearchGrant(entry_id=entry.pk, token=token)
                    for entry, doc in zip(entries, documents, strict=True)
                    for token in set(doc.tokens)
                ],
                batch_size=1000,
            )
            ids = [entry.pk for entry in entries]
            with connection.cursor() as cursor:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    placeholders = ", ".join(["%s"] * len(chunk))
                    if _postgres():
                        cursor.execute(
                            f"UPDATE {ENTRY_TABLE} SET search_vector = "
                            "setweight(to_tsvector('simple', title_terms), 'A') || "
                            "setweight(to_tsvector('simple', body_terms), 'B') "
                            f"WHERE id IN ({placeholders})",
                            chunk,
                        )
                    else:
                        cursor.execute(
                            f"INSERT INTO {FTS_TABLE} (rowid, title, body) "
                            f"SELECT id, title_terms, body_terms FROM {ENTRY_TABLE} WHERE id IN ({placeholders})",
                            chunk,
                        )
        self._bump_generation()

    def _delete(self, entries) -> None:
        ids = list(entries.values_list("pk", flat=True))
        if not ids:
            return
        if not _postgres():
            with connection.cursor() as cursor:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)
        for start in range(0, len(ids), 500):
            SearchEntry.objects.filter(pk__in=ids[start : start + 500]).delete()

    def begin_rebuild(self) -> None:
        """A rebuild replaces every source in place, so searching goes on while it runs; entries
        older than the rebuild (of sources that no longer exist) are removed at the end."""
        self._rebuild_from = SearchEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def finish_rebuild(self) -> None:
        # Every source re-indexed got new rows; what is left at or below the mark is stale.
        with transaction.atomic():
            self._delete(SearchEntry.objects.filter(pk__lte=self._rebuild_from))
        self._bump_generation()

    def clear(self) -> None:
        with transaction.atomic():
            SearchGrant.objects.all().delete()
            SearchEntry.objects.all().delete()
            if not _postgres():
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {FTS_TABLE}")
        self._bump_generation()

    def _bump_generation(self) -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, None)

    # --- Reading ---------------------------------------------------------------------------

    def _from_where(self, query: Query, expression: str, filters: dict) -> tuple[str, list]:
        """FROM … WHERE … for the matching entries the reader may see, narrowed by `filters`."""
        params: list = []
        if _postgres():
            sql = f" FROM {ENTRY_TABLE} e WHERE e.search_vector @@ to_tsquery('simple', %s)"
        else:
            sql = f" FROM {FTS_TABLE} JOIN {ENTRY_TABLE} e ON e.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s"
        params.append(expression)
        tokens = list(query.tokens) or [EVERYONE]
        sql += (
            f" AND EXISTS (SELECT 1 FROM {GRANT_TABLE} g WHERE g.entry_id = e.id"
            f" AND g.token IN ({', '.join(['%s'] * len(tokens))}))"
        )
        params += tokens
        if query.site_id is not None:
            sql += " AND (e.site_id = %s OR e.site_id IS NULL)"
            params.append(query.site_id)
        for name, value in filters.items():
            if not value:
                continue
            if name == "language":
                sql += " AND (e.language = %s OR e.language = '')"
            elif name == "kinds":
                sql += f" AND e.kind IN ({', '.join(['%s'] * len(value))})"
                params += list(value)
                continue
            else:
                sql += f" AND e.{name} = %s"
            params.append(value)
        return sql, params

    def _score(self) -> str:
        if _postgres():
            return "ts_rank_cd(e.search_vector, to_tsquery('simple', %s)) * e.boost"
        return f"-bm25({FTS_TABLE}, 10.0, 1.0) * e.boost"

    def _hits(self, query: Query, expression: str, filters: dict, *, limit: int, offset: int = 0) -> list[Hit]:
        from_where, params = self._from_where(query, expression, filters)
        score_params = [expression] if _postgres() else []
        sql = (
            "SELECT e.key, e.kind, e.title, e.body, e.url, e.language, e.product_name, e.extra, "
            f"{self._score()} AS score{from_where} ORDER BY score DESC, e.id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*score_params, *params, limit, offset])
            rows = cursor.fetchall()
        terms = analysis.query_terms(query.text)
        hits = []
        for key, kind, title, body, url, language, product_name, extra, score in rows:
            if isinstance(extra, str):
                extra = json.loads(extra or "{}")
            hits.append(
                Hit(
                    key=key,
                    kind=kind,
                    title=title,
                    url=url,
                    snippet=analysis.highlight(body, terms, language),
                    language=language,
                    product_name=product_name,
                    extra=extra or {},
                    score=float(score or 0),
                )
            )
        return hits

    def _combinations(self, query: Query, expression: str) -> list[tuple]:
        """(kind, product, product name, language, count) of every match the reader may see."""
        from_where, params = self._from_where(query, expression, {})
        sql = f"SELECT e.kind, e.product, e.product_name, e.language, COUNT(*){from_where} GROUP BY 1, 2, 3, 4"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def search(self, query: Query) -> Results:
        terms = analysis.query_terms(query.text)
        empty = Results(hits=[], total=0, facets={name: [] for name in FACETS}, page=1, per_page=query.per_page)
        if not terms:
            return empty
        matched_all = True
        expression = match_expression(terms)
        combinations = self._combinations(query, expression)
        if not combinations and len(terms) > 1:
            matched_all = False
            expression = match_expression(terms, match_all=False)
            combinations = self._combinations(query, expression)
        selected = {"kind": query.kind, "product": query.product, "language": query.language}
        facets, total = facet_counts(combinations, selected)
        pages = max(1, -(-total // query.per_page))
        page = min(max(1, query.page), pages)
        filters = {"kinds": [query.kind] if query.kind else [], "product": query.product, "language": query.language}
        hits = (
            self._hits(query, expression, filters, limit=query.per_page, offset=(page - 1) * query.per_page)
            if total
            else []
        )
        return Results(
            hits=hits, total=total, facets=facets, page=page, per_page=query.per_page, matched_all=matched_all
        )

    def suggest(self, query: Query, limit: int) -> list[Hit]:
        terms = analysis.query_terms(query.text)
        if not terms:
            return []
        filters = {"kinds": query.kind.split(",") if query.kind else [], "language": query.language}
        return self._hits(query, match_expression(terms, title_only=True), filters, limit=limit)

    def spelling(self, query: Query) -> str:
        """Each unknown query word replaced by the closest word of a public title, if that finds something."""
        vocabulary = self._vocabulary()
        corrected, changed = [], False
        for word in analysis.words(query.text)[: analysis.MAX_QUERY_TERMS]:
            folded = analysis.fold(word)
            candidates = vocabulary.get(folded[:1], ())
            if folded in candidates or len(folded) < 3:
                corrected.append(word)
                continue
            close = difflib.get_close_matches(folded, candidates, n=1, cutoff=0.75)
            corrected.append(close[0] if close else word)
            changed = changed or bool(close)
        if not changed:
            return ""
        suggestion = " ".join(corrected)
        found = self._combinations(
            Query(text=suggestion, tokens=query.tokens, site_id=query.site_id),
            match_expression(analysis.query_terms(suggestion)),
        )
        return suggestion if found else ""

    def _vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Words of the titles everyone may read, by first letter.

        Read from every public title, so it is kept for an hour rather than rebuilt on each
        change to the index (a reply on a request changes the index too)."""
        key = "search:vocabulary"
        vocabulary = cache.get(key)
        if vocabulary is None:
            titles = SearchEntry.objects.filter(grants__token=EVERYONE).values_list("title", flat=True)
            words = Counter(
                analysis.fold(word) for title in titles.iterator(chunk_size=2000) for word in analysis.words(title)
            )
            grouped: dict[str, list[str]] = {}
            for word, _count in words.most_common():
                if len(word) >= 3 and not word.isdigit():
                    grouped.setdefault(word[0], []).append(word)
            vocabulary = {letter: tuple(found) for letter, found in grouped.items()}
            cache.set(key, vocabulary, 3600)
        return vocabulary

    def status(self) -> dict:
        by_kind = dict(SearchEntry.objects.values_list("kind").annotate(n=Count("pk")).order_by())
        return {"backend": self.name, "database": connection.vendor, "entries": sum(by_kind.values()), **by_kind}


def facet_counts(combinations: list[tuple], selected: dict[str, str]) -> tuple[dict[str, list[FacetValue]], int]:
    """Facet values with counts, and the total under all the selected filters.

    Each facet is counted under the *other* facets' filters, so a person can switch from one
    kind or language to another without first clearing their choice."""

    def passes(row: dict, skip: str) -> bool:
        for name, value in selected.items():
            if name == skip or not value:
                continue
            if name == "language":
                if row["language"] not in (value, ""):
                    return False
            elif row[name] != value:
                return False
        return True

    rows = [
        {"kind": kind, "product": product, "product_name": product_name, "language": language, "count": count}
        for kind, product, product_name, language, count in combinations
    ]
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        counts: Counter = Counter()
        labels: dict[str, str] = {}
        for row in rows:
            if passes(row, name) and row[name]:
                counts[row[name]] += row["count"]
                labels[row[name]] = row["product_name"] if name == "product" else row[name]
        facets[name] = [FacetValue(value, labels[value], count) for value, count in counts.most_common()]
    total = sum(row["count"] for row in rows if passes(row, ""))
    return facets, total

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
from collections import Counter

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from portal.cache_versions import SEARCH, bump

from .. import analysis
from ..access import EVERYONE
from ..models import SearchEntry, SearchGrant
from .base import Backend, FacetValue, Hit, Query, Results

FTS_TABLE = "portal_search_fts"
ENTRY_TABLE = SearchEntry._meta.db_table
GRANT_TABLE = SearchGrant._meta.db_table
FACETS = ("kind", "product", "language")
#: On PostgreSQL, the most title matches and the most text matches ranked for one search.
MATCH_WINDOW = 1000
#: On PostgreSQL, the most title matches ranked for one type-ahead suggestion.
SUGGEST_WINDOW = 100
#: On SQLite, the most matches (best by bm25, which FTS5 ranks in its index) taken for one search.
CANDIDATE_LIMIT = 2000


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def match_expression(terms: list[tuple[str, ...]], *, match_all: bool = True, title_only: bool = False) -> str:
    """The backend's own query text for analysed terms: FTS5 MATCH syntax or a tsquery.

    Terms are \\w+ by construction and are quoted besides, so nothing typed reaches the parser
    as syntax."""
    if _postgres():
        # Titles have their own column (title_vector) on PostgreSQL; see `_from_where`.
        groups = ["(" + " | ".join(f"'{variant}':*" for variant in variants) + ")" for variants in terms]
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
                bump(SEARCH)
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
                            "setweight(to_tsvector('simple', body_terms), 'B'), "
                            "title_vector = to_tsvector('simple', title_terms) "
                            f"WHERE id IN ({placeholders})",
                            chunk,
                        )
                    else:
                        cursor.execute(
                            f"INSERT INTO {FTS_TABLE} (rowid, title, body) "
                            f"SELECT id, title_terms, body_terms FROM {ENTRY_TABLE} WHERE id IN ({placeholders})",
                            chunk,
                        )
        bump(SEARCH)

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
        bump(SEARCH)

    def clear(self) -> None:
        with transaction.atomic():
            SearchGrant.objects.all().delete()
            SearchEntry.objects.all().delete()
            if not _postgres():
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {FTS_TABLE}")
        bump(SEARCH)

    # --- Reading ---------------------------------------------------------------------------

    def _conditions(self, query: Query, filters: dict) -> tuple[str, list]:
        """AND … conditions on entry `e`: what the reader may see, narrowed by `filters`."""
        tokens = list(query.tokens) or [EVERYONE]
        sql = (
            f" AND EXISTS (SELECT 1 FROM {GRANT_TABLE} g WHERE g.entry_id = e.id"
            f" AND g.token IN ({', '.join(['%s'] * len(tokens))}))"
        )
        params: list = list(tokens)
        if query.site_id is not None:
            sql += " AND (e.site_id = %s OR e.site_id IS NULL)"
            params.append(query.site_id)
        for name, value in filters.items():
            if not value:
                continue
            if name == "language":
                sql += " AND (e.language = %s OR e.language = '')"
                params.append(value)
            elif name == "kinds":
                sql += f" AND e.kind IN ({', '.join(['%s'] * len(value))})"
                params += list(value)
            else:
                sql += f" AND e.{name} = %s"
                params.append(value)
        return sql, params

    def _from_where(self, query: Query, expression: str, filters: dict, *, title_only: bool = False, window: int = 0):
        """FROM … [WHERE …] selecting the matching entries `e` the reader may see.

        On PostgreSQL the matches are first cut to a window: at most MATCH_WINDOW entries whose
        title matches and as many whose text does. Ranking and counting every match of a word
        found in half the corpus ("router") is what makes a database search slow; within the
        window the best title matches still come first, and a larger count is shown as "more
        than". SQLite's FTS5 ranks inside its index; there the best CANDIDATE_LIMIT are taken."""
        conditions, params = self._conditions(query, filters)
        if not _postgres():
            match = f"{FTS_TABLE} MATCH %s"
            sql = f" FROM {FTS_TABLE} JOIN {ENTRY_TABLE} e ON e.id = {FTS_TABLE}.rowid WHERE {match}{conditions}"
            return sql, [expression, *params]
        columns = ["title_vector"] if title_only else ["title_vector", "search_vector"]
        windows = [
            f"(SELECT e.id FROM {ENTRY_TABLE} e WHERE e.{column} @@ to_tsquery('simple', %s){conditions}"
            f" LIMIT {int(window or MATCH_WINDOW)})"
            for column in columns
        ]
        window_params = [value for _column in columns for value in (expression, *params)]
        return f" FROM ({' UNION '.join(windows)}) c JOIN {ENTRY_TABLE} e ON e.id = c.id", window_params

    def _score(self, *, title_only: bool = False) -> str:
        if _postgres():
            column = "title_vector" if title_only else "search_vector"
            return f"ts_rank_cd(e.{column}, to_tsquery('simple', %s)) * e.boost"
        return f"-bm25({FTS_TABLE}, 10.0, 1.0) * e.boost"

    def _candidates(
        self,
        query: Query,
        expression: str,
        filters: dict,
        *,
        title_only: bool = False,
        limit: int | None = None,
        window: int = 0,
    ) -> list[tuple]:
        """(id, kind, product, product name, language) of the matches, best first (at most a
        window's worth: see `_from_where`; on SQLite the best CANDIDATE_LIMIT by bm25)."""
        from_where, params = self._from_where(query, expression, filters, title_only=title_only, window=window)
        score_params = [expression] if _postgres() else []
        limit = limit or (None if _postgres() else CANDIDATE_LIMIT)
        sql = (
            f"SELECT e.id, e.kind, e.product, e.product_name, e.language, {self._score(title_only=title_only)} AS score"
            f"{from_where} ORDER BY score DESC, e.id"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*score_params, *params])
            return [row[:5] for row in cursor.fetchall()]

    def _hits(self, ids: list[int], text: str, *, snippets: bool = True) -> list[Hit]:
        """The entries with these ids, in this order, with their snippets."""
        fields = ["pk", "key", "kind", "title", "url", "language", "product_name", "extra"]
        by_id = {row["pk"]: row for row in SearchEntry.objects.filter(pk__in=ids).values(*fields, "body")}
        terms = analysis.query_terms(text)
        return [
            Hit(
                key=row["key"],
                kind=row["kind"],
                title=row["title"],
                url=row["url"],
                snippet=analysis.highlight(row["body"], terms, row["language"]) if snippets else "",
                language=row["language"],
                product_name=row["product_name"],
                extra=row["extra"] or {},
            )
            for row in (by_id.get(pk) for pk in ids)
            if row is not None
        ]

    def search(self, query: Query) -> Results:
        """One query for the candidates in the chosen language (counted into the kind and product
        facets here), one for the page shown. Languages are counted only when searching all of
        them: counting the others would cost a second pass over the matches."""
        terms = analysis.query_terms(query.text)
        empty = Results(hits=[], total=0, facets={name: [] for name in FACETS}, page=1, per_page=query.per_page)
        if not terms:
            return empty
        in_language = {"language": query.language}
        matched_all = True
        expression = match_expression(terms)
        rows = self._candidates(query, expression, in_language)
        if not rows and len(terms) > 1:
            matched_all = False
            expression = match_expression(terms, match_all=False)
            rows = self._candidates(query, expression, in_language)
        more = len(rows) >= (MATCH_WINDOW if _postgres() else CANDIDATE_LIMIT)
        counts = Counter(row[1:] for row in rows)
        selected = {"kind": query.kind, "product": query.product, "language": query.language}
        facets, _total = facet_counts([(*combination, n) for combination, n in counts.items()], selected)
        if query.language:
            facets["language"] = []
        chosen = [row for row in rows if _passes(row, selected)]
        if more and (query.kind or query.product):
            # The window was full: narrow inside the database, not just within the window.
            narrowed = {"kinds": [query.kind] if query.kind else [], "product": query.product, **in_language}
            chosen = self._candidates(query, expression, narrowed)
        total = len(chosen)
        pages = max(1, -(-total // query.per_page))
        page = min(max(1, query.page), pages)
        start = (page - 1) * query.per_page
        ids = [row[0] for row in chosen[start : start + query.per_page]]
        return Results(
            hits=self._hits(ids, query.text) if ids else [],
            total=total,
            facets=facets,
            page=page,
            per_page=query.per_page,
            matched_all=matched_all,
            more=more,
        )

    def suggest(self, query: Query, limit: int) -> list[Hit]:
        terms = analysis.query_terms(query.text)
        if not terms:
            return []
        filters = {"kinds": query.kind.split(",") if query.kind else [], "language": query.language}
        expression = match_expression(terms, title_only=True)
        rows = self._candidates(query, expression, filters, title_only=True, limit=limit, window=SUGGEST_WINDOW)
        return self._hits([row[0] for row in rows], query.text, snippets=False) if rows else []

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
        found = self._candidates(
            Query(text=suggestion, tokens=query.tokens, site_id=query.site_id),
            match_expression(analysis.query_terms(suggestion)),
            {},
            limit=1,
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


def _passes(row: tuple, selected: dict[str, str]) -> bool:
    """Whether a candidate (id, kind, product, product name, language) is within the chosen facets."""
    _id, kind, product, _name, language = row
    return (
        (not selected["kind"] or kind == selected["kind"])
        and (not selected["product"] or product == selected["product"])
        and (not selected["language"] or language in (selected["language"], ""))
    )


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

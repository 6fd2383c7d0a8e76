"""Elasticsearch, for search at scale (``ELASTICSEARCH_URL``).

Mappings are explicit: every text field is analysed three ways — folded (Cyrillic to Latin,
diacritics removed: the built-in ``serbian_normalization`` and ``asciifolding`` filters), English
(stemmed) and Serbian (stemmed) — and titles also as ``search_as_you_type`` for suggestions.
Readers' access tokens, kinds, products and languages are keywords used as filters and facets.

Searches go to an alias; a rebuild fills a new index and moves the alias in one atomic step, so
searching never stops while the index is rebuilt.

Query and mapping construction are plain functions (`mapping`, `build_search`, …) so they can
be checked without a cluster.
"""

import time

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers
from elasticsearch_dsl import (
    Date,
    Document,
    Float,
    Integer,
    Keyword,
    Object,
    Q,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
    token_filter,
)

from .. import analysis
from .base import Backend, FacetValue, Hit, Query, Results, SearchUnavailable

FACETS = ("kind", "product", "language")
HIGHLIGHT_LENGTH = 220

folding = analyzer(
    "portal_folding",
    tokenizer="standard",
    filter=["lowercase", "serbian_normalization", "asciifolding"],
)
#: Serbian stemming on folded text: the Serbian stemmer copes with words typed without diacritics.
serbian_folded = analyzer(
    "portal_serbian",
    tokenizer="standard",
    filter=[
        "lowercase",
        "serbian_normalization",
        token_filter("portal_serbian_stemmer", type="stemmer", language="serbian"),
        "asciifolding",
    ],
)


#: The editors' synonym groups (portal.search.synonyms), applied to queries only: a synonym graph
#: at search time keeps the index the same when a group changes. Filled in when an index is created.
SYNONYMS_FILTER = "portal_synonyms"
folding_with_synonyms = analyzer(
    "portal_folding_synonyms",
    tokenizer="standard",
    filter=[
        "lowercase",
        "serbian_normalization",
        "asciifolding",
        token_filter(SYNONYMS_FILTER, type="synonym_graph", synonyms=[], lenient=True),
    ],
)


def _text(**extra) -> Text:
    return Text(
        analyzer=folding,
        search_analyzer=folding_with_synonyms,
        fields={"en": Text(analyzer="english"), "sr": Text(analyzer=serbian_folded), **extra},
    )


class SearchDocumentIndex(Document):
    key = Keyword()
    source = Keyword()
    kind = Keyword()
    title = _text(suggest=SearchAsYouType(analyzer=folding))
    body = _text()
    url = Keyword(index=False)
    language = Keyword()
    product = Keyword()
    product_name = Keyword(index=False)
    site_id = Integer()
    boost = Float()
    updated_at = Date()
    tokens = Keyword()
    extra = Object(enabled=False)


def index_settings() -> dict:
    return {"number_of_shards": 1, "number_of_replicas": int(getattr(settings, "ELASTICSEARCH_REPLICAS", 0))}


def index_body() -> dict:
    """What a new index is created with: the analyzers, the shard settings and the mappings."""
    from elasticsearch_dsl import Index

    from .. import synonyms

    index = Index("portal-search")
    index.settings(**index_settings())
    index.document(SearchDocumentIndex)
    body = index.to_dict()
    body["settings"]["analysis"]["filter"][SYNONYMS_FILTER]["synonyms"] = synonyms.elasticsearch_rules()
    return body


FIELDS = ["title^3", "title.en^3", "title.sr^3", "body", "body.en", "body.sr"]


def _base_filters(query: Query) -> list:
    filters = [Q("terms", tokens=list(query.tokens) or ["audience:everyone"])]
    if query.site_id is not None:
        filters.append(Q("bool", should=[Q("term", site_id=query.site_id), ~Q("exists", field="site_id")]))
    return filters


def _facet_filter(name: str, value: str):
    if name == "language":
        return Q("terms", language=[value, ""])
    if name == "kind":
        return Q("terms", kind=value.split(","))
    return Q("term", **{name: value})


def build_search(query: Query, *, match_all: bool = True) -> Search:
    """The search request: match, permissions, facets (each counted without its own filter), highlight."""
    selected = {"kind": query.kind, "product": query.product, "language": query.language}
    match = Q("multi_match", query=query.text, fields=FIELDS, type="most_fields", operator="and" if match_all else "or")
    # A word one or two letters off still matches, below exact matches: the first letter must be right
    # and exact words keep their own clause, so a typo never outranks what was typed correctly.
    fuzzy = Q(
        "multi_match", query=query.text, fields=["title", "body"], fuzziness="AUTO", prefix_length=1,
        operator="and" if match_all else "or", boost=0.3,
    )  # fmt: skip
    # Prefix matching on the last word, as a person still typing it expects.
    prefix = Q("multi_match", query=query.text, fields=["title.suggest", "body"], type="phrase_prefix", boost=0.5)
    search = Search().query(
        Q(
            "function_score",
            query=Q("bool", should=[match, fuzzy, prefix], minimum_should_match=1, filter=_base_filters(query)),
            field_value_factor={"field": "boost", "missing": 1.0},
            boost_mode="multiply",
        )
    )
    post = [_facet_filter(name, value) for name, value in selected.items() if value]
    if post:
        search = search.post_filter(Q("bool", filter=post))
    for name in FACETS:
        others = [_facet_filter(other, value) for other, value in selected.items() if value and other != name]
        bucket = search.aggs.bucket(f"{name}_facet", "filter", filter=Q("bool", filter=others))
        bucket.bucket("values", "terms", field=name, size=50)
        if name == "product":
            bucket["values"].bucket("label", "terms", field="product_name", size=1)
    search = search.highlight_options(
        encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"], fragment_size=HIGHLIGHT_LENGTH
    ).highlight("body", number_of_fragments=1, no_match_size=HIGHLIGHT_LENGTH)
    start = (max(1, query.page) - 1) * query.per_page
    return search.extra(track_total_hits=True).source(excludes=["body"])[start : start + query.per_page]


def build_suggest(query: Query, limit: int) -> Search:
    filters = _base_filters(query)
    if query.kind:
        filters.append(_facet_filter("kind", query.kind))
    if query.language:
        filters.append(_facet_filter("language", query.language))
    match = Q(
        "multi_match",
        query=query.text,
        type="bool_prefix",
        fields=["title.suggest", "title.suggest._2gram", "title.suggest._3gram"],
    )
    return Search().query(Q("bool", must=[match], filter=filters)).source(["title", "kind", "url"])[:limit]


def build_spelling(query: Query) -> Search:
    return Search().suggest("spelling", query.text, term={"field": "title", "suggest_mode": "missing"})[:0]


class ElasticsearchBackend(Backend):
    name = "elasticsearch"

    def __init__(self, url: str, *, alias: str | None = None, timeout: float | None = None):
        self.alias = alias or getattr(settings, "ELASTICSEARCH_INDEX", "portal-search")
        self.client = Elasticsearch(
            url,
            request_timeout=timeout or float(getattr(settings, "ELASTICSEARCH_TIMEOUT", 2.0)),
            max_retries=0,
        )
        self._building: str | None = None

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (TransportError, ApiError) as error:
            raise SearchUnavailable(str(error)) from error

    # --- Writing ---------------------------------------------------------------------------

    def _new_index(self) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 100000}"
        self._call(self.client.indices.create, index=name, **index_body())
        return name

    def ensure_index(self) -> None:
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            name = self._new_index()
            self._call(self.client.indices.put_alias, index=name, name=self.alias)

    def replace(self, documents_by_source: dict) -> None:
        if not documents_by_source:
            return
        target = self._building or self.alias
        if not self._building:
            self.ensure_index()
        self._call(
            self.client.delete_by_query,
            index=target,
            query={"terms": {"source": list(documents_by_source)}},
            refresh=True,
            conflicts="proceed",
        )
        actions = [
            {
                "_index": target,
                "_id": doc.key,
                "_source": {
                    "key": doc.key,
                    "source": doc.source,
                    "kind": doc.kind,
                    "title": doc.title,
                    "body": doc.body,
                    "url": doc.url,
                    "language": doc.language,
                    "product": doc.product,
                    "product_name": doc.product_name,
                    "site_id": doc.site_id,
                    "boost": doc.boost,
                    "updated_at": doc.updated_at.isoformat() if doc.updated_at else None,
                    "tokens": sorted(set(doc.tokens)),
                    "extra": doc.extra,
                },
            }
            for docs in documents_by_source.values()
            for doc in docs
        ]
        if actions:
            self._call(helpers.bulk, self.client, actions, refresh="wait_for")

    def begin_rebuild(self) -> None:
        self._building = self._new_index()

    def finish_rebuild(self) -> None:
        new, self._building = self._building, None
        old = list(self._call(self.client.indices.get_alias, name=self.alias, ignore_unavailable=True) or {})
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self._call(self.client.indices.update_aliases, actions=actions)
        for name in old:
            self._call(self.client.indices.delete, index=name)

    def clear(self) -> None:
        self.begin_rebuild()
        self.finish_rebuild()

    # --- Reading ---------------------------------------------------------------------------

    def _execute(self, search: Search) -> dict:
        return self._call(self.client.search, index=self.alias, **search.to_dict()).body

    def search(self, query: Query) -> Results:
        if not analysis.words(query.text):
            return Results(hits=[], total=0, facets={n: [] for n in FACETS}, page=1, per_page=query.per_page)
        answer = self._execute(build_search(query))
        matched_all = True
        if not answer["hits"]["total"]["value"] and len(analysis.words(query.text)) > 1:
            matched_all = False
            answer = self._execute(build_search(query, match_all=False))
        total = answer["hits"]["total"]["value"]
        pages = max(1, -(-total // query.per_page))
        if query.page > pages:
            query = Query(**{**query.__dict__, "page": pages})
            answer = self._execute(build_search(query, match_all=matched_all))
        terms = analysis.query_terms(query.text)
        hits = []
        for item in answer["hits"]["hits"]:
            source = item["_source"]
            fragments = item.get("highlight", {}).get("body", [])
            hits.append(
                Hit(
                    key=source["key"],
                    kind=source["kind"],
                    title=source["title"],
                    url=source["url"],
                    snippet=fragments[0] if fragments else analysis.highlight("", terms, source.get("language", "")),
                    language=source.get("language", ""),
                    product_name=source.get("product_name", ""),
                    extra=source.get("extra") or {},
                    score=float(item.get("_score") or 0),
                )
            )
        facets = {}
        for name in FACETS:
            buckets = answer.get("aggregations", {}).get(f"{name}_facet", {}).get("values", {}).get("buckets", [])
            values = []
            for bucket in buckets:
                if not bucket["key"]:
                    continue
                label = bucket["key"]
                if name == "product" and bucket.get("label", {}).get("buckets"):
                    label = bucket["label"]["buckets"][0]["key"]
                values.append(FacetValue(bucket["key"], label, bucket["doc_count"]))
            facets[name] = values
        return Results(
            hits=hits,
            total=total,
            facets=facets,
            page=max(1, min(query.page, pages)),
            per_page=query.per_page,
            matched_all=matched_all,
        )

    def suggest(self, query: Query, limit: int) -> list[Hit]:
        if not analysis.words(query.text):
            return []
        answer = self._execute(build_suggest(query, limit))
        return [
            Hit(
                key=item["_id"],
                kind=item["_source"]["kind"],
                title=item["_source"]["title"],
                url=item["_source"]["url"],
            )
            for item in answer["hits"]["hits"]
        ]

    def spelling(self, query: Query) -> str:
        answer = self._execute(build_spelling(query))
        corrected, changed = [], False
        for entry in answer.get("suggest", {}).get("spelling", []):
            options = entry.get("options") or []
            corrected.append(options[0]["text"] if options else entry["text"])
            changed = changed or bool(options)
        return " ".join(corrected) if changed else ""

    def status(self) -> dict:
        count = self._call(self.client.count, index=self.alias)["count"]
        indexes = list(self._call(self.client.indices.get_alias, name=self.alias) or {})
        return {"backend": self.name, "alias": self.alias, "indexes": ",".join(indexes), "entries": count}

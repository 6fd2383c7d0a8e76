"""What the Elasticsearch backend sends on a rebuild, read off the wire.

Elasticsearch cannot run on every machine, so a small HTTP server here answers as a cluster
would (with the product header the client checks) and keeps every request it got. The backend,
the elasticsearch-dsl documents and the client run unchanged; the test reads the index body, the
bulk lines and the alias switch as the JSON that went over HTTP.
"""

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.search.backends import elastic
from portal.search.documents import SearchDocument


class Cluster(BaseHTTPRequestHandler):
    requests: list = []
    aliases: dict = {}

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, body=None):
        data = json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path = self.path.split("?", 1)[0]
        self.requests.append((self.command, path, raw))
        if path.startswith("/_alias/"):
            name = path.removeprefix("/_alias/")
            owners = {index: {"aliases": {name: {}}} for index, alias in self.aliases.items() if alias == name}
            return self._answer(200 if owners else 404, owners)
        if path == "/_aliases":
            for action in json.loads(raw)["actions"]:
                ((kind, target),) = action.items()
                if kind == "add":
                    self.aliases[target["index"]] = target["alias"]
                else:
                    self.aliases.pop(target["index"], None)
            return self._answer(200, {"acknowledged": True})
        if path == "/_bulk":
            lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
            items = [{"index": {"_id": line["index"]["_id"], "status": 201}} for line in lines if "index" in line]
            return self._answer(200, {"errors": False, "took": 1, "items": items})
        if path.endswith("/_search"):
            empty = {"took": 1, "timed_out": False, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
            return self._answer(200, empty)
        if path.endswith("/_delete_by_query"):
            return self._answer(200, {"deleted": 0, "failures": []})
        if self.command == "PUT":
            return self._answer(200, {"acknowledged": True, "index": path.strip("/")})
        return self._answer(200, {"acknowledged": True})

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


@pytest.fixture
def cluster():
    Cluster.requests, Cluster.aliases = [], {"portal-search-old": "portal-search"}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Cluster)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_rebuild_creates_the_index_with_its_analyzers_fills_it_and_switches_the_alias(cluster, db):
    from portal.search.models import SynonymGroup

    SynonymGroup.objects.create(terms="lozinka, šifra, password")
    backend = elastic.ElasticsearchBackend(cluster)
    document = SearchDocument(
        key="page:1:en", source="page:1", kind="article", title="Šifra za Wi-Fi", body="Kako promeniti šifru",
        url="/help/wifi/", language="sr-latn", product="router-ax3", product_name="Router AX3",
        tokens=("audience:everyone",), updated_at=datetime(2026, 12, 6, tzinfo=UTC),
    )  # fmt: skip
    backend.begin_rebuild()
    backend.replace({"page:1": [document]})
    backend.finish_rebuild()

    created = [
        (path, json.loads(raw)) for method, path, raw in Cluster.requests if method == "PUT" and path != "/_bulk"
    ]
    ((path, body),) = created
    new_index = path.strip("/")
    assert new_index.startswith("portal-search-")
    assert body == json.loads(json.dumps(elastic.index_body()))
    analyzers = body["settings"]["analysis"]["analyzer"]
    assert analyzers["portal_folding"]["filter"] == ["lowercase", "serbian_normalization", "asciifolding"]
    assert "portal_serbian_stemmer" in body["settings"]["analysis"]["filter"]
    synonyms = body["settings"]["analysis"]["filter"]["portal_synonyms"]  # the editors' groups, at query time
    assert synonyms["type"] == "synonym_graph" and synonyms["synonyms"] == ["lozinka, sifra, password"]
    title = body["mappings"]["properties"]["title"]
    assert (title["analyzer"], sorted(title["fields"])) == ("portal_folding", ["en", "sr", "suggest"])
    assert body["mappings"]["properties"]["extra"] == {"enabled": False, "type": "object"}

    bulk = next(raw for method, path, raw in Cluster.requests if path == "/_bulk")
    action, source = (json.loads(line) for line in bulk.splitlines() if line.strip())
    assert action == {"index": {"_id": "page:1:en", "_index": new_index}}
    assert source["title"] == "Šifra za Wi-Fi" and source["tokens"] == ["audience:everyone"]

    switch = json.loads(next(raw for method, path, raw in Cluster.requests if path == "/_aliases"))
    assert switch == {
        "actions": [
            {"remove": {"index": "portal-search-old", "alias": "portal-search"}},
            {"add": {"index": new_index, "alias": "portal-search"}},
        ]
    }
    assert ("DELETE", "/portal-search-old", "") in Cluster.requests


def test_while_a_rebuild_fills_a_new_index_searches_read_the_old_one_through_the_alias(cluster, db):
    from portal.search.backends.base import Query

    rebuilding, serving = elastic.ElasticsearchBackend(cluster), elastic.ElasticsearchBackend(cluster)
    rebuilding.begin_rebuild()
    serving.search(Query(text="router", tokens=("audience:everyone",)))
    rebuilding.finish_rebuild()
    searched = [path for method, path, raw in Cluster.requests if path.endswith("/_search")]
    assert searched == ["/portal-search/_search"]  # the alias, which still named the old index then
    switched = [n for n, (method, path, raw) in enumerate(Cluster.requests) if path == "/_aliases"]
    asked = [n for n, (method, path, raw) in enumerate(Cluster.requests) if path.endswith("/_search")]
    assert asked[0] < switched[0]

"""The search page kept whole for visitors: every search still counted, clicks still attributed."""

import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.search.models import SearchLog

from .conftest import indexed

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def test_a_visitors_search_is_answered_from_the_cache_and_still_counted(client, content, database):
    indexed(database)
    first = client.get(SEARCH, {"q": "password"})
    assert first["X-Page-Cache"] == "miss"
    assert "public" in first["Cache-Control"] and "s-maxage=0" in first["Cache-Control"]  # not kept in front
    with CaptureQueriesContext(connection) as queries:
        again = client.get(SEARCH, {"q": "password"})
    assert again["X-Page-Cache"] == "hit" and again.content == first.content
    assert len(queries) == 1  # the search recorded, nothing else
    logs = list(SearchLog.objects.values_list("query", "language", "results"))
    assert len(logs) == 2 and logs[0] == logs[1] and logs[0][2] > 0


def test_narrowing_a_cached_search_is_not_a_new_search(client, content, database):
    indexed(database)
    html = client.get(SEARCH, {"q": "router"}).content.decode()
    facet = html.split('aria-labelledby="facet-kind"')[1].split('href="')[2].split('"')[0].replace("&amp;", "&")
    client.get(SEARCH + facet)
    assert client.get(SEARCH + facet)["X-Page-Cache"] == "hit"
    assert SearchLog.objects.count() == 1


def test_a_click_from_a_cached_page_goes_to_the_newest_search_once(client, content, database):
    indexed(database)
    client.get(SEARCH, {"q": "password"})
    page = client.get(SEARCH, {"q": "password"}).content.decode()  # from the cache
    links = [part.split('"')[0].replace("&amp;", "&") for part in page.split('class="result__title" href="')[1:]]
    client.get(links[0])
    client.get(links[1])  # back, and another result: not a second click
    first, second = SearchLog.objects.order_by("pk")
    assert first.clicked_key == "" and second.clicked_position == 1
    assert SearchLog.objects.exclude(clicked_key="").count() == 1


def test_signed_in_readers_get_their_own_page(client, content, customer, database):
    indexed(database)
    client.force_login(customer)
    client.get(SEARCH, {"q": "quasar"})
    response = client.get(SEARCH, {"q": "quasar"})
    assert "X-Page-Cache" not in response and "public" not in response.get("Cache-Control", "")
    assert content["ticket"].reference in response.content.decode()
    assert SearchLog.objects.count() == 2


def test_searches_are_counted_by_a_worker_that_has_served_only_cached_pages():
    # A worker's first requests may all be answered by the page cache, before any view module
    # (or the URLconf) is imported: the receiver must be connected when the app is ready.
    code = (
        "import django; django.setup(); import sys;"
        "from portal.page_cache import served_from_cache;"
        "print(served_from_cache.has_listeners(), 'portal.search.views' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]

"""The search page, suggestions, click-through, index updates, fallback, analytics and the command."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from portal.search import service
from portal.search.backends import elastic
from portal.search.backends.base import Query
from portal.search.demo import seed_synonyms
from portal.search.models import SearchEntry, SearchLog
from tests.factories import UserFactory

from .conftest import EVERYONE, add_article, indexed, publish

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def test_the_page_lists_ranked_results_with_facets_and_highlights(client, content, database):
    indexed(database)
    response = client.get(SEARCH, {"q": "password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Change the Wi-Fi password" in html and "<mark>password</mark>" in html
    assert 'aria-labelledby="facet-kind"' in html and "Router AX3" in html
    narrowed = client.get(SEARCH, {"q": "router", "kind": "faq"}).content.decode()
    assert "Does it work with fibre?" in narrowed and "Set up the router" not in narrowed


def test_signed_in_customers_see_their_requests_among_the_results(client, content, customer, database):
    indexed(database)
    assert "Router reboots at midnight" not in client.get(SEARCH, {"q": "quasar"}).content.decode()
    client.force_login(customer)
    html = client.get(SEARCH, {"q": "quasar"}).content.decode()
    assert "Router reboots at midnight" in html and content["ticket"].reference in html


def test_nothing_in_the_readers_language_widens_to_all_languages(client, content, database):
    indexed(database)
    html = client.get(SEARCH, {"q": "šifru"}).content.decode()
    assert "Kako da promenite šifru za Wi-Fi" in html and "from all languages" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 10_000},
        {"q": '"'},
        {"q": "*"},
        {"q": "("},
        {"q": "OR"},
        {"q": "-"},
        {"q": "\\"},
        {"q": "pass\x00word\x07\x1b"},
        {"q": "router", "page": "-1"},
        {"q": "router", "page": "999999"},
        {"q": "router", "page": "abc"},
    ],
)
def test_odd_input_gets_a_clear_page(client, content, database, params):
    indexed(database)
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert b"<h1>Search</h1>" in response.content


def test_a_long_query_is_shortened_and_says_so(client, content, database):
    indexed(database)
    html = client.get(SEARCH, {"q": "router " * 2000}).content.decode()
    assert "Only the first 200 characters" in html


@pytest.mark.parametrize("params", [{"kind": "spaceship"}, {"language": "tlh"}, {"product": "no such/thing"}])
def test_an_unknown_facet_value_is_a_400_that_says_why(client, content, database, params):
    indexed(database)
    response = client.get(SEARCH, {"q": "router", **params})
    assert response.status_code == 400
    assert "not one this search knows" in response.content.decode()
    assert "Set up the router" in response.content.decode()  # still searched, without that filter


def test_a_misspelling_shows_the_close_spellings_results_with_a_way_back(client, content, database):
    indexed(database)
    html = client.get(SEARCH, {"q": "firmwre"}).content.decode()
    assert "Showing results for “firmware”" in html and "Update the firmware" in html
    assert "?q=firmwre&amp;exact=1" in html
    exact = client.get(SEARCH, {"q": "firmwre", "exact": "1"}).content.decode()  # what was typed, as typed
    assert "Nothing matched" in exact and "Ask the community" in exact and "Contact support" in exact
    assert "Popular articles" in exact
    assert 'class="did-you-mean">firmware<' in exact
    exact_hit = client.get(SEARCH, {"q": "firmware"}).content.decode()
    assert "Showing results for" not in exact_hit and "did-you-mean" not in exact_hit  # never on exact hits


def test_few_results_offer_a_close_spelling_that_finds_more_beside_them(client, content, database):
    indexed(database)
    html = client.get(SEARCH, {"q": "wifi pasword"}).content.decode()
    # "wifi" alone matched some articles; "wifi password" matches all its words in more of them.
    assert "Nothing contained all of your words" in html
    assert 'class="did-you-mean">wifi password<' in html and "Showing results for" not in html
    assert "Set up the router" in html  # the results of what was typed stay


def test_few_results_found_as_typed_get_no_spelling(client, content, database):
    typo = add_article(content["kb"].section, "Guest network")
    typo.summary = "Guests get their own pasword."
    publish(typo)
    indexed(database)
    html = client.get(SEARCH, {"q": "pasword"}).content.decode()
    assert "Guest network" in html
    assert "did-you-mean" not in html and "Showing results for" not in html  # never on exact hits


def test_search_page_queries_are_pinned(client, content, customer, database):
    client.force_login(customer)  # rendered each time (a visitor's page comes from the cache: test_cached_search)
    indexed(database)
    client.get(SEARCH, {"q": "router"})  # warm the site and settings caches
    with CaptureQueriesContext(connection) as first:
        client.get(SEARCH, {"q": "router"})
    for i in range(6):
        add_article(content["kb"].section, f"Router tip {i}")
    indexed(database)
    client.get(SEARCH, {"q": "router"})
    with CaptureQueriesContext(connection) as second:
        client.get(SEARCH, {"q": "router"})
    # combinations (facets + total), one page of hits, the search log — whatever the number of results
    assert len(first) == len(second) <= 5


def test_opening_a_result_records_the_click_once_and_goes_there(client, content, database):
    indexed(database)
    client.get(SEARCH, {"q": "password"})
    log = SearchLog.objects.get()
    assert log.results > 0 and log.normalised == "password"
    page = client.get(SEARCH, {"q": "password"}).content.decode()
    link = page.split('class="result__title" href="')[1].split('"')[0].replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == content["kb"].second.get_url_parts()[2]
    client.get(link)
    second = SearchLog.objects.order_by("pk").last()
    assert second.clicked_key == f"page:{content['kb'].second.pk}" and second.clicked_position == 1
    assert SearchLog.objects.exclude(clicked_key="").count() == 1


def test_result_links_never_open_what_the_reader_may_not_see(client, content, database):
    indexed(database)
    members_only = f"page:{content['kb'].members_only.pk}"
    assert client.get(reverse("search:click"), {"key": members_only}).status_code == 404
    assert client.get(reverse("search:click"), {"key": f"request:{content['ticket'].pk}"}).status_code == 404
    assert client.get(reverse("search:click"), {"key": "page:1", "log": "forged"}).status_code == 404


def test_suggest_answers_json_the_reader_may_open(client, content, database):
    indexed(database)
    data = client.get(reverse("search:suggest"), {"q": "chan"}).json()
    assert data["results"][0] == {
        "title": "Change the Wi-Fi password",
        "kind": "article",
        "url": content["kb"].second.get_url_parts()[2],
    }
    assert client.get(reverse("search:suggest"), {"q": "prior"}).json()["results"] == []
    assert client.get(reverse("search:suggest"), {"q": "c"}).json()["results"] == []
    assert client.get(reverse("search:suggest"), {"q": "chan", "kind": "rocket"}).status_code == 400
    assert client.get(reverse("search:suggest"), {"q": "\x00(*"}).status_code == 200
    # While filing: what people type, not what the title says ("Wi-Fi", "password").
    seed_synonyms()
    for typed in ("wifi password", "wifi lozinka", "wireless pass"):
        titles = [hit["title"] for hit in client.get(reverse("search:suggest"), {"q": typed}).json()["results"]]
        assert "Change the Wi-Fi password" in titles, typed


def test_publishing_unpublishing_and_restricting_update_the_index(
    content, database, django_capture_on_commit_callbacks
):
    indexed(database)
    kb = content["kb"]
    with django_capture_on_commit_callbacks(execute=True):
        article = add_article(kb.section, "Mesh satellites explained")
    assert ask_keys("satellites") == [f"page:{article.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Mesh nodes explained"
        article.summary = "Where to place the quokka nodes."
        publish(article)
    assert ask_keys("quokka") == [f"page:{article.pk}"]
    assert SearchEntry.objects.get(key=f"page:{article.pk}").title == "Mesh nodes explained"
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert ask_keys("quokka") == []
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=kb.section, restriction_type=PageViewRestriction.LOGIN)
    assert f"page:{kb.third.pk}" not in ask_keys("firmware")
    with django_capture_on_commit_callbacks(execute=True):
        kb.third.delete()
    assert not SearchEntry.objects.filter(source=f"page:{kb.third.pk}").exists()


def test_replies_and_cc_changes_reindex_the_request(
    content, customer, agent, database, django_capture_on_commit_callbacks
):
    from portal.search.access import user_token
    from tickets import services

    indexed(database)
    ticket = content["ticket"]
    with django_capture_on_commit_callbacks(execute=True):
        services.add_agent_reply(ticket=ticket, agent=agent, body="Try the nebula switch")
    tokens = ("audience:everyone", user_token(customer.pk))
    assert ask_keys("nebula", tokens) == [f"request:{ticket.pk}"]
    colleague = UserFactory(role="customer")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_cc(ticket=ticket, actor=customer, addresses=[colleague.email])
    assert ask_keys("nebula", ("audience:everyone", user_token(colleague.pk))) == [f"request:{ticket.pk}"]


def ask_keys(text, tokens=EVERYONE):
    return [hit.key for hit in service.database.search(Query(text=text, tokens=tuple(tokens))).hits]


def test_a_cluster_that_does_not_answer_falls_back_to_the_database(client, content, settings, caplog):
    settings.ELASTICSEARCH_URL = ""
    indexed(service.database)
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    service._elasticsearch.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="portal.search.service"):
            response = client.get(SEARCH, {"q": "password"})
            suggestions = client.get(reverse("search:suggest"), {"q": "chan"}).json()
        assert response.status_code == 200 and "Change the Wi-Fi password" in response.content.decode()
        assert suggestions["results"]
        assert "searching the database instead" in caplog.text
        # Writing to the index still reaches the database, and the command says what it could not reach.
        assert service.index_sources([f"page:{content['kb'].second.pk}"]) == 1
    finally:
        service._elasticsearch.cache_clear()


def test_elasticsearch_mapping_folds_stems_and_suggests():
    body = elastic.index_body()
    analysers = body["settings"]["analysis"]["analyzer"]
    assert analysers["portal_folding"]["filter"] == ["lowercase", "serbian_normalization", "asciifolding"]
    assert "portal_serbian_stemmer" in analysers["portal_serbian"]["filter"]
    title = body["mappings"]["properties"]["title"]
    assert title["fields"]["en"]["analyzer"] == "english"
    assert title["fields"]["suggest"]["type"] == "search_as_you_type"
    assert body["mappings"]["properties"]["tokens"]["type"] == "keyword"


def test_elasticsearch_queries_filter_by_access_and_count_facets_without_their_own_filter():
    query = Query(text="šifra", tokens=("audience:everyone", "user:7"), language="sr-latn", kind="faq", site_id=3)
    body = elastic.build_search(query).to_dict()
    filters = body["query"]["function_score"]["query"]["bool"]["filter"]
    assert {"terms": {"tokens": ["audience:everyone", "user:7"]}} in filters
    assert {"terms": {"kind": ["faq"]}} in body["post_filter"]["bool"]["filter"]
    kind_filter = body["aggs"]["kind_facet"]["filter"]["bool"]["filter"]
    assert {"terms": {"kind": ["faq"]}} not in kind_filter and {"terms": {"language": ["sr-latn", ""]}} in kind_filter
    assert body["highlight"]["pre_tags"] == ["<mark>"] and body["highlight"]["encoder"] == "html"
    suggest = elastic.build_suggest(Query(text="pas", tokens=("audience:everyone",), kind="article,faq"), 6).to_dict()
    assert suggest["size"] == 6 and suggest["query"]["bool"]["must"][0]["multi_match"]["type"] == "bool_prefix"
    assert elastic.build_spelling(query).to_dict()["suggest"]["spelling"]["term"]["field"] == "title"


def test_editors_see_top_and_missing_searches_with_click_through(client, content, database):
    indexed(database)
    for text in ["password", "Password", "firmwre", "firmwre", "firmwre"]:
        client.get(SEARCH, {"q": text})
    SearchLog.objects.filter(normalised="password").order_by("pk").first().__class__.objects.filter(
        pk=SearchLog.objects.filter(normalised="password").order_by("pk").first().pk
    ).update(clicked_key="page:1")
    url = reverse("search_terms_report")
    client.force_login(UserFactory(role="customer"))
    assert client.get(url).status_code in (302, 403)
    client.force_login(content["kb"].owner)
    html = client.get(url, {"days": 7}).content.decode()
    assert "Searches with no results" in html
    missing = html.split("Searches with no results</h2>")[1].split("Top searches")[0]
    assert "firmwre" in missing and "password" not in missing
    csv_text = client.get(url, {"days": 7, "export": "csv"}).content.decode()
    assert "firmwre,3,3,0,0" in csv_text and "password,2,0,1,50" in csv_text.lower()
    assert client.get(url, {"start": "2026-02-01", "end": "2026-01-01"}).status_code == 200


def test_the_command_rebuilds_updates_and_reports(content, database):
    out = StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert "documents indexed" in out.getvalue()
    total = SearchEntry.objects.count()
    call_command("search_index", "update", stdout=out)
    assert SearchEntry.objects.count() == total
    call_command("search_index", "status", stdout=out)
    assert f"entries: {total}" in out.getvalue()


def test_narrowing_and_paging_count_as_the_same_search(client, content, database):
    indexed(database)
    html = client.get(SEARCH, {"q": "router"}).content.decode()
    facet = html.split('aria-labelledby="facet-kind"')[1].split('href="')[2].split('"')[0].replace("&amp;", "&")
    assert "log=" in facet
    narrowed = client.get(SEARCH + facet).content.decode()
    assert "log=" in narrowed.split('class="result__title" href="')[1].split('"')[0]
    assert SearchLog.objects.count() == 1
    client.get(SEARCH, {"q": "router", "log": "forged"})
    assert SearchLog.objects.count() == 2  # a bad log is a new search, not an error


def test_odd_result_links_are_404_not_500(client, content, database):
    indexed(database)
    for params in [{"key": "page:\x00"}, {"key": "x" * 5000}, {"key": "page:1", "log": "\x00", "position": "x"}, {}]:
        assert client.get(reverse("search:click"), params).status_code == 404


def test_a_rebuild_keeps_answering_and_drops_what_no_longer_exists(content, database):
    indexed(database)
    gone = content["body_only"]
    SearchEntry.objects.filter(source=f"page:{gone.pk}").update(source="page:999999", key="page:999999")
    database.begin_rebuild()
    database.replace({f"page:{content['kb'].second.pk}": []})
    assert ask_keys("firmware")  # entries not yet rebuilt are still found
    database.finish_rebuild()
    assert not SearchEntry.objects.filter(source="page:999999").exists()
    assert not SearchEntry.objects.filter(source=f"page:{content['kb'].third.pk}").exists()


def test_saving_a_request_without_touching_what_is_indexed_schedules_nothing(
    content, database, django_capture_on_commit_callbacks
):
    ticket = content["ticket"]
    with django_capture_on_commit_callbacks() as callbacks:
        ticket.save(update_fields=["sla_due_at"])
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        ticket.save(update_fields=["status", "updated_at"])
    assert len(callbacks) == 1


def test_very_common_words_are_ranked_within_a_window_and_say_there_are_more(client, content, database, monkeypatch):
    from portal.search.backends import database as backend_module

    monkeypatch.setattr(backend_module, "MATCH_WINDOW", 2)
    monkeypatch.setattr(backend_module, "CANDIDATE_LIMIT", 2)
    indexed(database)
    results = database.search(Query(text="router", tokens=EVERYONE, language="en"))
    assert results.more and 2 <= results.total <= 4  # a title window and a text window on PostgreSQL
    assert "More than" in client.get(SEARCH, {"q": "router"}).content.decode()
    # Narrowing a full window asks the database again, so FAQ items outside it are still found.
    faqs = database.search(Query(text="router", tokens=EVERYONE, language="en", kind="faq"))
    assert faqs.hits and {hit.kind for hit in faqs.hits} == {"faq"}

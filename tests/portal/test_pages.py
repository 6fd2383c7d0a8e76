from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is away")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_home_page_has_brand_search_and_ways_into_every_area(client, site):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Acme Help" in html
    assert 'action="/search/"' in html
    for href in ('href="/help/"', 'href="/community/"', 'href="/support/"', 'href="/me/"'):
        assert href in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html


@pytest.mark.parametrize("path", ["/help/", "/community/", "/support/", "/search/", "/accounts/login/"])
def test_area_pages_answer(client, site, path):
    assert client.get(path).status_code == HTTPStatus.OK


def test_home_page_query_count_is_pinned(client, site, django_assert_max_num_queries):
    client.get("/")  # warm the per-site settings row
    with django_assert_max_num_queries(12):
        client.get("/")


def test_help_root_lists_nothing_but_shows_other_ways_when_empty(client, site):
    response = client.get("/help/")
    assert b"No help articles have been published" in response.content


def test_search_without_matching_content_offers_the_help_centre(client, site):
    # Search covers articles, FAQ items, topics and requests (tests/search); a bare site has none.
    response = client.get("/search/", {"q": "help"})
    assert response.status_code == HTTPStatus.OK
    assert b"Browse the help centre" in response.content


@pytest.mark.parametrize("params", [{"q": "zzzz-nothing"}, {"q": "help", "page": "999"}, {"q": "help", "page": "x"}])
def test_search_never_fails_on_odd_input(client, site, params):
    response = client.get("/search/", params)
    assert response.status_code == HTTPStatus.OK


def test_search_query_count_is_pinned(client, site, django_assert_max_num_queries):
    client.get("/search/", {"q": "help"})
    with django_assert_max_num_queries(12):
        client.get("/search/", {"q": "help"})


def test_unknown_address_is_404(client, site):
    assert client.get("/no-such-page/").status_code == HTTPStatus.NOT_FOUND


def test_anonymous_home_makes_no_writes(client, site):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_the_home_lists_knowledge_bases_as_they_are_published_restricted_and_unpublished(client, site, customer):
    from wagtail.models import PageViewRestriction

    from knowledge_base.models import HelpIndexPage, KnowledgeBasePage

    client.force_login(customer)  # signed in: rendered every time, the list itself from the cache
    help_index = HelpIndexPage.objects.get()
    assert "Router AX3" not in client.get("/").content.decode()
    base = KnowledgeBasePage(title="Router AX3", slug="router-ax3")
    help_index.add_child(instance=base)
    base.save_revision().publish()
    assert "Router AX3" in client.get("/").content.decode()
    restriction = PageViewRestriction.objects.create(page=base, restriction_type=PageViewRestriction.LOGIN)
    assert "Router AX3" not in client.get("/").content.decode()
    restriction.delete()
    assert "Router AX3" in client.get("/").content.decode()
    base.unpublish()
    assert "Router AX3" not in client.get("/").content.decode()


def test_the_signed_in_home_query_count_is_pinned(client, site, customer, django_assert_num_queries):
    client.force_login(customer)
    client.get("/")
    # The person, Wagtail's routing (site, locale, page) and its restriction check (2); the list of
    # knowledge bases, the popular articles and the reader's access come from the cache.
    with django_assert_num_queries(6):
        assert client.get("/").status_code == HTTPStatus.OK

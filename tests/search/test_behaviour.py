"""The same behaviour on every backend: ranking, permissions, folding, facets, highlight, suggestions."""

import pytest

from knowledge_base.choices import Audience
from portal.search.access import organisation_token, user_token
from portal.search.backends.base import Query
from tests.factories import UserFactory

from .conftest import CUSTOMER, EVERYONE, ask, indexed

pytestmark = pytest.mark.django_db


def key(page) -> str:
    return f"page:{page.pk}"


def test_title_matches_rank_above_body_matches(backend, content):
    indexed(backend)
    found = ask(backend, "password")
    assert found[0] == key(content["kb"].second)  # "Change the Wi-Fi password"
    assert key(content["body_only"]) in found[1:]


def test_english_words_are_matched_in_their_inflected_forms(backend, content):
    indexed(backend)
    assert key(content["kb"].second) in ask(backend, "passwords changing")
    assert key(content["kb"].third) in ask(backend, "updating firmware")


@pytest.mark.parametrize("query", ["šifra", "sifra", "шифра", "ŠIFRU", "lozinke", "bezicne"])
def test_serbian_is_found_in_either_alphabet_with_or_without_diacritics(backend, content, query):
    indexed(backend)
    assert key(content["serbian"]) in ask(backend, query, language="sr-latn")


@pytest.mark.parametrize("query", ["številka", "stevilka", "stevilko", "posodobitev"])
def test_slovenian_is_found_with_or_without_diacritics(backend, content, query):
    indexed(backend)
    assert key(content["slovenian"]) in ask(backend, query, language="sl")


def test_readers_find_only_what_they_may_read(backend, content, customer):
    kb = content["kb"]
    indexed(backend)
    visitor = ask(backend, "warranty hotline")
    assert key(kb.customers_only) not in visitor and key(kb.members_only) not in visitor
    customer_found = ask(backend, "warranty", tokens=CUSTOMER)
    assert key(kb.customers_only) in customer_found
    assert key(kb.members_only) not in ask(backend, "hotline", tokens=CUSTOMER)
    member = (*CUSTOMER, f"audience:{Audience.MEMBERS}")
    assert key(kb.members_only) in ask(backend, "hotline", tokens=member)


def test_customers_find_their_own_requests_and_nobody_else_does(backend, content, customer):
    ticket = content["ticket"]
    indexed(backend)
    source = f"request:{ticket.pk}"
    assert source in ask(backend, "quasar", tokens=(*CUSTOMER, user_token(customer.pk)))
    stranger = UserFactory(role="customer")
    assert source not in ask(backend, "quasar", tokens=(*CUSTOMER, user_token(stranger.pk)))
    assert source not in ask(backend, "quasar")


def test_people_cc_d_and_a_sharing_organisation_find_the_request(backend, content, customer):
    from portal.accounts.models import Organisation
    from tickets import services

    ticket = content["ticket"]
    colleague = UserFactory(role="customer")
    services.set_cc(ticket=ticket, actor=customer, addresses=[colleague.email])
    organisation = Organisation.objects.create(name="Quasar Ltd", members_share_requests=True)
    ticket.organisation = organisation
    ticket.save(update_fields=["organisation"])
    indexed(backend)
    source = f"request:{ticket.pk}"
    assert source in ask(backend, "quasar", tokens=(*CUSTOMER, user_token(colleague.pk)))
    assert source in ask(backend, "quasar", tokens=(*CUSTOMER, user_token(999999), organisation_token(organisation.pk)))
    Organisation.objects.filter(pk=organisation.pk).update(members_share_requests=False)
    indexed(backend)
    assert source not in ask(backend, "quasar", tokens=(*CUSTOMER, organisation_token(organisation.pk)))


def test_internal_notes_are_never_indexed(backend, content, agent):
    from tickets import services

    ticket = content["ticket"]
    services.add_agent_reply(ticket=ticket, agent=agent, body="Escalate to the zebracorn team", internal=True)
    services.add_agent_reply(ticket=ticket, agent=agent, body="Please try the hyperion setting")
    indexed(backend)
    tokens = (*CUSTOMER, user_token(ticket.requester_id))
    assert ask(backend, "zebracorn", tokens=tokens) == []
    assert ask(backend, "hyperion", tokens=tokens) == [f"request:{ticket.pk}"]


def test_matched_words_are_highlighted_and_the_rest_escaped(backend, content):
    indexed(backend)
    results = backend.search(Query(text="factory", tokens=EVERYONE))
    (hit,) = [hit for hit in results.hits if hit.key == key(content["body_only"])]
    assert "<mark>" in hit.snippet
    faq = backend.search(Query(text="modem", tokens=EVERYONE)).hits[0]
    assert faq.kind == "faq" and "<mark>modem</mark>" in faq.snippet and "<b>" not in faq.snippet


def test_facets_count_kinds_products_and_languages_and_narrow(backend, content):
    indexed(backend)
    results = backend.search(Query(text="router", tokens=EVERYONE))
    kinds = {value.value: value.count for value in results.facets["kind"]}
    assert kinds["article"] >= 2 and kinds["faq"] >= 1
    products = {value.value: value.label for value in results.facets["product"]}
    assert products == {"router-ax3": "Router AX3"}
    narrowed = backend.search(Query(text="router", tokens=EVERYONE, kind="faq"))
    assert narrowed.total == kinds["faq"] and {hit.kind for hit in narrowed.hits} == {"faq"}
    # The kind facet still offers the other kinds while one is chosen.
    assert {value.value for value in narrowed.facets["kind"]} >= {"article", "faq"}
    languages = {value.value for value in backend.search(Query(text="wi-fi", tokens=EVERYONE)).facets["language"]}
    assert {"en", "sr-latn"} <= languages
    assert ask(backend, "wi-fi", language="sr-latn") == [key(content["serbian"])]


def test_every_word_must_match_before_any_word_will(backend, content):
    indexed(backend)
    both = backend.search(Query(text="firmware update", tokens=EVERYONE))
    assert both.matched_all and key(content["kb"].third) in [h.key for h in both.hits]
    some = backend.search(Query(text="firmware xylophone", tokens=EVERYONE))
    assert not some.matched_all and key(content["kb"].third) in [h.key for h in some.hits]


def test_pages_out_of_range_show_the_nearest_page(backend, content):
    indexed(backend)
    results = backend.search(Query(text="router", tokens=EVERYONE, per_page=2, page=999999))
    assert results.page == results.pages and results.hits
    assert backend.search(Query(text="router", tokens=EVERYONE, per_page=2, page=-1)).page == 1


def test_suggestions_match_title_prefixes_the_reader_may_open(backend, content):
    indexed(backend)
    titles = [hit.title for hit in backend.suggest(Query(text="chan", tokens=EVERYONE, kind="article,faq"), 6)]
    assert "Change the Wi-Fi password" in titles
    assert backend.suggest(Query(text="prior", tokens=EVERYONE), 6) == []
    member = (*CUSTOMER, f"audience:{Audience.MEMBERS}")
    assert [hit.title for hit in backend.suggest(Query(text="prior", tokens=member), 6)] == ["Priority hotline number"]


def test_a_misspelled_query_gets_a_spelling_that_finds_something(backend, content):
    indexed(backend)
    assert backend.search(Query(text="firmwre", tokens=EVERYONE)).total == 0
    assert backend.spelling(Query(text="firmwre", tokens=EVERYONE)) == "firmware"


def test_syntax_characters_are_text_not_query_language(backend, content):
    indexed(backend)
    for text in ['"', "*", "(", "OR", "-", "\\", 'password" OR (*', "AND NOT", "title:x", "{}[]^~:/"]:
        backend.search(Query(text=text, tokens=EVERYONE))
        backend.suggest(Query(text=text, tokens=EVERYONE), 6)
    assert key(content["kb"].second) in ask(backend, '"password"* (wi-fi)')

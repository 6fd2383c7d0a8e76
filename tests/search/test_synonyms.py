"""Synonyms editors keep, and words written in parts: “wifi” finds Wi-Fi, “lozinka” finds “šifra”."""

import pytest

from portal.search import analysis, service, synonyms
from portal.search.backends.elastic import SYNONYMS_FILTER, index_body
from portal.search.demo import GROUPS, seed_synonyms
from portal.search.models import SynonymGroup

from .conftest import add_article, ask, indexed, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(kb):
    wifi = add_article(kb.section, "Change the Wi-Fi name")
    serbian = translate(kb.third, "sr-latn", "Promena šifre rutera", "Nova šifra za administratorsku stranicu.")
    slovenian = translate(kb.second, "sl", "Nastavitev omrežja", "Brezžično omrežje doma.")
    return {"wifi": wifi, "serbian": serbian, "slovenian": slovenian}


def key(page) -> str:
    return f"page:{page.pk}"


def test_a_word_written_in_parts_is_found_written_together(backend, articles):
    indexed(backend)
    assert key(articles["wifi"]) in ask(backend, "wifi")
    assert key(articles["wifi"]) in ask(backend, "wi-fi")
    assert analysis.compounds("Wi-Fi and e-mail") == ["wifi", "email"]


def test_each_demo_synonym_group_finds_its_words_in_any_language_and_script(backend, articles):
    indexed(backend)
    assert key(articles["serbian"]) not in ask(backend, "geslo")  # without the groups
    seed_synonyms()
    assert key(articles["serbian"]) in ask(backend, "lozinka")  # the article says "šifra"
    assert key(articles["serbian"]) in ask(backend, "лозинка")  # Cyrillic query
    assert key(articles["serbian"]) in ask(backend, "geslo")  # Slovenian word
    assert key(articles["slovenian"]) in ask(backend, "wireless")  # says "Brezžično omrežje"
    assert key(articles["wifi"]) in ask(backend, "wlan")


def test_every_seeded_group_expands_every_one_of_its_words():
    for terms, _note in GROUPS:
        for term in (t.strip() for t in terms.split(",")):
            assert term  # no empty words in the seed
    seed_synonyms()
    for group in synonyms.groups():
        for word in group:
            if len(analysis.words(word)) == 1:
                others = set(synonyms.alternatives(word))
                assert others == {t for t in group if not synonyms.forms(t) & synonyms.forms(word)}, word
                assert len(others) >= len(group) - 2, word


def test_a_group_edited_in_the_admin_applies_to_the_next_search(
    client, backend, articles, kb, django_capture_on_commit_callbacks
):
    indexed(backend)
    assert key(articles["wifi"]) not in ask(backend, "hotspot")
    client.force_login(kb.owner)  # an editor
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/snippets/portal_search/synonymgroup/add/", {"terms": "hotspot, wifi"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert key(articles["wifi"]) in ask(backend, "hotspot")
    response = client.post("/admin/snippets/portal_search/synonymgroup/add/", {"terms": "alone", "note": ""})
    assert response.status_code == 200 and "at least two words" in response.content.decode()
    assert SynonymGroup.objects.count() == 1


def test_elasticsearch_applies_the_groups_at_query_time():
    seed_synonyms()
    body = index_body()
    rules = body["settings"]["analysis"]["filter"][SYNONYMS_FILTER]
    assert rules["type"] == "synonym_graph"
    assert "password, lozinka, sifra, geslo, passcode" in rules["synonyms"]
    assert "wifi, wi fi, wireless, wlan, bezicna mreza, brezzicno omrezje" in rules["synonyms"]
    title = body["mappings"]["properties"]["title"]
    assert title["search_analyzer"] == "portal_folding_synonyms" and title["analyzer"] == "portal_folding"


def test_an_article_in_three_scripts_is_one_result_linking_the_others(client, kb, settings):
    latin = translate(kb.second, "sr-latn", "Promena šifre za Wi-Fi", "Nova šifra.")
    cyrillic = translate(kb.second, "sr", "Промена шифре за Wi-Fi", "Нова шифра.")
    settings.ELASTICSEARCH_URL = ""
    indexed(service.database)
    from portal.search.backends.base import Query
    from portal.search.service import search

    results, _backend = search(Query(text="wi-fi", tokens=("audience:everyone",), per_page=50))
    keys = [hit.key for hit in results.hits]
    group = {key(kb.second), key(latin), key(cyrillic)}
    assert len(group & set(keys)) == 1  # one of the three, once
    shown = next(hit for hit in results.hits if hit.key in group)
    assert {other.key for other in shown.other_languages} == group - {shown.key}
    html = client.get("/search/", {"q": "wi-fi", "language": "any"}).content.decode()
    assert "Also in:" in html and 'lang="sr"' in html


def test_a_group_knows_its_words_in_their_other_forms(kb):
    seed_synonyms()
    assert "šifra" in synonyms.alternatives("lozinke")  # Serbian plural
    assert "router" in synonyms.alternatives("usmerjevalnika")  # Slovenian genitive
    assert "ruter" in synonyms.alternatives("routers") and "password" in synonyms.alternatives("gesla")
    assert synonyms.alternatives("lag") == [t for t in GROUPS[-1][0].split(", ") if t != "lag"]
    assert synonyms.alternatives("lagano") == []  # a form, not any word starting alike


def test_word_forms_find_their_base_forms(backend, articles):
    seed_synonyms()
    indexed(backend)
    assert key(articles["serbian"]) in ask(backend, "lozinke")  # "šifre" in the article
    assert key(articles["serbian"]) in ask(backend, "usmerjevalnika")  # "rutera" in the title


def test_elasticsearch_tolerates_a_typo_below_exact_words():
    from portal.search.backends import elastic
    from portal.search.backends.base import Query

    body = elastic.build_search(Query(text="firmwre", tokens=("audience:everyone",))).to_dict()
    should = body["query"]["function_score"]["query"]["bool"]["should"]
    fuzzy = [clause["multi_match"] for clause in should if clause["multi_match"].get("fuzziness")]
    assert fuzzy and fuzzy[0]["fuzziness"] == "AUTO" and fuzzy[0]["prefix_length"] == 1
    exact = next(clause["multi_match"] for clause in should if clause["multi_match"].get("type") == "most_fields")
    assert fuzzy[0]["boost"] < exact.get("boost", 1)


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("wifi\x00, wlan", "Null characters are not allowed"),
        ("x" * 100_000 + ", wlan", "At most 30 words"),
        (", ".join(f"w{n}" for n in range(31)), "At most 30 words"),
        ("alone", "at least two words"),
    ],
)
def test_odd_synonym_groups_are_refused_in_the_page(client, kb, terms, message):
    client.force_login(kb.owner)
    response = client.post("/admin/snippets/portal_search/synonymgroup/add/", {"terms": terms})
    assert response.status_code == 200 and message in response.content.decode()
    assert not SynonymGroup.objects.exists()


def test_line_breaks_and_odd_digits_in_a_group_are_folded_into_one_line(client, kb):
    client.force_login(kb.owner)
    response = client.post("/admin/snippets/portal_search/synonymgroup/add/", {"terms": "wifi,\r\nwi-fi ²,\n  wlan"})
    assert response.status_code == 302
    assert SynonymGroup.objects.get().terms == "wifi, wi-fi ², wlan"

"""Synonym groups, as the query analysis and the Elasticsearch index read them.

A group's words are folded (case, script, diacritics: “Šifra” = “sifra” = “шифра”). A word of one
or more parts (“wi-fi”, “bežična mreža”) is also known by its parts written together (“wifi”,
“bezicnamreza”), which is how compound words are indexed (analysis.index_text).
"""

from django.core.cache import cache

from portal.cache_versions import SEARCH, versions

from . import analysis

CACHE_SECONDS = 300


def key_of(term: str) -> str:
    """A word as groups compare it: folded, its parts written together (“Wi-Fi” → “wifi”)."""
    return "".join(analysis.fold(word) for word in analysis.words(term))


def groups() -> list[tuple[str, ...]]:
    """Every group's words, as editors wrote them (cached per search version)."""
    from .models import SynonymGroup

    key = f"search:synonyms:{versions(SEARCH)}"
    found = cache.get(key)
    if found is None:
        found = [tuple(group.term_list()) for group in SynonymGroup.objects.all()]
        cache.set(key, found, CACHE_SECONDS)
    return found


def forms(term: str) -> set[str]:
    """A one-word term as written and stemmed in each language ("lozinke" and "lozinka" share "lozink")."""
    found = {key_of(term)}
    if len(analysis.words(term)) == 1:
        found |= {analysis.stem(term, language) for language in analysis.QUERY_LANGUAGES}
    found.discard("")
    return found


def alternatives(word: str) -> list[str]:
    """The other words of every group this query word belongs to, in any of its forms ("lozinke",
    "usmerjevalnika", "routers"); none when it is in no group."""
    wanted = forms(word)
    if not wanted:
        return []
    found: list[str] = []
    for group in groups():
        matched = [term for term in group if forms(term) & wanted]
        if matched:
            found += [term for term in group if term not in matched]
    return found


def elasticsearch_rules() -> list[str]:
    """The groups in Solr synonym format, for Elasticsearch's synonym_graph filter (folded, since it
    runs after folding)."""
    return [
        ", ".join(dict.fromkeys(" ".join(analysis.fold(w) for w in analysis.words(t)) for t in g)) for g in groups()
    ]

"""How text becomes search terms — the same for the documents and for a person's query.

Serbian is written in Cyrillic and Latin and often typed without diacritics, Slovenian too, so
every word is transliterated to Latin, stemmed in its language and then folded to plain ASCII
letters: “шифра”, “šifra” and “sifra” all become ``sifr``. A query word is matched as a prefix of
the stored terms, which covers the inflected forms the stemmers do not know.

The database backend stores and matches these terms; Elasticsearch does the same work with its
own analyzers (see ``elastic.py``), and the highlighter here marks the words in either case.
"""

import re
import unicodedata
from functools import lru_cache
from html import escape

import snowballstemmer

from portal.serbian import cyrillic_to_latin

WORD = re.compile(r"\w+", re.UNICODE)
#: Letters that do not decompose into a base letter and a mark.
_SPECIAL_FOLDS = str.maketrans({"đ": "dj", "Đ": "dj", "ß": "ss", "æ": "ae", "ø": "o", "ł": "l", "œ": "oe"})
#: Longest term kept; longer "words" are noise (hashes, base64) and would bloat the index.
MAX_TERM_LENGTH = 40
#: The most query words used; the rest of a pasted paragraph is ignored.
MAX_QUERY_TERMS = 12
#: Slovenian has no Snowball stemmer; these endings are cut so that a prefix finds the other forms.
_SLOVENIAN_ENDINGS = sorted(
    ["ami", "ega", "emu", "ih", "im", "om", "ov", "ev", "ah", "eh", "a", "e", "i", "o", "u"], key=len, reverse=True
)


@lru_cache(maxsize=4)
def _stemmer(algorithm: str):
    return snowballstemmer.stemmer(algorithm)


def language_family(language: str) -> str:
    """The stemming language of a locale code: ``sr-latn`` and ``sr`` are both Serbian."""
    return (language or "").split("-")[0].lower()


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """`fold` for one word, remembered: highlighting folds the same words over and over."""
    return fold(word)


def fold(text: str) -> str:
    """Lower case, Cyrillic to Latin, and letters without their diacritics: “Ђурђевак” → “djurdjevak”."""
    text = cyrillic_to_latin(text).lower().translate(_SPECIAL_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def _strip_slovenian(word: str) -> str:
    for ending in _SLOVENIAN_ENDINGS:
        if len(word) - len(ending) >= 4 and word.endswith(ending):
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """One word's term in a language: stemmed where a stemmer exists, always folded."""
    family = language_family(language)
    lowered = cyrillic_to_latin(word).lower()
    if family == "en":
        lowered = _stemmer("english").stemWord(lowered)
    elif family == "sr":
        lowered = _stemmer("serbian").stemWord(lowered)
    elif family == "sl":
        lowered = _strip_slovenian(lowered)
    return fold(lowered)[:MAX_TERM_LENGTH]


def analyse(text: str, language: str) -> list[str]:
    """The terms of a text written in `language`, in order (duplicates kept, for ranking)."""
    return [stem(word, language) for word in words(text)]


#: Words written in parts: “Wi-Fi”, “e-mail”. Each is indexed in its parts and written together.
COMPOUND = re.compile(r"\w+(?:[-‐‑]\w+)+", re.UNICODE)


def compounds(text: str) -> list[str]:
    """The compound words of a text written together and folded: “Wi-Fi” → “wifi”."""
    return [fold("".join(words(match)))[:MAX_TERM_LENGTH] for match in COMPOUND.findall(text or "")]


def index_text(text: str, language: str) -> str:
    """The terms stored for a text: each word's term, then its compound words written together."""
    return " ".join([*(term for term in analyse(text, language) if term), *compounds(text)])


#: Words too common to narrow a search, folded. Dropped from a query unless it has nothing else.
_STOP_WORDS_TEXT = (
    "a an and are as at be by can do does for from how i in is it my of on or the to what when where why with "
    "da i je ili na u za kako sta sto se su od do li ne "
    "in je na za kako kaj se da ali ter pri po v z s"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

#: Query words are stemmed the way each language's documents were, since the query's own
#: language is not known: “lozinke” must find a Serbian article, “passwords” an English one.
QUERY_LANGUAGES = ("en", "sr", "sl", "")


def query_terms(query: str) -> list[tuple[str, ...]]:
    """A query as a list of words, each a tuple of alternative terms (any one may match, as a prefix):
    the word stemmed in each language, and the words of its synonym groups.

    Syntax characters, quotes and operators are ordinary separators here: a person's query is
    text, never a query language, so nothing they type can break the backend's parser."""
    terms = []
    query_words = words(query)[: MAX_QUERY_TERMS * 2]
    meaningful = [word for word in query_words if fold(word) not in STOP_WORDS]
    from .synonyms import alternatives

    for word in (meaningful or query_words)[:MAX_QUERY_TERMS]:
        variants = {stem(word, language) for language in QUERY_LANGUAGES}
        for other in alternatives(word):  # the editors' synonym groups
            parts = words(other)
            if len(parts) == 1:
                variants |= {stem(other, language) for language in QUERY_LANGUAGES}
            else:
                # Written together, as compounds are indexed, or its most telling (longest) word.
                variants.add(fold("".join(parts))[:MAX_TERM_LENGTH])
                longest = max(parts, key=len)
                variants |= {stem(longest, language) for language in QUERY_LANGUAGES}
        variants.discard("")
        if variants:
            terms.append(tuple(sorted(variants, key=lambda v: (len(v), v))))
    return terms


def matches(word: str, terms: list[tuple[str, ...]], language: str) -> bool:
    if not word:
        return False
    candidates = {stem(word, language), fold_word(word)}
    return any(candidate.startswith(variant) for variants in terms for variant in variants for candidate in candidates)


def highlight(text: str, terms: list[tuple[str, ...]], language: str, *, length: int = 220) -> str:
    """An HTML snippet of `text` around the best cluster of matched words, each in <mark>.

    The text is escaped here; the result is safe to show as it is."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    spans = [m.span() for m in WORD.finditer(text) if matches(m.group(0), terms, language)] if terms else []
    if len(text) <= length:
        start, end = 0, len(text)
    elif spans:
        # The window that holds the most matches, starting a little before the first of them.
        best_start, best_count = spans[0][0], 0
        for i, (first, _end) in enumerate(spans):
            count = sum(1 for s, _ in spans[i:] if s < first + length - 40)
            if count > best_count:
                best_start, best_count = first, count
        start = max(0, best_start - 40)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = min(len(text), start + length)
    else:
        start, end = 0, length
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    out = ["…" if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        out.append(escape(text[position:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(escape(text[position:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def normalise_query(query: str) -> str:
    """The query as analytics groups it: folded, single-spaced, no punctuation."""
    return " ".join(fold(word) for word in words(query))[:200]

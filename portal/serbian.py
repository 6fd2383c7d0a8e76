"""Serbian is written in two alphabets; these convert between them.

Used to keep the Cyrillic catalogue in step with the Latin one, to draft an editor's Cyrillic copy
of a Latin page, and by search to treat “шифра” and “šifra” as the same word.

Latin→Cyrillic keeps in Latin what Serbian writers keep in Latin: placeholders, markup, addresses,
the names in settings.PORTAL_SERBIAN_LATIN_NAMES (brands, products: "Cloud Backup"), words with
letters Serbian does not have (w, x, y, q: "Wi-Fi", "Windows", "webhook"), product codes that mix
letters and digits ("AX3", "WPA2") and acronyms in capitals ("SLA", "USB", up to five letters). The result is a starting
draft for an editor, not a finished text.
"""

import re
from functools import lru_cache

from django.conf import settings

_LATIN_DIGRAPHS = {"Lj": "Љ", "LJ": "Љ", "lj": "љ", "Nj": "Њ", "NJ": "Њ", "nj": "њ", "Dž": "Џ", "DŽ": "Џ", "dž": "џ"}
_LATIN_LETTERS = dict(
    zip(
        "ABCČĆDĐEFGHIJKLMNOPRSŠTUVZŽabcčćdđefghijklmnoprsštuvzž",
        "АБЦЧЋДЂЕФГХИЈКЛМНОПРСШТУВЗЖабцчћдђефгхијклмнопрсштувзж",
        strict=True,
    )
)
_CYRILLIC_TO_LATIN = {cyr: lat for lat, cyr in _LATIN_LETTERS.items()} | {
    "Љ": "Lj",
    "Њ": "Nj",
    "Џ": "Dž",
    "љ": "lj",
    "њ": "nj",
    "џ": "dž",
}

#: Pieces of a message that are not Serbian words: placeholders, tags, colours, addresses.
_PROTECTED = re.compile(r"%\([^)]+\)[-+ #0-9.]*[sdfi]|\{\{.*?\}\}|<[^>]+>|#[0-9A-Za-z]+|https?://\S+|&\w+;")
_DIGRAPH = re.compile("|".join(sorted(_LATIN_DIGRAPHS, key=len, reverse=True)))
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_FOREIGN_LETTER = re.compile(r"[qwxyQWXY]")
_ADDRESS = re.compile(r"\b(?:www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


@lru_cache(maxsize=8)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    if not names:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def _kept_in_latin(word: str) -> bool:
    if _FOREIGN_LETTER.search(word):
        return True
    has_digit = any(ch.isdigit() for ch in word)
    if has_digit and any(ch.isalpha() for ch in word):
        return True  # a product or model code: AX3, WPA2, SR-000123
    letters = [ch for ch in word if ch.isalpha()]
    # An acronym (SLA, USB, HTTPS); a longer word in capitals is a shouted Serbian word (LJUBAV).
    return 2 <= len(letters) <= 5 and all(ch.isupper() and ch.isascii() for ch in letters)


def _convert_letters(text: str) -> str:
    text = _DIGRAPH.sub(lambda m: _LATIN_DIGRAPHS[m.group(0)], text)
    return "".join(_LATIN_LETTERS.get(ch, ch) for ch in text)


def _convert_plain(text: str) -> str:
    return _WORD.sub(lambda m: m.group(0) if _kept_in_latin(m.group(0)) else _convert_letters(m.group(0)), text)


def _convert_words(text: str) -> str:
    kept = [_ADDRESS]
    names = _names_pattern(tuple(getattr(settings, "PORTAL_SERBIAN_LATIN_NAMES", ())))
    if names is not None:
        kept.insert(0, names)
    return _split_convert(text, kept)


def _split_convert(text: str, kept: list[re.Pattern]) -> str:
    if not kept:
        return _convert_plain(text)
    pattern, rest = kept[0], kept[1:]
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(_split_convert(text[last : match.start()], rest))
        out.append(match.group(0))
        last = match.end()
    out.append(_split_convert(text[last:], rest))
    return "".join(out)


def latin_to_cyrillic(text: str) -> str:
    """Transliterate Serbian Latin to Cyrillic, leaving protected pieces as they are."""
    out, last = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(_convert_words(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_convert_words(text[last:]))
    return "".join(out)


def cyrillic_to_latin(text: str) -> str:
    """Transliterate Serbian Cyrillic to Latin (with diacritics)."""
    return "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in text)

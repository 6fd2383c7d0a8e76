"""Serbian is written in two alphabets; these convert between them.

Used to keep the Cyrillic catalogue in step with the Latin one, and by search to treat
“шифра” and “šifra” as the same word. Placeholders, markup and addresses are left alone.
"""

import re

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


def _convert_words(text: str) -> str:
    text = _DIGRAPH.sub(lambda m: _LATIN_DIGRAPHS[m.group(0)], text)
    return "".join(_LATIN_LETTERS.get(ch, ch) for ch in text)


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

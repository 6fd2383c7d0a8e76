"""Which of the portal's languages a text is written in: for e-mails from people we do not know yet.

Four candidates only (English, Serbian in Latin and in Cyrillic, Slovenian), so a general detector
would be both heavier and less sure than the few facts that tell these apart:

- Cyrillic letters are Serbian Cyrillic ("sr");
- ć and đ are Serbian, never Slovenian; č, š and ž are both;
- the rest is decided by common short words each language uses and the others do not
  (Slovenian "in", "sem", "lahko", "že"; Serbian "i", "sam", "može", "već"; English "the", "is").

Quoted replies and signatures should be removed before asking. An answer of None means "not sure":
the caller keeps its default.
"""

import re

_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-zčćšžđČĆŠŽĐ]")
_SERBIAN_ONLY_LETTERS = re.compile(r"[ćđĆĐ]")


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORDS = {
    "en": _vocabulary(
        "the and is are to of my i it not you your we please thanks thank hello hi can can't cannot don't "
        "doesn't does do have has was with this that for on in no yes what why how when password account "
        "router help working work problem issue since"
    ),
    "sr-latn": _vocabulary(
        "i je da se ne sam ste smo su bi može mogu ili šta sta zašto zasto hvala molim lozinka lozinku nalog "
        "jer takođe već vec još jos kako kada gde pozdrav poštovani postovani radi ruter imam nije nisam "
        "problem sa od za na po mi me moj moja moje vam vas ovo to"
    ),
    "sl": _vocabulary(
        "in je da se ne sem ste smo so bi lahko ali kaj zakaj hvala prosim geslo račun racun ker tudi že ze "
        "še se kako kdaj kje pozdravljeni spoštovani spostovani deluje usmerjevalnik imam ni nisem težava "
        "tezava z od za na po mi me moj moja moje vam vas to ta"
    ),
}


def detect_language(text: str) -> str | None:
    """ "en", "sr-latn", "sr" or "sl" for a text, or None when it is too short or unclear to say."""
    text = text or ""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if cyrillic + latin < 8:
        return None
    if cyrillic > latin:
        return "sr"
    words = [word.lower() for word in _WORD.findall(text)]
    scores = {language: sum(word in vocabulary for word in words) for language, vocabulary in _WORDS.items()}
    if _SERBIAN_ONLY_LETTERS.search(text):
        scores["sr-latn"] += 3
        scores["sl"] -= 3
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 2 or ranked[0] == ranked[1]:
        return None
    return best

"""The language of a text from someone we do not know yet, among the portal's four."""

import pytest

from portal.language_detection import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hello, my router is not working since this morning. What can I do?", "en"),
        ("I forgot the password for my account, please help", "en"),
        ("Poštovani, ruter mi ne radi od jutros. Šta da radim?", "sr-latn"),
        ("Zdravo, zaboravio sam lozinku za nalog.", "sr-latn"),
        ("Postovani, ne mogu da se prijavim, sta da radim", "sr-latn"),  # written without diacritics
        ("Internet ne radi već dva dana, molim vas pomoć.", "sr-latn"),
        ("Поштовани, рутер ми не ради од јутрос.", "sr"),
        ("Заборавио сам лозинку", "sr"),
        ("Pozdravljeni, usmerjevalnik ne deluje že od jutra. Kaj naj naredim?", "sl"),
        ("Pozabil sem geslo za račun, prosim za pomoč.", "sl"),
        ("Spostovani, internet ne deluje, kaj naj naredim", "sl"),  # written without diacritics
    ],
)
def test_each_language_is_told_apart(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "ok", "Wi-Fi AX3", "12345 67890", "Thanks"])
def test_too_little_to_say_is_none(text):
    assert detect_language(text) is None

"""Plain text people type into one-line fields (names, subjects): what may be stored.

Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and the rest) and zero-width characters
reorder or hide text without showing themselves, so "gnp.exe" can read as "exe.png"; line breaks in a
subject break every e-mail header it is copied into. Both are removed where such text is stored.
"""

import re

# Characters that hide or reorder text without showing themselves.
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"), None
)
# Line breaks and other control characters (C0, DEL, C1, line and paragraph separators).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s{2,}")


def strip_invisible(text: str) -> str:
    """The text without bidirectional controls and zero-width characters."""
    return (text or "").translate(INVISIBLE)


def single_line(text: str) -> str:
    """One line of visible text: invisible characters removed, line breaks folded into one space."""
    return _SPACES.sub(" ", _CONTROLS.sub(" ", strip_invisible(text))).strip()


def has_controls(text: str) -> bool:
    """Whether the text holds a line break or another control character (NUL, CR, LF, DEL…)."""
    return bool(_CONTROLS.search(text or ""))


def ascii_digits(text: str) -> bool:
    """Whether the text is one or more of 0–9 and nothing else.

    `str.isdigit()` also says yes to "²", "٣" and full-width "１": int() then fails on some of them
    and reads others as numbers nobody typed. Identifiers, references, account numbers and amounts
    take ASCII digits only.
    """
    return bool(text) and text.isascii() and text.isdigit()


def parse_id(value, *, max_digits: int = 18) -> int | None:
    """A positive whole number written in ASCII digits (an id in an address or a form), or None."""
    text = str(value or "").strip()
    if not ascii_digits(text) or len(text) > max_digits:
        return None
    return int(text)


def without_nul(text: str) -> str:
    """The text without NUL characters, which no database column of ours can hold (PostgreSQL refuses)."""
    return (text or "").replace("\x00", "")

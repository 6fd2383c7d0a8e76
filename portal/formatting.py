"""Dates and money as the reader reads them.

Dates are remembered: a thread shows the same timestamps on every view.
"""

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import numbers
from django.conf import settings
from django.utils import formats, timezone, translation


@lru_cache(maxsize=16384)
def _formatted(value: datetime, zone: str, language: str | None, fmt: str) -> str:
    # The key holds everything the result depends on; the language and zone are the active ones.
    return formats.date_format(timezone.localtime(value), fmt)


def local_datetime(value: datetime, fmt: str = "DATETIME_FORMAT") -> str:
    """`value` in the active time zone, formatted with the active language's `fmt`."""
    return _formatted(value, timezone.get_current_timezone_name(), translation.get_language(), fmt)


def local_datetimes(fmt: str = "DATETIME_FORMAT") -> Callable[[datetime], str]:
    """`local_datetime` for many values under the same language and time zone (a list, a thread)."""
    zone, language = timezone.get_current_timezone_name(), translation.get_language()
    return lambda value: _formatted(value, zone, language, fmt)


#: Django's language codes → CLDR locales (Babel): Serbian written in Cyrillic is "sr", in Latin "sr-latn".
_CLDR_LOCALES = {"en": "en", "sr": "sr_Cyrl", "sr-latn": "sr_Latn", "sl": "sl"}
# CLDR's currency spacing: a symbol made of letters ("RSD") keeps a space from the digits ("RSD 5.00").
_LETTERS_THEN_DIGIT = re.compile(r"^([-−]?)([^\W\d_]+)(?=\d)")


def cldr_locale(language: str | None = None) -> str:
    """The CLDR locale for a Django language code (the active language when none is given)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    return _CLDR_LOCALES.get(code) or _CLDR_LOCALES.get(code.split("-")[0], "en")


def format_money(amount, currency: str, language: str | None = None) -> str:
    """An amount of money as the reader writes it: "11.900,00 RSD" in Serbian, "RSD 11,900.00" in English.

    The currency's symbol, grouping and decimal mark come from CLDR through Babel, with two decimals
    always (CLDR shows none for dinars, but prices and invoices here carry paras).
    """
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    text = numbers.format_currency(value, (currency or "").upper() or "EUR", locale=cldr_locale(language),
                                   currency_digits=False)  # fmt: skip
    return _LETTERS_THEN_DIGIT.sub(lambda m: f"{m.group(1)}{m.group(2)}\u00a0", text)

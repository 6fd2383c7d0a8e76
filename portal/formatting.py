"""Dates as the reader reads them, remembered: a thread shows the same timestamps on every view."""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

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

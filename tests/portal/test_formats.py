"""Dates, times and money in each language, in the reader's time zone."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from portal.formatting import format_money, local_datetime

NBSP = "\u00a0"
MOMENT = datetime.datetime(2026, 12, 6, 22, 30, tzinfo=datetime.UTC)  # 23:30 in Belgrade


@pytest.mark.parametrize(
    ("language", "rsd", "eur", "negative_usd"),
    [
        ("en", f"RSD{NBSP}11,900.00", "€1,234.50", "-$5.00"),
        ("sr-latn", f"11.900,00{NBSP}RSD", f"1.234,50{NBSP}€", f"-5,00{NBSP}US$"),
        ("sr", f"11.900,00{NBSP}RSD", f"1.234,50{NBSP}€", f"-5,00{NBSP}US$"),
        ("sl", f"11.900,00{NBSP}RSD", f"1.234,50{NBSP}€", f"-5,00{NBSP}$"),
    ],
)
def test_money_per_language(language, rsd, eur, negative_usd):
    assert format_money(Decimal("11900.00"), "RSD", language) == rsd
    assert format_money("1234.5", "eur", language) == eur
    assert format_money(-5, "USD", language) == negative_usd
    with translation.override(language):
        assert Template("{% load formats %}{{ amount|money:'RSD' }}").render(Context({"amount": 11900})) == rsd


def test_money_with_nothing_or_nonsense():
    assert format_money(None, "RSD") == ""
    assert format_money("abc", "RSD") == "abc"


@pytest.mark.parametrize(
    ("language", "date", "short_date", "date_time"),
    [
        ("en", "6 December 2026", "6 Dec 2026", "6 December 2026, 23:30"),
        ("sr-latn", "6. decembar 2026.", "6.12.2026.", "6. decembar 2026. 23:30"),
        ("sr", "6. децембар 2026.", "6.12.2026.", "6. децембар 2026. 23:30"),
        ("sl", "6. december 2026", "6. 12. 2026", "6. december 2026, 23:30"),
    ],
)
def test_dates_per_language_in_the_readers_zone(language, date, short_date, date_time):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo("Europe/Belgrade")):
        assert local_datetime(MOMENT, "DATE_FORMAT") == date
        assert local_datetime(MOMENT, "SHORT_DATE_FORMAT") == short_date
        assert local_datetime(MOMENT, "DATETIME_FORMAT") == date_time
        assert formats.date_format(timezone.localtime(MOMENT), "TIME_FORMAT") == "23:30"


def test_the_same_moment_is_the_next_day_in_tokyo():
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        assert local_datetime(MOMENT, "DATETIME_FORMAT") == "7 December 2026, 07:30"

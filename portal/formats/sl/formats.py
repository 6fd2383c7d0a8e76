"""Slovenian dates as Slovenian style guides write them: "6. 12. 2026", "6. december 2026, 23:30".

Django's Slovenian short date prints a month abbreviation; numbers read the same in every script.
"""

DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y, H:i"
SHORT_DATE_FORMAT = "j. n. Y"
SHORT_DATETIME_FORMAT = "j. n. Y, H:i"
TIME_FORMAT = "H:i"

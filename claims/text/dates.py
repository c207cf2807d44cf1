"""When a statement was made: the frame's date phrase resolved against the article's date.

"said Tuesday" in an article published on Wednesday 18 August 2021 means
Tuesday 17 August. Phrases we cannot pin to a day ("last month", "in the 1990s")
stay as text only.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def resolve(phrase: str | None, published: date | None) -> date | None:
    """The day ``phrase`` names, counted back from ``published``; None when it names no single day.

    >>> resolve("Tuesday", date(2021, 8, 18))
    datetime.date(2021, 8, 17)
    >>> resolve("Monday evening", date(2021, 8, 17))
    datetime.date(2021, 8, 16)
    """
    if not phrase or published is None:
        return None
    words = re.findall(r"[a-z]+|\d+", phrase.lower())
    if "today" in words or words[:2] == ["this", "morning"]:
        return published
    if "yesterday" in words:
        return published - timedelta(days=1)
    for i, day in enumerate(WEEKDAYS):
        if day in words:
            back = (published.weekday() - i) % 7
            if "last" in words and back == 0:
                back = 7
            return published - timedelta(days=back)
    for i, month in enumerate(MONTHS, start=1):
        if month in words:
            numbers = [int(w) for w in words if w.isdigit()]
            day = next((n for n in numbers if 1 <= n <= 31), None)
            year = next((n for n in numbers if n > 1900), None)
            if day is None:
                return None
            year = year or (
                published.year if (i, day) <= (published.month, published.day) else published.year - 1
            )
            try:
                return date(year, i, day)
            except ValueError:
                return None
    return None

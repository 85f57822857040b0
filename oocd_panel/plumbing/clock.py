"""Time: stored in UTC, shown and reasoned about in UK local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """The date in England and Wales at `moment` (what 'today' means to users)."""
    return moment.astimezone(LONDON).date()


def local_today() -> dt.date:
    return local_date(utcnow())


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)

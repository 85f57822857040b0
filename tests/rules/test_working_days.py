from __future__ import annotations

import datetime as dt

from oocd_panel.rules.working_days import add_working_days, is_working_day


def test_weekends_and_bank_holidays_are_skipped() -> None:
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    assert add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)
    # Ten working days from a Monday with no holidays is the Monday two weeks later.
    assert add_working_days(dt.date(2026, 6, 1), 10) == dt.date(2026, 6, 15)
    # Christmas 2026: Friday 25, Boxing Day on Saturday observed on Monday 28.
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)


def test_one_off_bank_holidays_are_known_offline() -> None:
    assert not is_working_day(dt.date(2022, 9, 19))  # state funeral
    assert not is_working_day(dt.date(2023, 5, 8))  # coronation
    assert is_working_day(dt.date(2023, 5, 9))

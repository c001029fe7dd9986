"""Working days on China's official calendar, including adjusted working weekends (调休).

Deadlines of the contract (payment within 15 working days, acceptance within 10) count
the days the State Council declares working days. The calendar is only known for the
years ``chinesecalendar`` ships; beyond them we refuse to guess.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


class UnknownCalendarYear(ValueError):
    """The official holiday calendar for a year is not known to this installation."""

    def __init__(self, day: date):
        self.year = day.year
        super().__init__(
            f"China's official working-day calendar for {day.year} is not known to this "
            f"installation (chinesecalendar {chinese_calendar.__version__}); upgrade the "
            "chinesecalendar package once the State Council has published that year's "
            "holiday notice"
        )


def is_working_day(day: date) -> bool:
    """Return whether the day is an official working day, 调休 weekends included."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise UnknownCalendarYear(day) from None


def add_working_days(start: date, count: int) -> date:
    """Return the ``count``-th working day after ``start`` (``start`` itself not counted).

    A negative count goes back: ``add_working_days(d, -3)`` is the third working day
    before ``d``.
    """
    step = timedelta(days=1 if count >= 0 else -1)
    day = start
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Return how many working days fall after ``start`` up to and including ``end``."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count

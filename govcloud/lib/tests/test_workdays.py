"""Working days on China's official calendar (C-3, C-4), 调休 weekends included."""

from __future__ import annotations

from datetime import date

import pytest

from govcloud.lib.workdays import (
    UnknownCalendarYear,
    add_working_days,
    is_working_day,
    working_days_between,
)


def test_fifteen_working_days_after_friday_26_september_2025_is_thursday_23_october():
    """Counted by hand: Sun 28 Sep (调休) 1, Mon 29 2, Tue 30 3; 1-8 Oct holiday;
    Thu 9 4, Fri 10 5, Sat 11 (调休) 6; Mon 13 to Fri 17 7-11; Mon 20 to Thu 23 12-15."""
    assert add_working_days(date(2025, 9, 26), 15) == date(2025, 10, 23)


@pytest.mark.parametrize("day", [date(2025, 10, d) for d in range(1, 9)])
def test_the_2025_national_day_holiday_has_no_working_day(day):
    assert is_working_day(day) is False


@pytest.mark.parametrize("day", [date(2025, 9, 28), date(2025, 10, 11)])
def test_the_2025_national_day_adjusted_weekend_days_are_working_days(day):
    assert is_working_day(day) is True


def test_the_first_working_day_after_the_holiday_eve_is_9_october():
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_ten_working_days_after_new_years_eve_2025_is_thursday_15_january_2026():
    """1-3 Jan 2026 are holidays and Sun 4 Jan is a 调休 working day: Sun 4 1, Mon 5 to Fri 9
    2-6, Mon 12 to Thu 15 7-10."""
    assert add_working_days(date(2025, 12, 31), 10) == date(2026, 1, 15)


def test_a_negative_count_goes_back_over_the_holiday_to_the_adjusted_sunday():
    """Back from Thu 9 Oct 2025: 8-1 Oct holiday, Tue 30 Sep 1, Mon 29 2, Sun 28 (调休) 3."""
    assert add_working_days(date(2025, 10, 9), -3) == date(2025, 9, 28)


def test_going_back_undoes_going_forward_from_a_working_day():
    assert add_working_days(date(2025, 10, 23), -15) == date(2025, 9, 26)


def test_zero_working_days_is_the_start_itself_even_on_a_holiday():
    assert add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)


@pytest.mark.parametrize("day", [date(2026, 2, 14), date(2026, 2, 28)])
def test_the_2026_spring_festival_adjusted_saturdays_are_working_days(day):
    assert day.weekday() == 5
    assert is_working_day(day) is True


def test_an_ordinary_saturday_is_not_a_working_day():
    assert is_working_day(date(2026, 3, 7)) is False


def test_working_days_between_counts_the_national_day_weeks_of_2025():
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 23)) == 15


def test_a_day_in_2027_is_refused_as_an_unknown_calendar_year():
    with pytest.raises(UnknownCalendarYear) as error:
        is_working_day(date(2027, 3, 1))
    assert isinstance(error.value, ValueError)
    assert error.value.year == 2027
    message = str(error.value)
    assert "for 2027 is not known" in message
    assert "upgrade the chinesecalendar package" in message


def test_counting_working_days_into_2027_is_refused_naming_2027():
    with pytest.raises(UnknownCalendarYear) as error:
        add_working_days(date(2026, 12, 25), 10)
    assert error.value.year == 2027
    assert "for 2027 is not known" in str(error.value)
    assert "upgrade the chinesecalendar package" in str(error.value)


def test_counting_backwards_from_2027_is_refused_too():
    with pytest.raises(UnknownCalendarYear, match="2027"):
        add_working_days(date(2027, 1, 10), -5)

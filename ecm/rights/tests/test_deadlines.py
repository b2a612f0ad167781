"""The ICO's way of counting a month, and extensions of one or two more months."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.rights.deadlines import add_months, due_date, extended_due_date, extension_allowed_on

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 9, 3), D(2026, 10, 3)),  # the ICO's own example: the corresponding date
        (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 February: the last day of February
        (D(2028, 1, 31), D(2028, 2, 29)),  # a leap year
        (D(2028, 1, 29), D(2028, 2, 29)),
        (D(2026, 1, 29), D(2026, 2, 28)),
        (D(2026, 1, 30), D(2026, 2, 28)),
        (D(2026, 3, 31), D(2026, 4, 30)),  # 31 into a 30-day month
        (D(2026, 4, 30), D(2026, 5, 30)),  # 30 into a 31-day month: the corresponding date, not the month end
        (D(2026, 2, 28), D(2026, 3, 28)),  # the end of February is not "the end of the month" for March
        (D(2028, 2, 29), D(2028, 3, 29)),
        (D(2026, 12, 15), D(2027, 1, 15)),  # December into January of the next year
        (D(2026, 12, 31), D(2027, 1, 31)),
        (D(2026, 8, 31), D(2026, 9, 30)),
        (D(2026, 5, 31), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 8, 1)),
    ],
)
def test_due_date_is_the_corresponding_date_or_the_last_day_of_next_month(received, due) -> None:
    assert due_date(received) == due


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (D(2026, 1, 31), 2, D(2026, 4, 30)),  # three months in all from receipt
        (D(2026, 1, 31), 1, D(2026, 3, 31)),
        (D(2025, 11, 30), 2, D(2026, 2, 28)),  # across the year end into a short February
        (D(2027, 11, 29), 2, D(2028, 2, 29)),  # into a leap February
        (D(2026, 12, 31), 2, D(2027, 3, 31)),
        (D(2026, 10, 31), 1, D(2026, 12, 31)),
    ],
)
def test_extended_due_date(received, months, due) -> None:
    assert extended_due_date(received, months) == due


@pytest.mark.parametrize("months", [0, 3, -1])
def test_an_extension_is_one_or_two_months(months) -> None:
    with pytest.raises(ValueError):
        extended_due_date(D(2026, 1, 31), months)


def test_an_extension_is_allowed_only_within_the_first_month() -> None:
    received = D(2026, 1, 31)
    assert extension_allowed_on(received, D(2026, 1, 31))
    assert extension_allowed_on(received, D(2026, 2, 28))
    assert not extension_allowed_on(received, D(2026, 3, 1))
    assert not extension_allowed_on(received, D(2026, 1, 30))


def test_add_months_every_day_of_a_leap_year_lands_in_the_next_month() -> None:
    day = D(2028, 1, 1)
    while day.year == 2028:
        due = add_months(day, 1)
        assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == 1
        assert due.day == day.day or (due + dt.timedelta(days=1)).month != due.month
        day += dt.timedelta(days=1)

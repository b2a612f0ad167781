"""Time limits for subject access (UK GDPR art. 12(3), the ICO's way of counting). Pure functions.

The limit runs from the day after receipt to the corresponding calendar date one month later;
where the next month has no such date (31 January: there is no 31 February), the last day of
that month. An extension adds up to two further months to the period, once, decided and told
to the requester within the first month.

ECM shows the calendar date itself. The ICO also allows until the next working day when that
date falls on a weekend or bank holiday; ECM does not count on it, so its dates are never late.
"""

from __future__ import annotations

import calendar
import datetime as dt

MAX_EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding calendar date ``months`` later, or the last day of that month if it has none."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def due_date(received_on: dt.date) -> dt.date:
    """The date a request received on ``received_on`` must be answered by (one calendar month)."""
    return add_months(received_on, 1)


def extended_due_date(received_on: dt.date, extra_months: int) -> dt.date:
    """The date after an extension of ``extra_months`` (1 or 2): the period becomes 1 + extra months."""
    if not 1 <= extra_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is of one or two months, not {extra_months}.")
    return add_months(received_on, 1 + extra_months)


def extension_allowed_on(received_on: dt.date, today: dt.date) -> bool:
    """An extension must be decided (and the requester told) within the first month."""
    return received_on <= today <= due_date(received_on)

"""Plain-English wording of ages, days, times, distances and costs, for both searches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ecm.directory.choices import Day

DAY_ORDER = [d.value for d in Day]
DAY_NAMES = {d.value: d.label for d in Day}


def age_text(months: int) -> str:
    if months < 12:
        return "birth" if months == 0 else f"{months} month{'s' if months != 1 else ''}"
    years, rest = divmod(months, 12)
    text = f"{years} year{'s' if years != 1 else ''}"
    return f"{text} {rest} month{'s' if rest != 1 else ''}" if rest else text


def age_range(min_months: int, max_months: int | None) -> str:
    """``From birth to 5 years``, ``11 to 19 years``, ``Pregnancy and new babies``, ``All ages``."""
    if max_months is None:
        return "All ages" if min_months == 0 else f"From {age_text(min_months)}"
    if max_months == 0:
        return "Before birth and newborn babies"
    if min_months == 0:
        return f"From birth to {age_text(max_months)}"
    if min_months % 12 == 0 and max_months % 12 == 0:
        return f"{min_months // 12} to {max_months // 12} years"
    return f"{age_text(min_months)} to {age_text(max_months)}"


def days_text(days: Sequence[str]) -> str:
    """``MO,TU,WE,TH,FR`` → ``Monday to Friday``; ``TU,TH`` → ``Tuesday and Thursday``."""
    ordered = [d for d in DAY_ORDER if d in days]
    if not ordered:
        return ""
    if len(ordered) == 7:
        return "Every day"
    idx = [DAY_ORDER.index(d) for d in ordered]
    if len(ordered) >= 3 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]} to {DAY_NAMES[ordered[-1]]}"
    names = [DAY_NAMES[d] for d in ordered]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def time_text(value: dt.time | None) -> str:
    """``09:30`` → ``9:30am``, ``12:00`` → ``midday``, ``23:59`` → ``midnight``."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if (value.hour, value.minute) in ((0, 0), (23, 59)):
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{suffix}"


def opening_text(byday: str, opens: dt.time | None, closes: dt.time | None) -> str:
    days = days_text([d for d in byday.split(",") if d])
    if opens and closes and (opens.hour, opens.minute, closes.hour, closes.minute) == (0, 0, 23, 59):
        return f"{days}, day and night" if days != "Every day" else "Every day, day and night"
    hours = f"{time_text(opens)} to {time_text(closes)}" if opens and closes else ""
    return ", ".join(part for part in (days, hours) if part)


def miles_text(metres: float | None) -> str:
    if metres is None:
        return ""
    miles = metres / 1609.344
    return "less than 0.1 miles" if miles < 0.1 else f"{miles:.1f} miles"


# The age choices both searches offer, in months.
AGE_CHOICES = (
    [("0", "Expecting a baby, or a newborn baby")]
    + [(str(m), f"{m} month{'s' if m > 1 else ''} old") for m in range(1, 12)]
    + [(str(y * 12), f"{y} year{'s' if y > 1 else ''} old") for y in range(1, 26)]
)

"""Search keys: normalised names and postcodes, a phonetic key (Metaphone) and nickname groups.

Keys are stored in indexed columns when a name or address is written, so a search is
an index lookup, never a scan that computes keys row by row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
from pathlib import Path

NAME_MAX_LENGTH = 35
NICKNAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "nicknames.csv"


# Every ASCII character but a to z, deleted by ``bytes.translate``.
_NOT_LOWER_LETTERS = bytes(code for code in range(128) if not ord("a") <= code <= ord("z"))


def normalise_name(value: str | None) -> str:
    """Lower case ASCII letters, with accents folded and spaces, hyphens and apostrophes removed.

    "O'Brien-Smith" and "obrien smith" give the same key; "Zoë" gives "zoe".
    """
    if not value:
        return ""
    if value.isascii():
        # Most names: nothing to fold, and one translation is several times faster than the general
        # path, which matching runs on every name of a national feed.
        return value.lower().encode().translate(None, _NOT_LOWER_LETTERS).decode()
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


def normalise_pattern(value: str | None) -> str:
    """Like :func:`normalise_name` but keeps the ``*`` wildcard."""
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z*]", "", folded.lower())


def normalise_postcode(value: str | None) -> str:
    """Upper case, no spaces: " ls1 4ap " -> "LS14AP"."""
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def postcode_district(value: str | None) -> str:
    """The outward code ("LS1 4AP" -> "LS1"): the only part of an address a search result shows."""
    code = normalise_postcode(value)
    return code[:-3] if len(code) > 3 else code


def format_postcode(value: str | None) -> str:
    code = normalise_postcode(value)
    return f"{code[:-3]} {code[-3:]}" if len(code) > 3 else code


_VOWELS = set("AEIOU")
_FRONT = set("EIY")


def metaphone(value: str | None, max_length: int = 8) -> str:
    """Lawrence Philips' Metaphone key of a name: "Katherine" and "Catherine" both give "K0RN".

    Letters only; the key is at most ``max_length`` characters.
    """
    word = normalise_name(value).upper()
    if not word:
        return ""
    # Initial exceptions.
    if word[:2] in ("KN", "GN", "PN", "AE", "WR"):
        word = word[1:]
    if word[0] == "X":
        word = "S" + word[1:]
    elif word[:2] == "WH":
        word = "W" + word[2:]
    # Collapse doubled letters except C.
    deduped = [word[0]]
    for ch in word[1:]:
        if ch != deduped[-1] or ch == "C":
            deduped.append(ch)
    w = "".join(deduped)
    n = len(w)
    out: list[str] = []

    def at(i: int) -> str:
        return w[i] if 0 <= i < n else ""

    i = 0
    while i < n and len(out) < max_length:
        c = w[i]
        nxt, prev = at(i + 1), at(i - 1)
        if c in _VOWELS:
            if i == 0:
                out.append(c)
        elif c == "B":
            if not (prev == "M" and i == n - 1):
                out.append("B")
        elif c == "C":
            if nxt == "I" and at(i + 2) == "A":
                out.append("X")
            elif nxt == "H":
                out.append("K" if prev == "S" else "X")
                i += 1
            elif nxt in _FRONT:
                if prev != "S":
                    out.append("S")
            else:
                out.append("K")
        elif c == "D":
            if nxt == "G" and at(i + 2) in _FRONT:
                out.append("J")
                i += 2
            else:
                out.append("T")
        elif c == "G":
            if nxt == "H" and not (i + 2 < n and at(i + 2) in _VOWELS):
                i += 1  # silent "gh" (Hugh, night)
            elif nxt == "N" and (i + 2 == n or w[i + 2 :] == "NED"):
                pass
            elif nxt in _FRONT and prev != "G":
                out.append("J")
            else:
                out.append("K")
        elif c == "H":
            if (
                (prev not in _VOWELS or nxt in _VOWELS)
                and prev not in ("C", "S", "P", "T", "G")
                and (nxt in _VOWELS or i == 0)
            ):
                out.append("H")
        elif c == "K":
            if prev != "C":
                out.append("K")
        elif c == "P":
            if nxt == "H":
                out.append("F")
                i += 1
            else:
                out.append("P")
        elif c == "Q":
            out.append("K")
        elif c == "S":
            if nxt == "H" or (nxt == "I" and at(i + 2) in ("O", "A")):
                out.append("X")
                if nxt == "H":
                    i += 1
            else:
                out.append("S")
        elif c == "T":
            if nxt == "I" and at(i + 2) in ("O", "A"):
                out.append("X")
            elif nxt == "H":
                out.append("0")
                i += 1
            elif not (nxt == "C" and at(i + 2) == "H"):
                out.append("T")
        elif c == "V":
            out.append("F")
        elif c in ("W", "Y"):
            if nxt in _VOWELS:
                out.append(c)
        elif c == "X":
            out.append("KS")
        elif c == "Z":
            out.append("S")
        else:
            out.append(c)
        i += 1
    return "".join(out)[:max_length]


@cache
def nickname_table_groups() -> tuple[tuple[str, ...], ...]:
    """The shipped table's groups as written, one per line, formal name first, normalised."""
    lines = []
    for raw in NICKNAMES_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        lines.append(tuple(normalise_name(n) for n in line.split(",") if normalise_name(n)))
    return tuple(lines)


@cache
def _nickname_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for names in nickname_table_groups():
        for name in names:
            groups.setdefault(name, set()).update(names)
    return {name: frozenset(others - {name}) for name, others in groups.items()}


def nicknames(name: str) -> frozenset[str]:
    """Other forms of a given name from the shipped table ("bill" -> william, will, billy...)."""
    return _nickname_groups().get(normalise_name(name), frozenset())


def swapped_day_month(day: dt.date) -> dt.date | None:
    """The date with day and month swapped (3 April <-> 4 March), when that is a different valid date."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


# The national child index number: 11 digits and a Luhn check digit, shown in groups of four.


def luhn_check_digit(digits: str) -> str:
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def index_number_is_valid(value: str) -> bool:
    digits = re.sub(r"\s", "", value or "")
    return len(digits) == 12 and digits.isdigit() and luhn_check_digit(digits[:-1]) == digits[-1]


def nhs_number_is_placeholder(value: str) -> bool:
    """Ten of one digit ("000 000 0000", "999 999 9999"): what systems key for a number they do not
    know. Every such number passes the modulus 11 check, and none is ever issued to a person."""
    digits = re.sub(r"\s", "", value or "")
    return len(digits) == 10 and digits.isdigit() and len(set(digits)) == 1


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number's modulus 11 check; a placeholder (``nhs_number_is_placeholder``) is not valid."""
    digits = re.sub(r"\s", "", value or "")
    if len(digits) != 10 or not digits.isdigit() or nhs_number_is_placeholder(digits):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


UPN_PATTERN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")


def upn_is_valid(value: str) -> bool:
    """The DfE unique pupil number's shape: a check letter, 11 digits, a digit or letter."""
    return bool(UPN_PATTERN.match(re.sub(r"\s", "", value or "").upper()))

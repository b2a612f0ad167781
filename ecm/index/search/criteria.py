"""What a search asks for, and whether it is enough (the PDS minimum criteria).

Exact search: family name and date of birth; or given name, date of birth and postcode;
or family name, gender, postcode and a range of dates of birth.
Fuzzy search needs more (as PDS): given + family + date of birth; or family + date of
birth + gender + postcode; or given + date of birth + gender + postcode; no wildcards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.conf import settings

from ecm.index.search.keys import NAME_MAX_LENGTH, normalise_pattern, normalise_postcode

WILDCARD = "*"
SYSTEM_CAP = 1
PERSON_CAP_LIMIT = 50


def default_person_cap() -> int:
    return int(getattr(settings, "ECM_INDEX_MAX_RESULTS", 10))


class SearchCriteriaError(ValueError):
    """The criteria are not enough or not valid; ``problems`` maps a field to what is wrong."""

    def __init__(self, problems: dict[str, str], code: str = "INVALID_SEARCH_DATA") -> None:
        self.problems = problems
        self.code = code
        super().__init__(" ".join(problems.values()))


# Search details that identify a person: the audit records that they were given, not what they were.
IDENTIFYING_FIELDS = frozenset(
    {"given_name", "family_name", "postcode", "birth_date", "birth_date_from", "birth_date_to"}
)
GIVEN = "(given)"


@dataclass
class SearchCriteria:
    """One search. Names may hold ``*`` (exact searches only, never in the first two characters)."""

    given_name: str = ""
    family_name: str = ""
    gender: str = ""
    postcode: str = ""
    birth_date: dt.date | None = None
    birth_date_from: dt.date | None = None
    birth_date_to: dt.date | None = None
    school_id: str = ""
    gp_practice_id: str = ""
    fuzzy: bool = False
    exact_only: bool = False
    history: bool = False
    max_results: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def given_pattern(self) -> str:
        return normalise_pattern(self.given_name)

    @property
    def family_pattern(self) -> str:
        return normalise_pattern(self.family_name)

    @property
    def postcode_norm(self) -> str:
        return normalise_postcode(self.postcode)

    @property
    def has_range(self) -> bool:
        return self.birth_date_from is not None or self.birth_date_to is not None

    @property
    def has_date(self) -> bool:
        return self.birth_date is not None or self.has_range

    @property
    def uses_location(self) -> bool:
        """Postcode, school or GP: shielded children never match such a search."""
        return bool(self.postcode_norm or self.school_id or self.gp_practice_id)

    def audit_view(self) -> dict[str, Any]:
        """The query as the audit records it: which details were given, never their values.

        Names, dates of birth and postcodes typed into a search identify a child (or someone
        who is not on the index), and the append-only audit must not hold them after a purge
        (DOMAIN, "Retention"). The records a search matched are audited one by one, by id
        (``index.search_match``); organisation ids, gender and the search options are kept.
        """
        # Shallow: every field but ``extra`` is a plain value (``asdict`` deep-copies, on every search).
        data = {
            f.name: value
            for f in fields(self)
            if f.name != "extra" and (value := getattr(self, f.name)) not in ("", None, False, {})
        }
        return {
            k: GIVEN if k in IDENTIFYING_FIELDS else (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in data.items()
        }


EXACT_SETS: list[tuple[tuple[str, ...], str]] = [
    (("family_name", "birth_date"), "family name and date of birth"),
    (("given_name", "birth_date", "postcode"), "given name, date of birth and postcode"),
    (
        ("family_name", "gender", "postcode", "birth_date_range"),
        "family name, gender, postcode and a range of dates of birth",
    ),
]
FUZZY_SETS: list[tuple[tuple[str, ...], str]] = [
    (("given_name", "family_name", "birth_date"), "given name, family name and date of birth"),
    (("family_name", "birth_date", "gender", "postcode"), "family name, date of birth, gender and postcode"),
    (("given_name", "birth_date", "gender", "postcode"), "given name, date of birth, gender and postcode"),
]
FIELD_WORDS = {
    "given_name": "given name",
    "family_name": "family name",
    "birth_date": "date of birth",
    "birth_date_range": "range of dates of birth",
    "gender": "gender",
    "postcode": "postcode",
}


def _present(criteria: SearchCriteria) -> set[str]:
    present = set()
    if criteria.given_pattern.strip(WILDCARD):
        present.add("given_name")
    if criteria.family_pattern.strip(WILDCARD):
        present.add("family_name")
    if criteria.birth_date is not None:
        present.update({"birth_date", "birth_date_range"})
    if criteria.birth_date_from is not None and criteria.birth_date_to is not None:
        present.add("birth_date_range")
    if criteria.gender:
        present.add("gender")
    if criteria.postcode_norm:
        present.add("postcode")
    return present


def validate(criteria: SearchCriteria, *, is_system: bool = False) -> None:
    """Raise :class:`SearchCriteriaError` naming what is wrong or missing; return when the search may run."""
    problems: dict[str, str] = {}
    for name, pattern in (("given_name", criteria.given_name), ("family_name", criteria.family_name)):
        if len(pattern) > NAME_MAX_LENGTH:
            problems[name] = f"The {FIELD_WORDS[name]} must be {NAME_MAX_LENGTH} characters or fewer."
        elif WILDCARD in pattern:
            if criteria.fuzzy:
                problems[name] = (
                    f"Remove the * from the {FIELD_WORDS[name]}: a search for similar names cannot use wildcards."
                )
            elif WILDCARD in pattern.strip()[:2]:
                problems[name] = f"The {FIELD_WORDS[name]} needs at least 2 letters before a *."
    if criteria.birth_date and criteria.has_range:
        problems["birth_date"] = "Enter either a date of birth or a range of dates, not both."
    if criteria.birth_date_from and criteria.birth_date_to and criteria.birth_date_from > criteria.birth_date_to:
        problems["birth_date_from"] = "The start of the date range must be before its end."
    if criteria.postcode and not (2 <= len(criteria.postcode_norm) <= 7):
        problems["postcode"] = "Enter a real postcode, like LS1 4AP."
    if criteria.max_results is not None:
        limit = SYSTEM_CAP if is_system else PERSON_CAP_LIMIT
        if not 1 <= criteria.max_results <= limit:
            problems["max_results"] = f"The maximum number of results must be between 1 and {limit}."
    if problems:
        raise SearchCriteriaError(problems, code="INVALID_VALUE")
    sets = FUZZY_SETS if criteria.fuzzy else EXACT_SETS
    present = _present(criteria)
    if any(set(required) <= present for required, _ in sets):
        return
    nearest = _nearest(sets, present)
    missing = [FIELD_WORDS[f] for f in nearest[0] if f not in present]
    kind = "A search for similar matches" if criteria.fuzzy else "A search"
    options = "; or ".join(words for _, words in sets)
    message = f"Not enough details to search. Add the {join_words(missing)}. {kind} needs at least: {options}."
    raise SearchCriteriaError(
        {"__all__": message, **{f: f"Enter the {FIELD_WORDS[f]}." for f in nearest[0] if f not in present}}
    )


def _nearest(sets: list[tuple[tuple[str, ...], str]], present: set[str]) -> tuple[tuple[str, ...], str]:
    return min(sets, key=lambda s: len(set(s[0]) - present))


def fuzzy_missing(criteria: SearchCriteria) -> list[str]:
    """What an exact search lacks for a search for similar matches (empty when it has enough).

    A wildcard cannot go into a fuzzy search, so a name with ``*`` counts as missing.
    """
    present = _present(criteria)
    for name, pattern in (("given_name", criteria.given_name), ("family_name", criteria.family_name)):
        if WILDCARD in pattern:
            present.discard(name)
    if criteria.birth_date is None:
        present.discard("birth_date")
    if any(set(required) <= present for required, _ in FUZZY_SETS):
        return []
    nearest = _nearest(FUZZY_SETS, present)
    return [FIELD_WORDS[f] for f in nearest[0] if f not in present]


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def result_cap(criteria: SearchCriteria, *, is_system: bool) -> int:
    """A system gets exactly one; a person ``max_results`` (1-50) or ECM's default of 10."""
    if is_system:
        return SYSTEM_CAP
    return criteria.max_results or default_person_cap()

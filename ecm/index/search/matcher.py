"""Finding and scoring candidates. Pure reads: auditing is the selector's job.

Candidates come from indexed key columns (date of birth with names or phonetic keys,
or postcode with a date range); each is then scored 0-1 in Python:

- names: current exact 1.0; previous name 0.95; nickname 0.9; sound-alike 0.85;
  given and family swapped 0.8 (the best name row counts);
- date of birth: exact or in range 1.0; day and month swapped 0.8 (fuzzy only);
- postcode: current address 1.0; previous address 0.95;
- gender: equal 1.0; unknown on the record 0.9 (fuzzy only); school and GP: equal.
The score is the product. An exact search accepts only exact parts (and, with history,
previous names and addresses); a fuzzy search keeps scores of at least 0.6.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from ecm.core import rows
from ecm.core.replica import reads_from_replica
from ecm.index.choices import ChildStatus, Gender, MatchStrength
from ecm.index.models import Child, ChildAddress, ChildName
from ecm.index.search.criteria import WILDCARD, SearchCriteria
from ecm.index.search.keys import metaphone, nicknames, swapped_day_month
from ecm.index.visibility import location_searchable

FUZZY_THRESHOLD = 0.6
PREVIOUS = 0.95
NICKNAME = 0.9
SOUNDS_LIKE = 0.85
SWAPPED_NAMES = 0.8
SWAPPED_DATE = 0.8
UNKNOWN_GENDER = 0.9


@dataclass(frozen=True)
class Match:
    """One matched child and how well it matched."""

    child: Child
    score: float

    @property
    def strength(self) -> MatchStrength:
        if self.score >= 1.0:
            return MatchStrength.EXACT
        if self.score >= 0.9:
            return MatchStrength.CLOSE
        return MatchStrength.POSSIBLE


def _dates(criteria: SearchCriteria) -> list[dt.date]:
    assert criteria.birth_date is not None
    dates = [criteria.birth_date]
    if criteria.fuzzy:
        swapped = swapped_day_month(criteria.birth_date)
        if swapped:
            dates.append(swapped)
    return dates


def _pattern_q(prefix: str, pattern: str) -> Q:
    if WILDCARD in pattern:
        head = pattern.split(WILDCARD, 1)[0]
        return Q(**{f"{prefix}__startswith": head})
    return Q(**{prefix: pattern})


def candidate_ids(criteria: SearchCriteria) -> Any:
    """Primary keys of children worth scoring, from index lookups only (a query, run as a subquery)."""
    given, family = criteria.given_pattern, criteria.family_pattern
    if criteria.birth_date is not None:
        names = ChildName.objects.filter(birth_date__in=_dates(criteria))
        if not criteria.fuzzy and not criteria.history:
            names = names.filter(is_current=True)
        if criteria.fuzzy:
            keys = {metaphone(n) for n in (given, family) if n} - {""}
            forms = {n for n in (given, family) if n} | set().union(*(nicknames(n) for n in (given, family) if n))
            names = names.filter(
                Q(family_phonetic__in=keys)
                | Q(given_phonetic__in=keys)
                | Q(family_norm__in=forms)
                | Q(given_norm__in=forms)
            )
        elif family:
            names = names.filter(_pattern_q("family_norm", family))
            if given:
                names = names.filter(_pattern_q("given_norm", given))
        elif given:
            names = names.filter(_pattern_q("given_norm", given))
        return names.values_list("child_id", flat=True)
    addresses = ChildAddress.objects.filter(postcode_norm=criteria.postcode_norm)
    if criteria.birth_date_from:
        addresses = addresses.filter(birth_date__gte=criteria.birth_date_from)
    if criteria.birth_date_to:
        addresses = addresses.filter(birth_date__lte=criteria.birth_date_to)
    if not criteria.fuzzy and not criteria.history:
        addresses = addresses.filter(is_current=True)
    return addresses.values_list("child_id", flat=True)


def _name_part(wanted: str, norm: str, phonetic: str, *, fuzzy: bool, given: bool) -> float:
    if not wanted:
        return 1.0
    if WILDCARD in wanted:
        return 1.0 if fnmatch.fnmatchcase(norm, wanted) else 0.0
    if wanted == norm:
        return 1.0
    if not fuzzy:
        return 0.0
    if given and norm in nicknames(wanted):
        return NICKNAME
    if phonetic and metaphone(wanted) == phonetic:
        return SOUNDS_LIKE
    return 0.0


def _name_score(criteria: SearchCriteria, names: Iterable[ChildName]) -> float:
    given, family, fuzzy = criteria.given_pattern, criteria.family_pattern, criteria.fuzzy
    best = 0.0
    for row in names:
        if not row.is_current and not (fuzzy or criteria.history):
            continue
        weight = 1.0 if row.is_current else PREVIOUS
        straight = _name_part(given, row.given_norm, row.given_phonetic, fuzzy=fuzzy, given=True) * _name_part(
            family, row.family_norm, row.family_phonetic, fuzzy=fuzzy, given=False
        )
        swapped = 0.0
        if fuzzy and given and family:
            swapped = (
                SWAPPED_NAMES
                * _name_part(given, row.family_norm, row.family_phonetic, fuzzy=True, given=False)
                * _name_part(family, row.given_norm, row.given_phonetic, fuzzy=True, given=True)
            )
        best = max(best, weight * max(straight, swapped))
    return best


def _date_score(criteria: SearchCriteria, child: Child) -> float:
    born = child.search_date
    if born is None:
        return 0.0
    if criteria.birth_date is not None:
        if born == criteria.birth_date:
            return 1.0
        return SWAPPED_DATE if criteria.fuzzy and swapped_day_month(criteria.birth_date) == born else 0.0
    if criteria.birth_date_from and born < criteria.birth_date_from:
        return 0.0
    if criteria.birth_date_to and born > criteria.birth_date_to:
        return 0.0
    return 1.0


def _postcode_score(criteria: SearchCriteria, addresses: Iterable[ChildAddress]) -> float:
    if not criteria.postcode_norm:
        return 1.0
    best = 0.0
    for address in addresses:
        if address.postcode_norm != criteria.postcode_norm:
            continue
        if address.is_current:
            return 1.0
        if criteria.fuzzy or criteria.history:
            best = PREVIOUS
    return best


def _gender_score(criteria: SearchCriteria, child: Child) -> float:
    if not criteria.gender or criteria.gender == child.gender:
        return 1.0
    return UNKNOWN_GENDER if criteria.fuzzy and child.gender == Gender.UNKNOWN else 0.0


def score(criteria: SearchCriteria, child: Child) -> float:
    """How well ``child`` matches, 0-1 (0: not a match)."""
    if criteria.school_id and str(child.school_id) != criteria.school_id:
        return 0.0
    if criteria.gp_practice_id and str(child.gp_practice_id) != criteria.gp_practice_id:
        return 0.0
    total = _date_score(criteria, child) * _gender_score(criteria, child)
    if total:
        total *= _name_score(criteria, child.names.all())
    if total:
        total *= _postcode_score(criteria, child.addresses.all())
    return round(total, 2)


class _PrefetchedRows(QuerySet[Model]):
    """One child's names or addresses as ``prefetch_related`` would cache them, made without
    building a filtered query per child: ``all()``, iteration, ``len`` and ``exists`` use the rows
    fetched with the search, and any further querying (``filter``, ``order_by``...) starts again
    from the child's own relation, so it can only ever see that child's rows."""

    _relation: Any = None

    @classmethod
    def holding(cls, found: list[Model], *, child: Child, relation: str, using: str) -> _PrefetchedRows:
        manager = getattr(Child, relation).rel.related_model
        queryset = cls(model=manager, using=using)
        queryset._result_cache = found  # type: ignore[assignment]  # the rows, as Django's prefetch stores them
        queryset._prefetch_done = True  # type: ignore[attr-defined]  # Django's own flag, as its prefetch sets it
        queryset._relation = (child, relation)
        return queryset

    def _chain(self) -> QuerySet[Model]:
        child, relation = self._relation
        manager = getattr(child, relation)
        return manager._apply_rel_filters(manager.model._base_manager.using(self.db).all())._chain()


def _with_names_and_addresses(children: QuerySet[Child]) -> list[Child]:
    """The children of ``children`` with their names and addresses attached, as
    ``prefetch_related("names", "addresses")`` would, in the same three statements.

    Only the narrow id query is built by the ORM on each search, so every filter (the shielding
    rule's included) stays the ORM's; the three wide selects around it are written once per process
    (``ecm.core.rows``), because building them was most of a search's CPU time under load.
    """
    ids_sql, ids_params = children.values("pk").query.sql_with_params()
    db = children.db
    sql = f"SELECT {rows.columns(Child)} FROM {rows.table(Child)} WHERE id IN ({ids_sql})"  # noqa: S608
    found = rows.fetch(Child, sql, ids_params, using=db)
    if not found:
        return found
    by_child: dict[str, dict[Any, list[Model]]] = {}
    for attr, model in (("names", ChildName), ("addresses", ChildAddress)):
        grouped: dict[Any, list[Model]] = {child.pk: [] for child in found}
        sql = f"SELECT {rows.columns(model)} FROM {rows.table(model)} WHERE child_id IN ({ids_sql})"  # noqa: S608
        for row in rows.fetch(model, sql, ids_params, using=db):
            grouped[row.child_id].append(row)  # type: ignore[attr-defined]
        by_child[attr] = grouped
    for child in found:
        cache = child.__dict__.setdefault("_prefetched_objects_cache", {})
        for attr, grouped in by_child.items():
            cache[attr] = _PrefetchedRows.holding(grouped[child.pk], child=child, relation=attr, using=db)
    return found


@reads_from_replica
def find(criteria: SearchCriteria, *, statuses: Iterable[str]) -> list[Match]:
    """Every child matching ``criteria`` among records in ``statuses``, best first.

    Merged-away and purged records never match; shielded ones never match a search
    that uses a location term (postcode, school, GP).
    """
    statuses = [s for s in statuses if s != ChildStatus.PURGED]
    # The candidates as a subquery: one round trip finds and reads them (a miss reads nothing more).
    children = Child.objects.filter(
        pk__in=candidate_ids(criteria),
        status__in=statuses,
        merged_into__isnull=True,
    )  # type: ignore[misc]
    if criteria.uses_location:
        children = location_searchable(children)
    found = _with_names_and_addresses(children)
    # Exact: 1.0 only, or (with history) previous name and address at worst.
    exact_threshold = PREVIOUS * PREVIOUS if criteria.history else 1.0
    threshold = FUZZY_THRESHOLD if criteria.fuzzy else exact_threshold
    matches = []
    for child in found:
        value = score(criteria, child)
        if value >= round(threshold, 2) and (not criteria.exact_only or value >= 1.0):
            matches.append(Match(child=child, score=value))
    matches.sort(key=lambda m: (-m.score, m.child.family_name, m.child.given_name, str(m.child.pk)))
    return matches

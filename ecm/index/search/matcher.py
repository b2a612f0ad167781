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

from django.db import connections, router
from django.db.models import Model, QuerySet

from ecm.core import rows
from ecm.core.replica import reads_from_replica
from ecm.index.choices import ChildStatus, Gender, MatchStrength
from ecm.index.models import Child, ChildAddress, ChildName
from ecm.index.search.criteria import WILDCARD, SearchCriteria
from ecm.index.search.keys import metaphone, nicknames, swapped_day_month
from ecm.index.visibility import location_hidden_sql

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


class _Sql:
    """A ``WHERE`` clause and its parameters, built in order."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.params: list[Any] = []

    def value(self, value: Any) -> str:
        if isinstance(value, dt.date):
            value = self.connection.ops.adapt_datefield_value(value)
        self.params.append(value)
        return "%s"

    def among(self, column: str, values: Iterable[Any]) -> str | None:
        """``column IN (...)``; None for no values (nothing can match)."""
        listed = [self.value(v) for v in values]
        return f"{column} IN ({', '.join(listed)})" if listed else None

    def pattern(self, column: str, pattern: str) -> str:
        """Equal, or (with ``*``) starting with what comes before it."""
        if WILDCARD in pattern:
            head = self.connection.ops.prep_for_like_query(pattern.split(WILDCARD, 1)[0])
            return f"{column} LIKE {self.value(head + '%')} ESCAPE '\\'"
        return f"{column} = {self.value(pattern)}"


def candidate_sql(criteria: SearchCriteria, connection: Any) -> tuple[str, list[Any]] | None:
    """The ids of children worth scoring, from index lookups only, as a subquery; None when the
    criteria cannot match anything. Written as SQL (not built through the ORM on each search):
    it runs on every search, and building it was a large part of a search's CPU time."""
    given, family = criteria.given_pattern, criteria.family_pattern
    sql = _Sql(connection)
    if criteria.birth_date is not None:
        where = [f"birth_date IN ({', '.join(sql.value(d) for d in _dates(criteria))})"]
        if not criteria.fuzzy and not criteria.history:
            where.append(f"is_current = {sql.value(True)}")
        if criteria.fuzzy:
            keys = sorted({metaphone(n) for n in (given, family) if n} - {""})
            forms = sorted(
                {n for n in (given, family) if n} | set().union(*(nicknames(n) for n in (given, family) if n))
            )
            either = [
                term
                for term in (
                    sql.among("family_phonetic", keys),
                    sql.among("given_phonetic", keys),
                    sql.among("family_norm", forms),
                    sql.among("given_norm", forms),
                )
                if term
            ]
            if not either:
                return None
            where.append(f"({' OR '.join(either)})")
        elif family:
            where.append(sql.pattern("family_norm", family))
            if given:
                where.append(sql.pattern("given_norm", given))
        elif given:
            where.append(sql.pattern("given_norm", given))
        return f"SELECT child_id FROM {rows.table(ChildName)} WHERE {' AND '.join(where)}", sql.params  # noqa: S608
    where = [f"postcode_norm = {sql.value(criteria.postcode_norm)}"]
    if criteria.birth_date_from:
        where.append(f"birth_date >= {sql.value(criteria.birth_date_from)}")
    if criteria.birth_date_to:
        where.append(f"birth_date <= {sql.value(criteria.birth_date_to)}")
    if not criteria.fuzzy and not criteria.history:
        where.append(f"is_current = {sql.value(True)}")
    return f"SELECT child_id FROM {rows.table(ChildAddress)} WHERE {' AND '.join(where)}", sql.params  # noqa: S608


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


def _with_names_and_addresses(sql: str, params: list[Any], *, using: str) -> list[Child]:
    """The children ``sql`` selects with their names and addresses attached, as
    ``prefetch_related("names", "addresses")`` would, in the same three statements, each written
    once per process (``ecm.core.rows``) rather than built through the ORM on every search."""
    db = using
    found = rows.fetch(Child, sql, params, using=db)
    if not found:
        return found
    by_child: dict[str, dict[Any, list[Model]]] = {}
    # By the children's ids, not the candidate subquery again: the database finds candidates once.
    connection = connections[db]
    ids = [Child._meta.pk.get_db_prep_value(child.pk, connection) for child in found]  # type: ignore[union-attr]
    placeholders = ", ".join(["%s"] * len(ids))
    for attr, model in (("names", ChildName), ("addresses", ChildAddress)):
        grouped: dict[Any, list[Model]] = {child.pk: [] for child in found}
        sql = f"SELECT {rows.columns(model)} FROM {rows.table(model)} WHERE child_id IN ({placeholders})"  # noqa: S608
        for row in rows.fetch(model, sql, ids, using=db):
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
    db = router.db_for_read(Child)
    connection = connections[db]
    candidates = candidate_sql(criteria, connection)
    if candidates is None or not statuses:
        return []
    subquery, params = candidates
    sql = _Sql(connection)
    sql.params = list(params)
    where = [f"id IN ({subquery})", sql.among("status", statuses), "merged_into_id IS NULL"]
    if criteria.uses_location:
        where.append(f"NOT ({location_hidden_sql(rows.table(Child))})")
    # The candidates as a subquery: one round trip finds and reads them (a miss reads nothing more).
    found = _with_names_and_addresses(
        f"SELECT {rows.columns(Child)} FROM {rows.table(Child)} WHERE {' AND '.join(str(w) for w in where)}",  # noqa: S608
        sql.params,
        using=db,
    )
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

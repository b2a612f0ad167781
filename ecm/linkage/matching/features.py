"""The columns the model compares, derived from a staged record's values (no Splink here).

Names are normalised (and a nickname group's canonical form kept beside), the date of
birth kept as ISO text, and the address reduced to one postcode plus a house key: town
and street are functions of the postcode, so they are not compared as if independent
(docs/linkage.md, "Dependent columns").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import combinations
from typing import Any, NamedTuple

from ecm.index.search import keys
from ecm.index.search.keys import nickname_table_groups, nicknames, normalise_postcode

# Names repeat across a million records: normalise each spelling once.
normalise_name = lru_cache(maxsize=500_000)(keys.normalise_name)
metaphone = lru_cache(maxsize=500_000)(keys.metaphone)

FEATURE_COLUMNS = (
    "unique_id",
    "is_new",
    "given_norm",
    "given_canon",
    "given_nicks",
    "middle_norm",
    "family_norm",
    "family_mp",
    "prev_family_norm",
    "dob",
    "dob_year",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "house_key",
    "nhs",
    "upn",
    "parents",
)


@cache
def canonical_given(name: str) -> str:
    """One spelling for a nickname group (bill, will, william -> the alphabetically first)."""
    if not name:
        return ""
    return min({name, *nicknames(name)})


@cache
def given_nicks(name: str) -> tuple[str, ...] | None:
    """The name and its forms in the nickname table (Kate: Kate, Katherine, Catherine...); None without any.

    Two names are nicknames of each other when one is in the other's forms (they share a group).
    Unlike the canonical form, this holds where a nickname belongs to two groups (Kate to Katherine and
    to Catherine); and unlike forms that merely overlap, it never makes two formal names one through a
    form they share (Katherine and Catherine through Kate, Emily and Amelia through Millie).
    """
    others = nicknames(name) if name else frozenset()
    return tuple(sorted({name, *others})) if others else None


def house_key(address_line_1: str) -> str:
    """The house number (or the first word, for named houses) of the first address line."""
    text = normalise_name(address_line_1)
    match = re.search(r"\b(\d+[A-Z]?)\b", (address_line_1 or "").upper())
    if match:
        return match.group(1)
    return text.split(" ")[0] if text else ""


def _postcode_parts(postcode: str) -> tuple[str, str, str]:
    pc = normalise_postcode(postcode)
    if len(pc) < 5:
        return pc, "", ""
    outward, inward = pc[:-3], pc[-3:]
    return pc, f"{outward} {inward[0]}", outward


def _parent_names(*names: str) -> list[str]:
    return sorted({norm for n in names if n and (norm := normalise_name(n))})


# Each record's values repeat across a national feed (a child's five sources, a household's address, a
# popular name): ``features`` derives each distinct value's columns once. Values are text, so the caches
# hold nothing a later record could change.
_CACHE = 500_000


@lru_cache(maxsize=_CACHE)
def _given_columns(given_name: str) -> tuple[str | None, str | None, tuple[str, ...] | None]:
    """The given name's normalised form, its nickname group's canonical form and its forms (or ``None``s)."""
    given = normalise_name(given_name).split(" ")[0] if given_name else ""
    return given or None, canonical_given(given) or None, given_nicks(given)


@lru_cache(maxsize=_CACHE)
def _family_columns(family_name: str) -> tuple[str | None, str | None]:
    family = normalise_name(family_name)
    return family or None, (metaphone(family) if family else "") or None


@lru_cache(maxsize=_CACHE)
def _middle_column(middle_names: str) -> str | None:
    # The first middle name: a child is often known by it in one service ("Kevin Daniel" in the GP's
    # register is "Daniel" at school), and the given-name comparison has a level for that.
    words = middle_names.split() if middle_names else ()
    return normalise_name(words[0]) or None if words else None


@lru_cache(maxsize=_CACHE)
def _address_columns(postcode: str, address_line_1: str) -> tuple[str | None, ...]:
    """The postcode, its sector and district, and the house key (only beside a postcode), ``None`` for blanks."""
    pc, sector, district = _postcode_parts(postcode)
    return pc or None, sector or None, district or None, (house_key(address_line_1) if pc else "") or None


def features(
    *,
    unique_id: int,
    is_new: bool,
    given_name: str = "",
    middle_names: str = "",
    family_name: str = "",
    previous_family_name: str = "",
    date_of_birth: dt.date | str | None = None,
    sex: str = "",
    address_line_1: str = "",
    postcode: str = "",
    nhs_number: str = "",
    upn: str = "",
    parent_1_name: str = "",
    parent_2_name: str = "",
    **_: Any,
) -> dict[str, Any]:
    """The model's input row for one record; blanks become ``None`` (Splink's null)."""
    given, canon, nicks = _given_columns(given_name or "")
    family, family_mp = _family_columns(family_name or "")
    pc, sector, district, house = _address_columns(postcode or "", address_line_1 or "")
    dob = date_of_birth.isoformat() if isinstance(date_of_birth, dt.date) else (date_of_birth or "")
    return {
        "unique_id": unique_id,
        "is_new": is_new,
        "given_norm": given,
        "given_canon": canon,
        "given_nicks": list(nicks) if nicks else None,
        "middle_norm": _middle_column(middle_names or ""),
        "family_norm": family,
        "family_mp": family_mp,
        "prev_family_norm": normalise_name(previous_family_name) or None,
        "dob": dob or None,
        "dob_year": dob[:4] or None,
        "sex": sex if sex in ("male", "female") else None,
        "postcode": pc,
        "postcode_sector": sector,
        "postcode_district": district,
        "house_key": house,
        "nhs": nhs_number or None,
        "upn": upn or None,
        "parents": _parent_names(parent_1_name, parent_2_name) or None,
    }


# A pair of given names becomes a nickname of each other when at least this many children's records
# carry both on one NHS number (or UPN, or one family name and birthday that can only be one child):
# twins never share an identifier, and a wrong identifier on a twin's record is one error; two children
# are not a chance (typos are left out: see below).
LEARNED_NICKNAME_MIN_CHILDREN = 2
# An identifier whose records give more given names than this is not a child with a nickname.
LEARNED_NICKNAME_MAX_NAMES = 3
# Learned from births (no identifier joins the records), at least this many families: twins seen once
# in each of two sources look like one child with two names, and popular names make the same pair of
# twins' names recur by chance (two families at 1,000,000 records of the registers generator, never three).
LEARNED_FROM_BIRTHS_MIN_FAMILIES = 3


def _alike_otherwise(first: str, second: str) -> bool:
    """One name (of at least 3 letters) inside the other: the model's "one name inside the other" level
    relates the pair, so it is left to that level. The spelling levels (Jaro-Winkler, one or two edits)
    are checked in DuckDB, as the model computes them (``_unrelated_by_spelling``)."""
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= 3 and shorter in longer


class NameEvidence(NamedTuple):
    """What ``nicknames_learned`` reads of one staged record."""

    nhs_number: str
    upn: str
    given_name: str
    middle_names: str
    family_name: str = ""
    date_of_birth: dt.date | str | None = None
    sex: str = ""
    source: Any = None
    record_id: int | None = None


class _Births:
    """Records grouped by family name and date of birth, as compact columns (a national feed is a
    million records) that DuckDB groups; see ``nicknames_learned``."""

    COLUMNS = ("family", "born", "given", "source", "nhs", "upn", "sex", "middles", "id")
    CHUNK = 100_000

    def __init__(self) -> None:
        import pyarrow as pa

        self._pa = pa
        self._batches: list[Any] = []
        self._columns: list[list[Any]] = [[] for _ in self.COLUMNS]

    def add(self, record: NameEvidence, given: str) -> None:
        family = normalise_name(record.family_name) if record.family_name else ""
        born = record.date_of_birth
        if not family or not born:
            return
        values = (
            family,
            born.isoformat() if isinstance(born, dt.date) else born,
            given or None,
            None if record.source is None else str(record.source),
            record.nhs_number or None,
            record.upn or None,
            record.sex if record.sex in ("male", "female") else None,
            " ".join(normalise_name(m) for m in record.middle_names.split()) if record.middle_names else None,
            record.record_id,
        )
        for column, value in zip(self._columns, values, strict=True):
            column.append(value)
        if len(self._columns[0]) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        pa = self._pa
        arrays = [pa.array(column, type=pa.string()) for column in self._columns[:-1]]
        arrays.append(pa.array(self._columns[-1], type=pa.int64()))
        self._batches.append(pa.RecordBatch.from_arrays(arrays, names=list(self.COLUMNS)))
        self._columns = [[] for _ in self.COLUMNS]

    def with_two_names(self) -> list[tuple[str, str, str, str, bool, str, list[int | None]]]:
        """(family, date of birth, first name, second name, whether the records show a second child, their
        middle names, their record ids) of every family name and date of birth whose records carry
        exactly two given names. A second child shows as a source listing it twice, or two NHS numbers,
        UPNs, sexes or first middle names."""
        import duckdb

        self._flush()
        births = self._pa.Table.from_batches(self._batches)  # noqa: F841 (read by DuckDB by name)
        self._batches = []
        connection = duckdb.connect(config={"threads": 1, "preserve_insertion_order": False})
        try:
            return connection.execute(
                """
                WITH two_names AS (
                    -- min and max, not count(DISTINCT): a million records' distinct sets per group
                    -- cost DuckDB half a gigabyte.
                    SELECT family, born, min(given) AS first, max(given) AS second,
                           coalesce(min(nhs) <> max(nhs), false) OR coalesce(min(upn) <> max(upn), false)
                               OR coalesce(min(sex) <> max(sex), false)
                               OR coalesce(min(split_part(middles, ' ', 1)) <> max(split_part(middles, ' ', 1)), false)
                               AS ids_differ
                    FROM births
                    GROUP BY family, born
                    HAVING min(given) <> max(given)
                )
                SELECT t.family, t.born, t.first, t.second,
                       t.ids_differ OR count(b.source) > count(DISTINCT b.source),
                       coalesce(string_agg(b.middles, ' '), ''), list(b.id)
                FROM two_names t JOIN births b ON b.family = t.family AND b.born = t.born
                GROUP BY t.family, t.born, t.first, t.second, t.ids_differ
                HAVING bool_and(b.given IS NULL OR b.given = t.first OR b.given = t.second)
                ORDER BY t.family, t.born
                """
            ).fetchall()
        finally:
            connection.close()


def nicknames_learned(records: Iterable[NameEvidence]) -> dict[str, frozenset[str]]:
    """The nicknames of ``names_learned``."""
    return names_learned(records)[0]


def one_child_births(records: Iterable[NameEvidence]) -> OneChildBirths:
    """The ``OneChildBirths`` of ``names_learned`` (each record with its ``record_id``)."""
    return names_learned(records)[1]


def names_learned(records: Iterable[NameEvidence]) -> tuple[dict[str, frozenset[str]], OneChildBirths]:
    """Given names that are one child's in this installation's own data, beyond the shipped table, and the
    births (``OneChildBirths``) that show it, read in one pass over ``records``.

    Two given names are nicknames of each other (Alfie and Alfred, Polly and Mary, a form no table
    holds) when, for at least ``LEARNED_NICKNAME_MIN_CHILDREN`` children, they are carried by
    - the records of one NHS number or one UPN; or
    - **the records of one family name and date of birth that can only be one child**, in at least
      ``LEARNED_FROM_BIRTHS_MIN_FAMILIES`` families: no source lists it twice, and no two of its records
      give two NHS numbers, two UPNs, two sexes or two first middle names (the school
      census's "Zay" and the GP's "Isaiah" Smith, both born on 3 May 2016). Twins show
      themselves there: both are in a source, with their own identifiers. So that twins seen once in
      each of two sources do not teach their names as one, such a pair must also be seen more often
      alone than beside a second child, in two families that differ in both family name and birthday
      (``_two_families``).

    Not learned: a pair the model already relates (a spelling, one name inside the other: left to that
    level), one name being the other's middle name on that identifier or birth (the middle-name
    level's), or an identifier or birth carrying more than three (or, for a birth, two) given names.
    Each identifier or family counts once per kind; the most common count of the kinds is the pair's.
    """
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    middles: dict[tuple[str, str], set[str]] = defaultdict(set)
    births = _Births()
    for record in records:
        given = normalise_name(record.given_name).split(" ")[0] if record.given_name else ""
        births.add(record, given)  # a record without a given name still shows a second child there
        if not given:
            continue
        for kind, key in (("nhs", record.nhs_number), ("upn", record.upn)):
            if key:
                names[(kind, key)].add(given)
                if record.middle_names:
                    middles[(kind, key)].update(normalise_name(m) for m in record.middle_names.split())
    counts: dict[str, Counter[tuple[str, str]]] = {"nhs": Counter(), "upn": Counter(), "birth": Counter()}
    for (kind, key), given_names in names.items():
        if 1 < len(given_names) <= LEARNED_NICKNAME_MAX_NAMES:
            known_by_middle = middles.get((kind, key), set())
            for pair in combinations(sorted(given_names), 2):
                if not set(pair) & known_by_middle:
                    counts[kind][pair] += 1
    records_of: dict[tuple[str, str], list[list[int | None]]] = {}
    one_childs = _one_childs_names(births.with_two_names(), records_of=records_of)
    counts["birth"].update(one_childs)
    candidates = {
        pair
        for pair in counts["nhs"].keys() | counts["upn"].keys() | counts["birth"].keys()
        if max(counts["nhs"][pair], counts["upn"][pair], counts["birth"][pair]) >= LEARNED_NICKNAME_MIN_CHILDREN
        and not _alike_otherwise(*pair)
        and pair[1] not in (given_nicks(pair[0]) or ())
    }
    learned: dict[str, set[str]] = defaultdict(set)
    for first, second in _unrelated_by_spelling(candidates):
        learned[first].add(second)
        learned[second].add(first)
    birth_of: dict[int, int] = {}
    for birth, ids in enumerate(ids for pair in one_childs for ids in records_of[pair]):
        birth_of.update((rid, birth) for rid in ids if rid is not None)
    return {name: frozenset(others) for name, others in learned.items()}, OneChildBirths(birth_of)


def _one_childs_names(
    births: list[tuple[str, str, str, str, bool, str, list[int | None]]],
    *,
    records_of: dict[tuple[str, str], list[list[int | None]]] | None = None,
) -> dict[tuple[str, str], int]:
    """The pairs of given names that births (``_Births.with_two_names``) show as one child's, in how
    many families: seen alone (nothing shows a second child) in at least
    ``LEARNED_FROM_BIRTHS_MIN_FAMILIES`` families, two of which differ in both family name and birthday
    (``_two_families``), and in more families alone than beside a second child. Not a pair where one
    name is the other's middle name (the middle-name level's). ``records_of``, if given, receives each
    pair's births seen alone, as their record ids."""
    alone: dict[tuple[str, str], set[tuple[str, tuple[str, str]]]] = defaultdict(set)
    beside_another_child: Counter[tuple[str, str]] = Counter()
    for family, born, first, second, two_children, middle_names, ids in births:
        if {first, second} & set(middle_names.split()):
            continue
        if two_children:
            beside_another_child[(first, second)] += 1
        else:
            alone[(first, second)].add((family, (min(born[5:7], born[8:10]), max(born[5:7], born[8:10]))))
            if records_of is not None:
                records_of.setdefault((first, second), []).append(ids)
    out = {}
    for pair, families in alone.items():
        enough = len(families) >= LEARNED_FROM_BIRTHS_MIN_FAMILIES and _two_families(families)
        if enough and len(families) > beside_another_child[pair]:
            out[pair] = len(families)
    return out


@dataclass(frozen=True)
class OneChildBirths:
    """Records at a birth (family name and date of birth) whose two given names are one child's: the
    birth shows no second child, and the same two names are one child's in other families
    (``_one_childs_names``), whatever their spellings (Kait and Kaitlyn, Jon and Jonny). Their pairs
    are not possible twins (``decide``)."""

    birth_of: dict[int, int]  # record id -> its birth

    def vouches(self, left: int, right: int) -> bool:
        """Whether the two records are of one such birth."""
        birth = self.birth_of.get(left)
        return birth is not None and birth == self.birth_of.get(right)


def _two_families(births: set[tuple[str, tuple[str, str]]]) -> bool:
    """Whether two of ``births`` (family name, birthday's day and month either way round) differ in both,
    so are two families. One family may show under two family names (a double-barrelled name cut to
    one part) or two birthdays (a day keyed wrongly, a sibling's birthday with the other's year) when
    its twins' records are keyed so; two families with the same two names rarely share either."""
    first_family, first_day = next(iter(births))
    other_day = other_family = False
    for family, day in births:
        if family != first_family and day != first_day:
            return True
        other_day |= family == first_family and day != first_day
        other_family |= family != first_family and day == first_day
    return other_day and other_family


def _name_pairs_where(pairs: Iterable[tuple[str, str]], condition: str) -> list[tuple[str, str]]:
    """The pairs of names (``first``, ``second``) that meet ``condition``, computed by DuckDB with the
    string functions the model itself uses."""
    import duckdb

    connection = duckdb.connect()
    try:
        connection.execute("CREATE TABLE pairs (first VARCHAR, second VARCHAR)")
        connection.executemany("INSERT INTO pairs VALUES (?, ?)", sorted(pairs))
        # ``condition`` is one of this module's constants, never input.
        return connection.execute(
            f"SELECT first, second FROM pairs WHERE {condition} ORDER BY first, second"  # noqa: S608
        ).fetchall()
    finally:
        connection.close()


def _unrelated_by_spelling(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs the model's spelling levels do not relate, computed by DuckDB as the model computes them
    (``model``'s given-name levels): Jaro-Winkler under 0.9, more than one edit, and not two edits in
    names of at least four letters nor a scanned "rn" for "m". Until 7 December 2026 any two edits
    counted as related, so short names two edits apart (Jo and Jody, Lee and Levi, El and Ella), which
    the model compares as unrelated, were never learned either."""
    if not pairs:
        return []
    return _name_pairs_where(
        pairs,
        "jaro_winkler_similarity(first, second) < 0.9 AND damerau_levenshtein(first, second) > 1"
        " AND NOT (damerau_levenshtein(first, second) <= 2 AND length(first) >= 4 AND length(second) >= 4)"
        " AND replace(first, 'rn', 'm') <> replace(second, 'rn', 'm')",
    )


@cache
def _formal_names() -> frozenset[str]:
    """The formal names of the shipped table's groups and their spellings there: Allison beside Alison,
    Mathilda beside Matilda (one edit, as DuckDB counts it), Isabel beside Isabella (the formal name cut
    by at most two letters, leaving four or more). Not Allie beside Alice, Alexa beside Alexandra or Al
    beside Alan: diminutives."""
    groups = nickname_table_groups()
    spellings = _name_pairs_where(
        {(name, group[0]) for group in groups for name in group[1:]},
        "damerau_levenshtein(first, second) <= 1 "
        "OR (starts_with(second, first) AND length(first) >= 4 AND length(first) >= length(second) - 2)",
    )
    return frozenset({group[0] for group in groups} | {name for name, _formal in spellings})


def nickname_forms_learned(learned: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """The forms each given name gains from ``nicknames_learned``'s pairs (a name -> the names it gains).

    Each learned pair is one child's two names. A learned name that is not a formal name (a diminutive,
    or a name the table lacks) also joins every group of the table holding its partner: "Zander",
    learned beside Alexander, is then Alex's, Alec's and Sandy's too, and "Jeremiah" and "Jereme", each learned
    beside Jerry, share Jerry's groups. A formal name never joins another group (Allison, learned beside
    Allie, does not make Alice and Allison one name: twins can be given both). Two names are nicknames of
    each other when they share a group, so what a name gains, each of the names it gains gains too.
    """
    groups = [set(group) for group in nickname_table_groups()]
    holding: dict[str, list[int]] = defaultdict(list)  # a name -> the numbers of the groups holding it
    for number, group in enumerate(groups):
        for member in group:
            holding[member].append(number)
    joined: dict[int, set[str]] = defaultdict(set)
    pairs: list[set[str]] = []
    formal = _formal_names()
    for name, partners in learned.items():
        for partner in partners:
            pairs.append({name, partner})
            if name not in formal:
                for number in holding.get(partner, ()):
                    joined[number].add(name)
    gained: dict[str, set[str]] = defaultdict(set)
    for group in (*(groups[number] | extra for number, extra in joined.items()), *pairs):
        for member in group:
            gained[member].update(group - {member})
    return {name: frozenset(others) for name, others in gained.items()}


def with_learned_nicknames(row: dict[str, Any], learned: dict[str, frozenset[str]]) -> dict[str, Any]:
    """The feature row with its given name's learned forms (``nickname_forms_learned``) added to ``given_nicks``."""
    given = row["given_norm"]
    if given and given in learned:
        row["given_nicks"] = sorted({given, *(row["given_nicks"] or ()), *learned[given]})
    return row

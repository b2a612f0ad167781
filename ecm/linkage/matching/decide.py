"""From scored pairs to decisions: link, review or new child (pure Python, no database).

Rules, in order:
- a pair is evidence only if its given name and date of birth agree at some level (a
  twin shares family name, date of birth, address and parents but not a given name) and
  it has no two different NHS numbers or UPNs; a shared NHS number or UPN overrides this;
- a pair whose sexes differ (both known) never links automatically, whatever its names,
  unless the NHS number or UPN agrees; it goes to review;
- a pair with the same date of birth at a home that may be the same (same address, postcode
  or sector, or an address missing) whose given names are close but not the same and not
  nicknames of each other (Dennis and Denis) never links automatically unless the NHS
  number (or UPN) agrees or one spelling is a typo (rare across the whole feed, not the
  other name with a letter added at the end, and not beside a spelling itself in doubt
  there, and not of a birth that shows one child whose two names are one child's in other
  families, ``features.OneChildBirths``): a real name sent once may
  be a twin only one source has seen (possible twins); nor does a record that has a
  possible twin unless the given name agrees exactly (or swapped exactly with the family
  name) or the other record is shown unlike each possible twin; such pairs go to review.
  A date of birth a day apart, one character out or swapped counts as the same birthday
  here when the address is exactly the same; the same day and month a year apart counts at
  any address (possibly siblings, so close names go to review there too);
- pairs at or above the upper threshold join records into groups (union-find), never so as
  to put in one group two records the twin rules keep apart (a chain may not do what a link
  may not); a record alone whose link was refused so waits for review;
- a record linked directly to two records that cannot be one child (a boy and a girl, or
  possible twins), by its exact name to both or by a variant to both, goes to review;
- a group that reaches exactly one index child is linked to it; one that reaches none
  becomes a new child; one that reaches two or more children goes to clerical review;
- a record with no pair above the upper threshold but one between the thresholds goes to
  clerical review, beside the most likely record of each child or group it is in doubt with
  (of two new records in doubt, the later waits and the earlier goes ahead, unless the later
  links automatically to others: then the earlier waits for it); the rest become new children.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecm.core.memory import cyclic_gc_paused

if TYPE_CHECKING:
    from ecm.linkage.matching.features import OneChildBirths

GUARD_COLUMNS = ("gamma_given_name", "gamma_date_of_birth")
IDENTIFIER_COLUMNS = ("gamma_nhs_number", "gamma_upn")
# A given-name spelling sent by fewer than this share of all records (and at least by two) is
# rare enough to be a typo rather than a name; real names, even uncommon ones, recur.
RARE_SPELLING_SHARE = 1e-4


def rare_spelling_limit(records: int) -> int:
    """Fewer records than this spelling a given name the same way: a typo, not a name."""
    return max(2, int(records * RARE_SPELLING_SHARE))


@dataclass
class Decisions:
    """What to do with each new record."""

    link: dict[Any, list[int]] = field(default_factory=dict)  # existing child id -> new record ids
    new_children: list[list[int]] = field(default_factory=list)
    review: list[tuple[int, int, Mapping[str, Any]]] = field(default_factory=list)  # (record, candidate, pair)
    scores: dict[int, tuple[float, float]] = field(default_factory=dict)  # record -> (weight, probability)


def is_identifier_pair(pair: Mapping[str, Any]) -> bool:
    return any(pair.get(c) == 1 for c in IDENTIFIER_COLUMNS)


def passes_guard(pair: Mapping[str, Any], exact_levels: dict[str, int] | None = None) -> bool:
    """Could these be the same child at all? -1 is Splink's null level, 0 its else level.

    A shared NHS number or UPN says yes. Two different (valid) NHS numbers or UPNs say no:
    both carry check characters, so a keying error is set aside at import, not compared.
    Otherwise the given name must agree at some level (or be missing): a twin shares
    everything else. The date of birth must agree at some level too (siblings share family
    name, address and parents), except where the given name agrees exactly and the family
    name at some level (with ``exact_levels``): siblings never share a given name, so such a
    date of birth is a keying error (FEBRL's "1998" for "1989") that the model may weigh. Names
    swapped exactly (given for family and the reverse) count as both agreeing exactly.
    The lowest date level, the same day and month a year apart, lets through a year keyed
    wrongly across a decade (2020 for 2019); siblings born so have different given names,
    which this refuses, or close ones, which ``_twin_like`` sends to review.
    """
    if is_identifier_pair(pair):
        return True
    if any(pair.get(c) == 0 for c in IDENTIFIER_COLUMNS):
        return False
    if pair.get("gamma_given_name") == 0:
        return False
    if pair.get("gamma_date_of_birth") == 0:
        if not exact_levels:
            return False
        if pair.get("gamma_given_name") == exact_levels.get("given_name_swapped", -2):
            return True  # both names agree exactly, crossed: the family name agrees too
        return pair.get("gamma_given_name") == exact_levels["given_name"] and (pair.get("gamma_family_name") or 0) > 0
    return True


_NO_KEYS: tuple[frozenset[str], ...] = (frozenset(), frozenset(), frozenset())


def _keys_clash(mine: tuple[frozenset[str], ...], theirs: tuple[frozenset[str], ...], *, sexes: bool = True) -> bool:
    """Two different NHS numbers, UPNs or (with ``sexes``) sexes: two different children.

    Unrolled rather than zipped: the union-find asks this for every automatic link.
    """
    nhs, upn, sex = mine
    their_nhs, their_upn, their_sex = theirs
    return (
        bool(nhs and their_nhs and nhs.isdisjoint(their_nhs))
        or bool(upn and their_upn and upn.isdisjoint(their_upn))
        or bool(sexes and sex and their_sex and sex.isdisjoint(their_sex))
    )


class _Groups:
    """Union-find over new records that refuses to join groups holding different NHS numbers, UPNs or sexes.

    A chain of links must not do what one link may not: a record whose sex is missing, alike
    both twins Jo (a girl) and Jo (a boy), would otherwise join them. A shared NHS number or
    UPN still joins (``force``): a sex keyed wrongly on one record.
    """

    def __init__(
        self, identifiers: dict[int, tuple[str | None, ...]], apart: dict[int, set[int]] | None = None
    ) -> None:
        self.parent: dict[int, int] = {}
        self.identifiers = identifiers
        # Records the twin rules refuse to pair (``_apart``): no chain may put them in one group.
        # Per group root, the records its members are apart from (only groups that have any).
        self.record_apart = apart or {}
        self.apart: dict[int, set[int]] = {rid: set(others) for rid, others in self.record_apart.items()}
        # A group's keys once it has grown; a record alone has its own (``own_keys``), built when asked:
        # most records never join another, and building every record's keys up front costs seconds.
        self.keys: dict[int, tuple[frozenset[str], ...]] = {}
        # Each record's own keys once built (the decisions ask for them many times over), made of one
        # set per value (``_single``): a child's records share its NHS number and a sex, so their keys
        # compare equal by identity, and far fewer sets are made for the garbage collector to walk.
        self.own: dict[int, tuple[frozenset[str], ...]] = {}
        self.singles: dict[str | None, frozenset[str]] = {}

    def unjoined(self) -> _Groups:
        """The same records each in a group of its own again, keeping the keys already built."""
        fresh = _Groups(self.identifiers, self.record_apart)
        fresh.own, fresh.singles = self.own, self.singles
        return fresh

    def find(self, x: int) -> int:
        parent = self.parent
        up = parent.setdefault(x, x)
        while up != x:
            grandparent = parent[up]
            parent[x] = grandparent  # path halving: the next find from here takes half the steps
            x, up = grandparent, parent[grandparent]
        return x

    def own_keys(self, rid: int) -> tuple[frozenset[str], ...]:
        found = self.own.get(rid)
        if found is None:
            values = self.identifiers.get(rid)
            if values is None:
                found = _NO_KEYS
            else:
                nhs, upn, sex = (*values, None, None)[:3]
                found = (self._single(nhs), self._single(upn), self._single(sex))
            self.own[rid] = found
        return found

    def _single(self, value: str | None) -> frozenset[str]:
        """``value`` as a set of one (none if missing), one set per value: many records share each."""
        found = self.singles.get(value)
        if found is None:
            found = self.singles[value] = frozenset({value} if value else ())
        return found

    def group_keys(self, root: int) -> tuple[frozenset[str], ...]:
        """The NHS numbers, UPNs and sexes of the group whose root is ``root``."""
        found = self.keys.get(root)
        return found if found is not None else self.own_keys(root)

    def compatible(self, keys: tuple[frozenset[str], ...], root: int, rid: int | None = None) -> bool:
        """Could a record with ``keys`` (NHS numbers, UPNs, sexes) belong to the group of ``root``?

        With ``rid``: and is that record apart from no member of the group (a possible twin)?
        """
        if _keys_clash(keys, self.group_keys(root)):
            return False
        return rid is None or not any(self.find(other) == root for other in self.record_apart.get(rid, ()))

    def apart_groups(self, root_a: int, root_b: int) -> bool:
        """Does one group hold a record the twin rules keep apart from a record of the other?"""
        apart_a, apart_b = self.apart.get(root_a), self.apart.get(root_b)
        if not apart_a and not apart_b:
            return False  # most groups hold no possible twin at all
        return any(self.find(other) == root_b for other in apart_a or ()) or any(
            self.find(other) == root_a for other in apart_b or ()
        )

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        keys_a, keys_b = self.group_keys(root_a), self.group_keys(root_b)
        # The same keys can neither clash nor grow: most links are between records of one child.
        if keys_a != keys_b and _keys_clash(keys_a, keys_b, sexes=not force):
            return False  # two different NHS numbers, UPNs or sexes: two different children
        if not force and self.apart_groups(root_a, root_b):
            return False  # possible twins would end up in one group: a chain may not do what a link may not
        self.parent[root_a] = root_b
        self.keys[root_b] = _merged_keys(keys_a, keys_b)
        if root_a in self.apart:
            self.apart.setdefault(root_b, set()).update(self.apart.pop(root_a))
        return True


def _merged_keys(keys_a: tuple[frozenset[str], ...], keys_b: tuple[frozenset[str], ...]) -> tuple[frozenset[str], ...]:
    """Both groups' NHS numbers, UPNs and sexes; one side's tuple itself where it holds the other's."""
    if keys_a == keys_b:
        return keys_b
    nhs, upn, sex = keys_a
    their_nhs, their_upn, their_sex = keys_b
    if nhs <= their_nhs and upn <= their_upn and sex <= their_sex:
        return keys_b
    if their_nhs <= nhs and their_upn <= upn and their_sex <= sex:
        return keys_a
    return (nhs | their_nhs, upn | their_upn, sex | their_sex)


def _ambiguous(joins: Sequence[tuple[bool, float, int, int, bool]], groups: _Groups) -> set[int]:
    """New records linked automatically to two groups that could not be joined (different NHS numbers,
    UPNs or sexes, or possible twins): alike two different children, so neither link can be trusted.

    A record whose own NHS number, UPN or sex rules out the other group is not ambiguous, nor is
    one whose link to it is a shared NHS number or UPN: the identifier says which child it is.
    Checked record by record too: a record linked directly to two records that cannot be one child
    (a boy and a girl both named Ivan; two possible twins) is in doubt even where the groups came
    out otherwise, since a group formed around one wrong link no longer shows the conflict.
    """
    # Direct links by the same given name (or swapped exactly), and the others: a record alike one
    # child by its exact name and another by a nickname or a spelling is the first's (Sophia, beside
    # twins Sophia and Sophie; Lynda beside Lynda and a typo "Lynd"), as joins try exact names first.
    by_name: dict[int, list[int]] = {}
    by_variant: dict[int, list[int]] = {}
    for exact, _probability, left, right, shared_identifier in joins:
        if shared_identifier:
            continue
        partners = by_name if exact else by_variant
        for me, other in ((left, right), (right, left)):
            found = partners.get(me)
            if found is None:
                partners[me] = [other]
            else:
                found.append(other)
    out: set[int] = set()
    for rid in (*by_name, *(rid for rid in by_variant if rid not in by_name)):
        others = by_name.get(rid) or by_variant[rid]
        root = groups.find(rid)
        # Most partners ended up in the record's own group: only another group needs the checks.
        if any(
            other_root != root and groups.compatible(groups.own_keys(rid), other_root, rid)
            for other_root in map(groups.find, others)
        ) or (len(others) > 1 and _alike_two(rid, others, groups)):
            out.add(rid)
    return out


def _cannot_be_one(a: int, b: int, groups: _Groups) -> bool:
    """Two records of two children at one home: different sexes (both known), or possible twins.

    (Different NHS numbers or UPNs are checked on the groups: a record alike two such records may
    lack the sex only, and then it is the sexes that tell the twins apart.)
    """
    sex_a, sex_b = groups.own_keys(a)[2], groups.own_keys(b)[2]
    return bool(sex_a and sex_b and sex_a.isdisjoint(sex_b)) or b in groups.record_apart.get(a, ())


def _alike_two(rid: int, others: list[int], groups: _Groups) -> bool:
    """``rid`` fits two of ``others`` (its direct automatic links) that cannot be one child."""
    mine = groups.own_keys(rid)
    fitting = [
        other
        for other in dict.fromkeys(others)
        if not _keys_clash(mine, groups.own_keys(other)) and not _cannot_be_one(rid, other, groups)
    ]
    return any(_cannot_be_one(a, b, groups) for n, a in enumerate(fitting) for b in fitting[n + 1 :])


def _possible_twins(pairs: Sequence[Mapping[str, Any]], exact_levels: dict[str, int]) -> dict[int, set[int]]:
    """Records paired with another at the same address, of the same date of birth, with a different given
    name: each such record and its possible twins."""
    dob_exact, address_exact = exact_levels["date_of_birth"], exact_levels.get("address")
    out: dict[int, set[int]] = defaultdict(set)
    for pair in pairs:
        if (
            pair.get("gamma_given_name") == 0
            and pair.get("gamma_date_of_birth") == dob_exact
            and pair.get("gamma_address") == address_exact
            and not is_identifier_pair(pair)
        ):
            left, right = int(pair["unique_id_l"]), int(pair["unique_id_r"])
            out[left].add(right)
            out[right].add(left)
    return out


def _unlike_every_twin(
    record: int, other: int, twins: dict[int, set[int]], given_of: dict[tuple[int, int], Any]
) -> bool:
    """``record``'s given name is shown to differ from the name of each possible twin of ``other``.

    So a link from ``record`` to ``other`` by a nickname or a typo cannot be meant for the twin,
    and no chain through ``record`` can join the two. Shown means scored with a given name that
    agrees at no level; a pair never scored is no evidence.
    """
    return all(
        given_of.get((record, twin), given_of.get((twin, record))) == 0
        for twin in twins.get(other, ())
        if twin != record
    )


# Address levels below the exact one that may still be one home: same postcode (the house keyed
# differently), same sector (a postcode typo in its last letters).
SAME_HOME_LEVELS_BELOW_EXACT = 2


def _same_household(pair: Mapping[str, Any], exact_levels: dict[str, int]) -> bool:
    """Same date of birth exactly, and a home that may be the same: the same address, the same postcode
    or sector (a typo in the house or the postcode's last letters), or an address missing on one side
    (no evidence of two homes). Or a date of birth that agrees at a lower level (a day apart, one
    character, day and month swapped) at exactly the same address: a twin's record is keyed with the
    same slips as any other (Rian on the 16th beside Ryan on the 17th, one house). Or the same day
    and month a year apart, at any address: siblings can be born so (Jim on 3 May 2019, Tim on
    3 May 2020), and a household's sources often hold it at two addresses (one before a move)."""
    address, exact = pair.get("gamma_address"), exact_levels.get("address")
    dob = pair.get("gamma_date_of_birth")
    if dob is not None and dob == exact_levels.get("date_of_birth_year_apart"):
        return True
    if dob != exact_levels["date_of_birth"]:
        return bool(dob and dob > 0 and exact is not None and address == exact)
    if exact is None or address is None:
        return address == exact
    return address == -1 or address >= exact - SAME_HOME_LEVELS_BELOW_EXACT


def _established_names(pairs: Sequence[Mapping[str, Any]], exact_levels: dict[str, int]) -> set[int]:
    """Records whose given name another record with the same date of birth spells exactly the same.

    A one-off typo ("Jnae") has no such partner; a twin's name, sent by several sources (at
    this home or, after a move, another), has.
    """
    out: set[int] = set()
    for pair in pairs:
        if (
            pair.get("gamma_given_name") == exact_levels["given_name"]
            and pair.get("gamma_date_of_birth") == exact_levels["date_of_birth"]
        ):
            out.update((int(pair["unique_id_l"]), int(pair["unique_id_r"])))
    return out


def _final_letter_apart(one: str | None, other: str | None) -> bool:
    """One spelling is the other with a letter added at the end (Kane and Kanee, Lori and Lorie)."""
    if not one or not other or abs(len(one) - len(other)) != 1:
        return False
    short, long = sorted((one, other), key=len)
    return long.startswith(short)


def _twin_like(
    pair: Mapping[str, Any],
    exact_levels: dict[str, int],
    established: set[int],
    rare: set[int] | None,
    in_doubt: set[int] | None = None,
    spellings: Mapping[int, str] | None = None,
    one_child: OneChildBirths | None = None,
) -> bool:
    """Two records at the same home and birthday whose given names differ, though close (Dennis and
    Denis, Jane and Janet), or whose sexes differ (Francis and Frances): possibly twins. Or born on
    the same day and month a year apart (``_same_household``): possibly siblings.

    A nickname (Bill and William) is one child, and so is a given name that is the other record's
    middle name (Kevin Daniel and Daniel: known by the middle name in one service). Close spellings
    are twins when both are established (each sent exactly by another record with that date of birth). A spelling
    sent once is a typo only when it is rare across the whole feed ("Dneis", in ``rare``):
    a real name sent once ("Denis") may be a twin only one source has seen, and nothing
    tells the two apart without an agreeing NHS number or UPN (the caller checks), so a
    person decides. ``rare`` None: no spelling counts as a typo.

    A rare spelling is a typo of the other record's name only where that name is not itself in
    doubt at this home (``in_doubt``: a spelling neither rare nor established, of a pair already
    found twin-like, such as a lone Iian beside twins Iain and Iaine): a typo "Iaing" of Iian's
    could be Iain's or Iaine's.

    Nor are they possible twins where ``one_child`` vouches for them: their family name and birthday
    show one child (no source lists two records, no two NHS numbers, UPNs, sexes or middle names),
    and the same two names are one child's in at least three other such families (a school's "Kait"
    beside the GP's Kaitlyn). Twins show themselves there, unless each is missing from the source
    that lists the other, and twins' names do not recur so.
    """
    if not _same_household(pair, exact_levels):
        return False
    if pair.get("gamma_sex") == 0:
        return True
    if pair.get("gamma_given_name") in (exact_levels["given_name"] - 1, exact_levels.get("given_name_middle", -2)):
        return False  # a nickname, or one's given name the other's middle name: one child
    left, right = int(pair["unique_id_l"]), int(pair["unique_id_r"])
    if one_child is not None and one_child.vouches(left, right):
        return False
    if left in established and right in established:
        return True
    typo_left, typo_right = left in (rare or ()), right in (rare or ())
    if not typo_left and not typo_right:
        return True
    if spellings is not None and _final_letter_apart(spellings.get(left), spellings.get(right)):
        # A letter added at the end makes another name as often as a typo (Ann and Anne, Jo and
        # Joe, Louis and Louise, Kane and Kanee): at one home and birthday, possibly the twin.
        return True
    doubtful = in_doubt or set()
    return (not typo_left and left in doubtful) or (not typo_right and right in doubtful)


def _in_doubt(
    pairs: Sequence[Mapping[str, Any]],
    exact_levels: dict[str, int],
    established: set[int],
    rare: set[int] | None,
    spellings: Mapping[int, str] | None = None,
    one_child: OneChildBirths | None = None,
) -> set[int]:
    """Records of a pair that could be twins with close names (``_twin_like``; not a shared identifier)
    whose own spelling is not established: Iian beside Iain. An established name is a child's."""
    out: set[int] = set()
    given_exact = exact_levels["given_name"]
    for pair in pairs:
        if (
            pair.get("gamma_given_name") not in (given_exact, 0, -1)
            and not is_identifier_pair(pair)
            and passes_guard(pair, exact_levels)
            and _twin_like(pair, exact_levels, established, rare, spellings=spellings, one_child=one_child)
        ):
            out.update(rid for rid in (int(pair["unique_id_l"]), int(pair["unique_id_r"])) if rid not in established)
    return out


def exact_levels_of(settings: dict[str, Any]) -> dict[str, int]:
    """Each comparison's gamma for its best (exact) level: the number of non-null levels less one.

    Also ``given_name_swapped``: the gamma of the given-name level "swapped with the family name,
    exactly" (both names agree, crossed), which counts as the same given name; and
    ``date_of_birth_year_apart``: the gamma of the date-of-birth level "same day and month, a year
    apart" (possibly siblings; absent from a model trained before it); ``given_name_middle``: the
    gamma of the given-name level "one record's given name is the other's middle name" (one child,
    as a nickname is; absent from a model trained before 6 December 2026).
    """
    from ecm.linkage.matching.model import MIDDLE_NAME, SWAPPED_EXACTLY, YEAR_APART

    out: dict[str, int] = {}
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        out[comparison["output_column_name"]] = len(levels) - 1
        for n, level in enumerate(levels):
            if comparison["output_column_name"] == "given_name" and level.get("label_for_charts") == SWAPPED_EXACTLY:
                out["given_name_swapped"] = len(levels) - 1 - n
            if comparison["output_column_name"] == "given_name" and level.get("label_for_charts") == MIDDLE_NAME:
                out["given_name_middle"] = len(levels) - 1 - n
            if comparison["output_column_name"] == "date_of_birth" and level.get("label_for_charts") == YEAR_APART:
                out["date_of_birth_year_apart"] = len(levels) - 1 - n
    return out


def same_given_name(pair: Mapping[str, Any], exact_levels: dict[str, int] | None) -> bool:
    """The given names agree exactly, straight or swapped with the family names (both then agree)."""
    if not exact_levels:
        return False
    given = pair.get("gamma_given_name")
    return given == exact_levels["given_name"] or (
        "given_name_swapped" in exact_levels and given == exact_levels["given_name_swapped"]
    )


@cyclic_gc_paused()
def decide(
    *,
    new_ids: list[int],
    child_of: dict[int, Any],
    pairs: Sequence[Mapping[str, Any]],
    upper: float,
    lower: float,
    identifiers: dict[int, tuple[str | None, ...]] | None = None,
    exact_levels: dict[str, int] | None = None,
    rare_spellings: set[int] | None = None,
    spellings: Mapping[int, str] | None = None,
    one_child: OneChildBirths | None = None,
) -> Decisions:
    """Decisions for ``new_ids`` given scored ``pairs``; ``child_of`` maps existing record ids to children.

    ``identifiers`` (record id -> NHS number, UPN and, optionally, sex) stops a chain of links
    joining two groups that hold different NHS numbers, UPNs or sexes; the strongest links are
    joined first.
    ``exact_levels`` (comparison -> gamma of its exact level) turns on the twin check: a
    record that has a possible twin (a pair with the same date of birth and a different
    given name, at the same address) links automatically only where the given name agrees
    exactly; a nickname or a typo goes to clerical review instead. So does a pair at the same
    address with the same date of birth whose given names are close but different and not
    nicknames (Dennis and Denis, Jane and Janet may be twins) or whose sexes differ, unless
    the NHS number or UPN agrees, or one spelling is in ``rare_spellings`` (records whose
    given name is rare across the whole feed: a typo) and not both are established, or
    ``one_child`` vouches for the two records (``_twin_like``).
    """
    twins = _possible_twins(pairs, exact_levels) if exact_levels else {}
    established = _established_names(pairs, exact_levels) if exact_levels else set()
    in_doubt = (
        _in_doubt(pairs, exact_levels, established, rare_spellings, spellings, one_child) if exact_levels else set()
    )
    # The given-name level of every pair that touches a possible twin (a small share of the pairs).
    given_of: dict[tuple[int, int], Any] = {}
    for pair in pairs if twins else ():
        ids = (int(pair["unique_id_l"]), int(pair["unique_id_r"]))
        if ids[0] in twins or ids[1] in twins:
            given_of[ids] = pair.get("gamma_given_name")
    new = set(new_ids)
    joins: list[tuple[bool, float, int, int, bool]] = []
    # Records the twin rules refuse to pair automatically, whatever the score (possible twins with
    # different names, close names at one home): no chain of links may join them either.
    apart: dict[int, set[int]] = defaultdict(set)
    for left, others in twins.items():
        apart[left].update(others)
    reaches: dict[int, set[Any]] = defaultdict(set)  # new record -> children it links to directly
    best_auto: dict[int, tuple[float, float]] = {}
    best_review: dict[int, tuple[float, int, Mapping[str, Any]]] = {}
    # Band pairs to a later new record: the earlier waits for it only if the later links automatically.
    best_review_later: dict[int, tuple[float, int, Mapping[str, Any]]] = {}
    # Every band pair of a record in doubt with an earlier or linked record: the reviewer sees each candidate.
    band_pairs: dict[int, list[tuple[float, int, Mapping[str, Any]]]] = defaultdict(list)
    best_to_child: dict[tuple[int, Any], tuple[float, int, Mapping[str, Any]]] = {}
    pairs_by_ids: dict[tuple[int, int], Mapping[str, Any]] = {}
    for pair in pairs:
        if not passes_guard(pair, exact_levels):
            continue
        # Asked of the pair again and again below: once each is enough.
        identifier, exact = is_identifier_pair(pair), same_given_name(pair, exact_levels)
        left, right = int(pair["unique_id_l"]), int(pair["unique_id_r"])
        probability, weight = float(pair["match_probability"]), float(pair["match_weight"])
        auto = probability >= upper or identifier
        if auto and pair.get("gamma_sex") == 0 and not identifier:
            # Differing sexes never link automatically, whatever the names (twins of different
            # sexes may even share a given name: Francis and Frances, Jo and Jo).
            auto = False
        if exact_levels and pair.get("gamma_middle_name") == 0 and not identifier:
            # Two first middle names, both given and alike at no level (not a typo, not the same
            # initial, not the names in the other order): two children, such as twins with one given
            # name (Perry Derrick and Perry Marisa). Never an automatic link, and no chain of links
            # joins them; a pair in the band goes to review.
            auto = False
            apart[left].add(right)
            apart[right].add(left)
        if exact_levels and not identifier and pair.get("gamma_given_name") != -1 and not exact:
            if _twin_like(pair, exact_levels, established, rare_spellings, in_doubt, spellings, one_child):
                auto = False
                apart[left].add(right)
                apart[right].add(left)
            elif not _unlike_every_twin(left, right, twins, given_of) or not _unlike_every_twin(
                right, left, twins, given_of
            ):
                auto = False
        for me, other in ((left, right), (right, left)):
            if me not in new:
                continue
            if other in child_of:
                key = (me, child_of[other])
                if key not in best_to_child or probability > best_to_child[key][0]:
                    best_to_child[key] = (probability, other, pair)
            if auto:
                if me not in best_auto or probability > best_auto[me][1]:
                    best_auto[me] = (weight, probability)
                if other in child_of:
                    reaches[me].add(child_of[other])
            elif probability >= lower:
                # Of two new records in doubt, the later one waits for review; the earlier goes ahead.
                found = best_review if other not in new or other < me else best_review_later
                if found is best_review:
                    band_pairs[me].append((probability, other, pair))
                if me not in found or probability > found[me][0]:
                    found[me] = (probability, other, pair)
        if auto and left in new and right in new:
            pairs_by_ids[(left, right)] = pair
            # Exact given names join first: a chain through a spelling variant comes last.
            joins.append((exact, probability, left, right, identifier))
    groups = _Groups(identifiers or {}, apart)
    for rid in new_ids:
        groups.find(rid)
    ordered_joins = sorted(joins, reverse=True)
    for _exact, _probability, left, right, shared_identifier in ordered_joins:
        groups.union(left, right, force=shared_identifier)
    ambiguous = _ambiguous(ordered_joins, groups)
    in_doubt_with: dict[int, tuple[float, int, Mapping[str, Any]]] = {}  # an ambiguous record's most likely pair
    if ambiguous:
        # Join again without them: a record alike two children that cannot be one (a boy and a
        # girl twin named alike, and this record has no sex) goes to review, not to whichever
        # group it met first.
        groups = groups.unjoined()
        for rid in new_ids:
            groups.find(rid)
        for _exact, _probability, left, right, shared_identifier in ordered_joins:
            if left not in ambiguous and right not in ambiguous:
                groups.union(left, right, force=shared_identifier)
        for rid in ambiguous:
            best_auto.pop(rid, None)
        for _exact, probability, left, right, _shared in ordered_joins:
            for me, other in ((left, right), (right, left)):
                if me in ambiguous and (me not in in_doubt_with or probability > in_doubt_with[me][0]):
                    in_doubt_with[me] = (probability, other, pairs_by_ids[(left, right)])
        # One review pair per group the record is alike (the most likely pair into each), so
        # that the reviewer sees every candidate.
        for _exact, probability, left, right, _shared in ordered_joins:
            for me, other in ((left, right), (right, left)):
                if me in ambiguous and other not in ambiguous:
                    key = (me, ("group", groups.find(other)))
                    if key not in best_to_child or probability > best_to_child[key][0]:
                        best_to_child[key] = (probability, other, pairs_by_ids[(left, right)])

    for rid, (probability, other, pair) in best_review_later.items():
        # The later record goes ahead with its own automatic links (a group of its sources), so it
        # will not wait for this one: this one waits for it instead of becoming a child unseen.
        if other in best_auto and (rid not in best_review or probability > best_review[rid][0]):
            best_review[rid] = (probability, other, pair)
    members: dict[int, list[int]] = defaultdict(list)
    for rid in new_ids:
        members[groups.find(rid)].append(rid)
    # A record alone whose automatic link could not be made because the other group holds its
    # possible twin is in doubt: it waits for review with that record rather than becoming a child
    # no one looks at. (An NHS number, UPN or sex of another child is no doubt: two children.)
    refused: dict[int, tuple[float, int, Mapping[str, Any]]] = {}
    for _exact, probability, left, right, _shared in ordered_joins:
        root_l, root_r = groups.find(left), groups.find(right)
        if (
            left in ambiguous
            or right in ambiguous
            or root_l == root_r
            or not groups.compatible(groups.group_keys(root_l), root_r)
        ):
            continue
        for me, other in ((left, right), (right, left)):
            if len(members[groups.find(me)]) == 1 and (me not in refused or probability > refused[me][0]):
                refused[me] = (probability, other, pairs_by_ids[(left, right)])

    def child_or_group(record: int) -> Any:
        return child_of[record] if record in child_of else ("group", groups.find(record))

    out = Decisions(scores=best_auto)
    for group in members.values():
        children: set[Any] = set()
        for rid in group:  # most records reach no child directly (and most groups are one record)
            if rid in reaches:
                children |= reaches[rid]
        in_auto = any(r in best_auto for r in group)
        if group[0] in ambiguous and len(group) == 1:
            candidates = [(key, found) for key, found in best_to_child.items() if key[0] == group[0]]
            if not candidates:
                # Every record it is alike is in doubt too: it waits beside the most likely of them.
                candidates = [((group[0], None), best) for best in [in_doubt_with[group[0]]]]
            for (_me, _child), (_p, other, pair) in sorted(candidates, key=lambda c: -c[1][0]):
                out.review.append((group[0], other, pair))
            continue
        if len(children) == 1 and any(child_of.get(other) in children for rid in group for other in apart.get(rid, ())):
            # The child holds a record the twin rules keep apart from one of the group's: the
            # group may be the other twin, reached through one member's link. A person decides.
            for rid in group:
                for (me, _child), (_p, other, pair) in best_to_child.items():
                    if me == rid:
                        out.review.append((rid, other, pair))
        elif len(children) == 1:
            out.link.setdefault(children.pop(), []).extend(group)
        elif len(children) > 1:
            for rid in group:
                for (me, _child), (_p, other, pair) in best_to_child.items():
                    if me == rid:
                        out.review.append((rid, other, pair))
        elif len(group) == 1 and group[0] in refused:
            _p, other, pair = refused[group[0]]
            out.review.append((group[0], other, pair))
            best_auto.pop(group[0], None)
        elif in_auto:
            out.new_children.append(group)
        else:
            rid = group[0]
            if rid in best_review:
                _p, other, pair = best_review[rid]
                out.review.append((rid, other, pair))
                # And beside the most likely record of each other child (or group) it is in doubt with:
                # a reviewer who rejects the first candidate can still link it to the second.
                seen = {child_or_group(other)}
                for _p, candidate, candidate_pair in sorted(band_pairs.get(rid, ()), key=lambda c: -c[0]):
                    if child_or_group(candidate) not in seen:
                        seen.add(child_or_group(candidate))
                        out.review.append((rid, candidate, candidate_pair))
            else:
                out.new_children.append(group)
    return out

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
  number (or UPN) agrees or one spelling is a typo (rare across the whole feed, and not
  beside a spelling itself in doubt there): a real name sent once may be a twin only one
  source has seen (possible twins); nor does a record that has a possible twin unless
  the given name agrees exactly (or swapped exactly with the family name) or the other
  record is shown unlike each possible twin; such pairs go to review;
- pairs at or above the upper threshold join records into groups (union-find);
- a group that reaches exactly one index child is linked to it; one that reaches none
  becomes a new child; one that reaches two or more children goes to clerical review;
- a record with no pair above the upper threshold but one between the thresholds goes to
  clerical review (of two new records in doubt, the later waits and the earlier goes
  ahead, unless the later links automatically to others: then the earlier waits for it);
  the rest become new children.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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


class _Groups:
    """Union-find over new records that refuses to join groups holding different NHS numbers, UPNs or sexes.

    A chain of links must not do what one link may not: a record whose sex is missing, alike
    both twins Jo (a girl) and Jo (a boy), would otherwise join them. A shared NHS number or
    UPN still joins (``force``): a sex keyed wrongly on one record.
    """

    def __init__(self, identifiers: dict[int, tuple[str | None, ...]]) -> None:
        self.parent: dict[int, int] = {}
        self.identifiers = identifiers
        # A group's keys once it has grown; a record alone has its own (``own_keys``), built when asked:
        # most records never join another, and building every record's keys up front costs seconds.
        self.keys: dict[int, tuple[frozenset[str], ...]] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def own_keys(self, rid: int) -> tuple[frozenset[str], ...]:
        values = self.identifiers.get(rid)
        if values is None:
            return _NO_KEYS
        return tuple(frozenset({value} if value else ()) for value in (*values, None, None)[:3])

    def group_keys(self, root: int) -> tuple[frozenset[str], ...]:
        """The NHS numbers, UPNs and sexes of the group whose root is ``root``."""
        found = self.keys.get(root)
        return found if found is not None else self.own_keys(root)

    def compatible(self, keys: tuple[frozenset[str], ...], root: int) -> bool:
        """Could a record with ``keys`` (NHS numbers, UPNs, sexes) belong to the group of ``root``?"""
        theirs = self.group_keys(root)
        return all(not mine or not other or bool(mine & other) for mine, other in zip(keys, theirs, strict=True))

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        keys_a, keys_b = self.group_keys(root_a), self.group_keys(root_b)
        for kind, (mine, theirs) in enumerate(zip(keys_a, keys_b, strict=True)):
            if mine and theirs and not mine & theirs and not (force and kind == 2):
                return False  # two different NHS numbers, UPNs or sexes: two different children
        self.parent[root_a] = root_b
        self.keys[root_b] = tuple(x | y for x, y in zip(keys_a, keys_b, strict=True))
        return True


def _ambiguous(joins: Sequence[tuple[bool, float, int, int, bool]], groups: _Groups) -> set[int]:
    """New records linked automatically to two groups that could not be joined (different NHS numbers,
    UPNs or sexes): alike two different children, so neither link can be trusted.

    A record whose own NHS number, UPN or sex rules out the other group is not ambiguous, nor is
    one whose link to it is a shared NHS number or UPN: the identifier says which child it is.
    """
    reached: dict[int, set[int]] = defaultdict(set)
    for _exact, _probability, left, right, shared_identifier in joins:
        if shared_identifier:
            continue
        for me, other in ((left, right), (right, left)):
            root = groups.find(other)
            if groups.compatible(groups.own_keys(me), root):
                reached[me].add(root)
    return {rid for rid, found in reached.items() if len(found | {groups.find(rid)}) > 1}


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
    (no evidence of two homes)."""
    if pair.get("gamma_date_of_birth") != exact_levels["date_of_birth"]:
        return False
    address, exact = pair.get("gamma_address"), exact_levels.get("address")
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


def _twin_like(
    pair: Mapping[str, Any],
    exact_levels: dict[str, int],
    established: set[int],
    rare: set[int] | None,
    in_doubt: set[int] | None = None,
) -> bool:
    """Two records at the same home and birthday whose given names differ, though close (Dennis and
    Denis, Jane and Janet), or whose sexes differ (Francis and Frances): possibly twins.

    A nickname (Bill and William) is one child. Close spellings are twins when both are
    established (each sent exactly by another record with that date of birth). A spelling
    sent once is a typo only when it is rare across the whole feed ("Dneis", in ``rare``):
    a real name sent once ("Denis") may be a twin only one source has seen, and nothing
    tells the two apart without an agreeing NHS number or UPN (the caller checks), so a
    person decides. ``rare`` None: no spelling counts as a typo.

    A rare spelling is a typo of the other record's name only where that name is not itself in
    doubt at this home (``in_doubt``: a spelling neither rare nor established, of a pair already
    found twin-like, such as a lone Iian beside twins Iain and Iaine): a typo "Iaing" of Iian's
    could be Iain's or Iaine's.
    """
    if not _same_household(pair, exact_levels):
        return False
    if pair.get("gamma_sex") == 0:
        return True
    if pair.get("gamma_given_name") == exact_levels["given_name"] - 1:
        return False
    left, right = int(pair["unique_id_l"]), int(pair["unique_id_r"])
    if left in established and right in established:
        return True
    if not rare or (left not in rare and right not in rare):
        return True
    doubtful = in_doubt or set()
    return (left not in rare and left in doubtful) or (right not in rare and right in doubtful)


def _in_doubt(
    pairs: Sequence[Mapping[str, Any]], exact_levels: dict[str, int], established: set[int], rare: set[int] | None
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
            and _twin_like(pair, exact_levels, established, rare)
        ):
            out.update(rid for rid in (int(pair["unique_id_l"]), int(pair["unique_id_r"])) if rid not in established)
    return out


def exact_levels_of(settings: dict[str, Any]) -> dict[str, int]:
    """Each comparison's gamma for its best (exact) level: the number of non-null levels less one.

    Also ``given_name_swapped``: the gamma of the given-name level "swapped with the family name,
    exactly" (both names agree, crossed), which counts as the same given name.
    """
    from ecm.linkage.matching.model import SWAPPED_EXACTLY

    out: dict[str, int] = {}
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        out[comparison["output_column_name"]] = len(levels) - 1
        for n, level in enumerate(levels):
            if comparison["output_column_name"] == "given_name" and level.get("label_for_charts") == SWAPPED_EXACTLY:
                out["given_name_swapped"] = len(levels) - 1 - n
    return out


def same_given_name(pair: Mapping[str, Any], exact_levels: dict[str, int] | None) -> bool:
    """The given names agree exactly, straight or swapped with the family names (both then agree)."""
    if not exact_levels:
        return False
    given = pair.get("gamma_given_name")
    return given == exact_levels["given_name"] or (
        "given_name_swapped" in exact_levels and given == exact_levels["given_name_swapped"]
    )


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
    given name is rare across the whole feed: a typo) and not both are established.
    """
    twins = _possible_twins(pairs, exact_levels) if exact_levels else {}
    established = _established_names(pairs, exact_levels) if exact_levels else set()
    in_doubt = _in_doubt(pairs, exact_levels, established, rare_spellings) if exact_levels else set()
    # The given-name level of every pair that touches a possible twin (a small share of the pairs).
    given_of: dict[tuple[int, int], Any] = {}
    for pair in pairs if twins else ():
        ids = (int(pair["unique_id_l"]), int(pair["unique_id_r"]))
        if ids[0] in twins or ids[1] in twins:
            given_of[ids] = pair.get("gamma_given_name")
    new = set(new_ids)
    groups = _Groups(identifiers or {})
    joins: list[tuple[bool, float, int, int, bool]] = []
    for rid in new_ids:
        groups.find(rid)
    reaches: dict[int, set[Any]] = defaultdict(set)  # new record -> children it links to directly
    best_auto: dict[int, tuple[float, float]] = {}
    best_review: dict[int, tuple[float, int, Mapping[str, Any]]] = {}
    # Band pairs to a later new record: the earlier waits for it only if the later links automatically.
    best_review_later: dict[int, tuple[float, int, Mapping[str, Any]]] = {}
    best_to_child: dict[tuple[int, Any], tuple[float, int, Mapping[str, Any]]] = {}
    pairs_by_ids: dict[tuple[int, int], Mapping[str, Any]] = {}
    for pair in pairs:
        if not passes_guard(pair, exact_levels):
            continue
        left, right = int(pair["unique_id_l"]), int(pair["unique_id_r"])
        probability, weight = float(pair["match_probability"]), float(pair["match_weight"])
        auto = probability >= upper or is_identifier_pair(pair)
        if auto and pair.get("gamma_sex") == 0 and not is_identifier_pair(pair):
            # Differing sexes never link automatically, whatever the names (twins of different
            # sexes may even share a given name: Francis and Frances, Jo and Jo).
            auto = False
        if (
            auto
            and exact_levels
            and not is_identifier_pair(pair)
            and pair.get("gamma_given_name") != -1
            and not same_given_name(pair, exact_levels)
            and (
                not _unlike_every_twin(left, right, twins, given_of)
                or not _unlike_every_twin(right, left, twins, given_of)
                or _twin_like(pair, exact_levels, established, rare_spellings, in_doubt)
            )
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
                if me not in found or probability > found[me][0]:
                    found[me] = (probability, other, pair)
        if auto and left in new and right in new:
            pairs_by_ids[(left, right)] = pair
            # Exact given names join first: a chain through a spelling variant comes last.
            joins.append((same_given_name(pair, exact_levels), probability, left, right, is_identifier_pair(pair)))
    ordered_joins = sorted(joins, reverse=True)
    for _exact, _probability, left, right, shared_identifier in ordered_joins:
        groups.union(left, right, force=shared_identifier)
    ambiguous = _ambiguous(ordered_joins, groups)
    if ambiguous:
        # Join again without them: a record alike two children that cannot be one (a boy and a
        # girl twin named alike, and this record has no sex) goes to review, not to whichever
        # group it met first.
        groups = _Groups(identifiers or {})
        for rid in new_ids:
            groups.find(rid)
        for _exact, _probability, left, right, shared_identifier in ordered_joins:
            if left not in ambiguous and right not in ambiguous:
                groups.union(left, right, force=shared_identifier)
        for rid in ambiguous:
            best_auto.pop(rid, None)
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
    out = Decisions(scores=best_auto)
    for group in members.values():
        children = set().union(*(reaches[r] for r in group))
        in_auto = any(r in best_auto for r in group)
        if group[0] in ambiguous and len(group) == 1:
            candidates = [(key, found) for key, found in best_to_child.items() if key[0] == group[0]]
            for (_me, _child), (_p, other, pair) in sorted(candidates, key=lambda c: -c[1][0]):
                out.review.append((group[0], other, pair))
            continue
        if len(children) == 1:
            out.link.setdefault(children.pop(), []).extend(group)
        elif len(children) > 1:
            for rid in group:
                for (me, _child), (_p, other, pair) in best_to_child.items():
                    if me == rid:
                        out.review.append((rid, other, pair))
        elif in_auto:
            out.new_children.append(group)
        else:
            rid = group[0]
            if rid in best_review:
                _p, other, pair = best_review[rid]
                out.review.append((rid, other, pair))
            else:
                out.new_children.append(group)
    return out

"""Review thresholds from the model's own estimates, before any clerical decision (Fellegi and Sunter's way).

A scored pair's match probability is the model's estimate that it is a true match, so over the
pairs that could be the same child (``decide.passes_guard``):
- the expected number of false links above a threshold U is the sum of (1 - p) over the pairs at
  or above U; the **upper** threshold is the lowest U that keeps it under ``false_link_share`` of
  the expected matches (the sum of p over every pair);
- pairs between the upper and the **lower** threshold go to clerical review: the ones the model
  is unsure of. The lower is as low as the review budget allows: the floor (a one-in-twenty chance
  is still worth a person's look), raised until the review queue is at most ``review_share`` of the
  records. The queue is counted in band pairs with a record that would wait, when the pairs'
  records are given (``ids``). (Until 6 December 2026 it was the highest L keeping the expected matches left below it,
  the sum of p under L, under 0.05% of the expected matches; at 1,000,000 records that left the
  queue at 0.73% and 142 true pairs below the lower that the budget had room to show.) The
  expected matches missed are still reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FALSE_LINK_SHARE = 5e-5
REVIEW_SHARE = 0.01
# Never link automatically below this, nor send to review below this, whatever the estimates say.
UPPER_FLOOR = 0.9
LOWER_FLOOR = 0.05
# Never above this: the former default (a stricter upper only moved true pairs into review on FEBRL).
UPPER_CEILING = 0.99


@dataclass(frozen=True)
class EstimatedThresholds:
    upper: float
    lower: float
    expected_matches: float
    expected_false_links: float
    expected_missed: float
    review_pairs: int


def thresholds_from_estimates(
    probabilities: Iterable[float],
    *,
    records: int,
    false_link_share: float = FALSE_LINK_SHARE,
    review_share: float = REVIEW_SHARE,
    ids: Sequence[tuple[int, int]] | None = None,
) -> EstimatedThresholds | None:
    """Upper and lower thresholds from the probabilities of the pairs that could be the same child.

    ``probabilities`` should reach down to ``LOWER_FLOOR`` (score with that threshold). ``ids``: each
    pair's two record ids, in the same order (the review cap then counts records that would wait,
    not pairs). ``None`` when there are no pairs to estimate from.
    """
    scored = list(probabilities)
    keyed = sorted(
        ((p, *(ids[n] if ids is not None else (n, n))) for n, p in enumerate(scored) if p >= LOWER_FLOOR),
        reverse=True,
    )
    ordered = [p for p, _left, _right in keyed]
    if not ordered:
        return None
    expected = sum(ordered)
    upper = UPPER_CEILING
    false_links = 0.0
    for p in ordered:
        if p < UPPER_FLOOR or false_links + (1 - p) > false_link_share * expected:
            break
        false_links += 1 - p
        upper = min(upper, p)
    lower = LOWER_FLOOR
    band = [p for p in ordered if lower <= p < upper]
    limit = max(1, int(review_share * records))
    if ids is not None:
        waiting = _waiting(keyed, upper, lower, limit)
        if waiting is not None:
            lower, band = waiting, [p for p in ordered if waiting <= p < upper]
    elif len(band) > limit:
        # The most likely pairs of the band stay in it; the least likely become new children.
        lower = band[limit - 1]
        band = band[:limit]
    missed = sum(p for p in ordered if p < lower)
    false_links = sum(1 - p for p in ordered if p >= upper)
    return EstimatedThresholds(
        upper=math.floor(upper * 1e6) / 1e6,
        lower=math.floor(lower * 1e6) / 1e6,
        expected_matches=expected,
        expected_false_links=false_links,
        expected_missed=missed,
        review_pairs=len(band),
    )


def _waiting(keyed: list[tuple[float, int, int]], upper: float, lower: float, limit: int) -> float | None:
    """The lower threshold that keeps the review queue at ``limit`` pairs (``None``: it already is).

    ``keyed``: (probability, left id, right id), most likely first. A record with a pair at or above
    the upper links automatically and does not wait, so a band pair between two such records is
    never shown; any other band pair is (``decide``: the record in doubt waits with each of its
    candidates). The most likely band pairs keep their place in the queue; the least likely become
    new children.
    """
    automatic = {rid for p, left, right in keyed if p >= upper for rid in (left, right)}
    queued = 0
    last = None
    for p, left, right in keyed:
        if p >= upper:
            continue
        if p < lower:
            return None
        if left in automatic and right in automatic:
            continue
        if queued == limit:
            return last
        queued += 1
        last = p
    return None


def review_budget(records: int, *, minimum: int) -> int:
    """How many pairs one run may queue for review: ``REVIEW_SHARE`` of its ``records``, at least
    ``minimum`` (the setting ``ECM_LINKAGE_REVIEW_MINIMUM``)."""
    return max(minimum, int(REVIEW_SHARE * records))


def lower_within_budget(queued: Iterable[tuple[float, bool]], *, upper: float, lower: float, budget: int) -> float:
    """The lower threshold that keeps a run's whole review queue within ``budget`` pairs (``lower`` if it fits).

    ``queued``: each pair a run's decisions queue, as (probability, whether the band alone sent it:
    below ``upper``, no shared identifier). The estimates' lower keeps the band within the budget, but
    the twin rules send pairs above the upper too (close names at one home and birthday, a record alike
    two children): those stay, as they may not link automatically, and the least likely band pairs make
    room for them, becoming new children as pairs below the lower do. Found on 7 December 2026 with the
    ``nicknames`` benchmark generator: 1,309 such pairs beside 582 band pairs, 1.06% of the records.
    Returns ``upper`` when the rules' pairs alone fill the budget (no band pair is then queued).
    """
    items = list(queued)
    if len(items) <= budget:
        return lower
    band = sorted((p for p, band_only in items if band_only), reverse=True)
    room = budget - (len(items) - len(band))
    if room <= 0:
        return upper
    # Pairs at exactly the new lower stay: ties may leave the queue a few pairs over, never under-used.
    return max(lower, band[room - 1])

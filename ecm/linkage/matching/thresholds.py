"""Review thresholds from the model's own estimates, before any clerical decision (Fellegi and Sunter's way).

A scored pair's match probability is the model's estimate that it is a true match, so over the
pairs that could be the same child (``decide.passes_guard``):
- the expected number of false links above a threshold U is the sum of (1 - p) over the pairs at
  or above U; the **upper** threshold is the lowest U that keeps it under ``false_link_share`` of
  the expected matches (the sum of p over every pair);
- the expected number of true matches left below a threshold L is the sum of p over the pairs
  under L; the **lower** threshold is the highest L that keeps it under ``missed_share`` of the
  expected matches;
- pairs between the two go to clerical review: the ones the model is unsure of. If they would be
  more than ``review_share`` of the records, the lower threshold is raised until they are not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

FALSE_LINK_SHARE = 5e-5
MISSED_SHARE = 5e-4
REVIEW_SHARE = 0.01
# Never link automatically below this, nor send to review below this, whatever the estimates say.
UPPER_FLOOR = 0.9
LOWER_FLOOR = 0.05
# Never above these: the former defaults (a stricter upper only moved true pairs into review on FEBRL).
UPPER_CEILING = 0.99
LOWER_CEILING = 0.8


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
    missed_share: float = MISSED_SHARE,
    review_share: float = REVIEW_SHARE,
) -> EstimatedThresholds | None:
    """Upper and lower thresholds from the probabilities of the pairs that could be the same child.

    ``probabilities`` should reach down to ``LOWER_FLOOR`` (score with that threshold). ``None``
    when there are no pairs to estimate from.
    """
    ordered = sorted((p for p in probabilities if p >= LOWER_FLOOR), reverse=True)
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
    lower = LOWER_CEILING
    missed = 0.0
    for p in reversed(ordered):
        if p >= LOWER_CEILING or missed + p > missed_share * expected:
            lower = min(p, LOWER_CEILING)
            break
        missed += p
    lower = min(lower, upper)
    band = [p for p in ordered if lower <= p < upper]
    limit = max(1, int(review_share * records))
    if len(band) > limit:
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

"""Review thresholds chosen from the model's own estimates, before any clerical decision."""

from __future__ import annotations

import pytest

from ecm.linkage.matching.thresholds import (
    LOWER_FLOOR,
    UPPER_CEILING,
    lower_within_budget,
    review_budget,
    thresholds_from_estimates,
)


def test_the_band_holds_the_pairs_the_model_is_unsure_of_down_to_the_floor():
    certain = [0.99999] * 10_000
    doubtful = [0.97, 0.95, 0.9] + [0.7] * 10 + [0.5] * 10 + [0.3] * 10 + [0.1] * 10
    unlikely = [0.08, 0.06, 0.01]
    found = thresholds_from_estimates(certain + doubtful + unlikely, records=20_000)
    assert found is not None
    # About 10,016 expected matches. Upper: at most 0.5 expected false links above it (0.1 from
    # the certain pairs, then 0.03, 0.05, 0.1; a 0.7 would add 0.3). Lower: the review budget (200
    # pairs) has room for every doubtful pair down to the floor; below it only the 0.01 (not counted).
    assert found.upper == pytest.approx(0.9)
    assert found.lower == LOWER_FLOOR
    assert found.review_pairs == 42
    assert found.expected_missed == 0
    assert found.expected_false_links <= 0.00005 * found.expected_matches


def test_the_review_queue_is_capped_at_a_share_of_the_records():
    found = thresholds_from_estimates([0.99999] * 1_000 + [0.5] * 50 + [0.3] * 50, records=1_000)
    assert found is not None
    assert found.review_pairs <= 10 and found.lower == 0.5


def test_the_queue_counts_only_band_pairs_with_a_record_that_would_wait():
    """Records 0 to 1,999 link automatically in pairs (2k, 2k + 1). A band pair between two of them is
    never shown (neither waits for review), so the 50 at 0.5 do not count against the budget of 10:
    the 5 pairs at 0.3 of new records 5,000 to 5,004 fit, and the lower stays at the floor. Counted as
    band pairs, as before 6 December 2026, the queue looked full and the lower rose to 0.5."""
    certain = [(0.99999, 2 * k, 2 * k + 1) for k in range(1_000)]
    between_linked = [(0.5, 2 * k, 2 * k + 3) for k in range(50)]
    alone = [(0.3, 5_000 + k, 2 * k) for k in range(5)]
    scored = certain + between_linked + alone
    probabilities = [p for p, _l, _r in scored]
    found = thresholds_from_estimates(probabilities, records=1_000, ids=[(left, right) for _p, left, right in scored])
    assert found is not None and found.lower == LOWER_FLOOR
    assert thresholds_from_estimates(probabilities, records=1_000).lower == 0.5  # type: ignore[union-attr]
    # With more records in doubt than the budget, the most likely keep their place.
    crowded = [*certain, *((0.3 - k / 1_000, 5_000 + k, 2 * k) for k in range(20))]
    capped = thresholds_from_estimates(
        [p for p, _l, _r in crowded], records=1_000, ids=[(left, right) for _p, left, right in crowded]
    )
    assert capped is not None and capped.lower == pytest.approx(0.291)


def test_thresholds_stay_within_their_bounds():
    sure = thresholds_from_estimates([1.0] * 100, records=100)
    assert sure is not None and (sure.upper, sure.lower) == (UPPER_CEILING, LOWER_FLOOR)
    assert thresholds_from_estimates([0.01], records=10) is None


def test_a_runs_whole_queue_keeps_to_the_budget_the_rules_pairs_first():
    """30 pairs the twin rules queued above the upper (0.999) stay; of 40 band pairs, the 20 most
    likely keep their place in a budget of 50, so the lower rises to the 20th (0.71)."""
    rules = [(0.999, False)] * 30
    band = [(0.9 - k / 100, True) for k in range(40)]  # 0.90, 0.89, ... 0.51
    assert lower_within_budget(rules + band, upper=0.98, lower=LOWER_FLOOR, budget=50) == pytest.approx(0.71)
    assert lower_within_budget(rules + band[:20], upper=0.98, lower=LOWER_FLOOR, budget=50) == LOWER_FLOOR
    # A pair below the upper that shares an identifier was sent by a rule (sexes differ), not by the band.
    assert lower_within_budget(rules + [(0.5, False)] * 25, upper=0.98, lower=0.2, budget=50) == 0.98
    # Never lower than the model's own lower.
    assert lower_within_budget(rules + band, upper=0.98, lower=0.8, budget=50) == 0.8


def test_a_small_run_may_queue_an_afternoons_work_and_a_large_one_a_share_of_its_records():
    assert review_budget(20, minimum=200) == 200
    assert review_budget(200_000, minimum=200) == 2_000

"""Review thresholds chosen from the model's own estimates, before any clerical decision."""

from __future__ import annotations

import pytest

from ecm.linkage.matching.thresholds import LOWER_CEILING, UPPER_CEILING, thresholds_from_estimates


def test_the_band_holds_the_pairs_the_model_is_unsure_of():
    certain = [0.99999] * 10_000
    doubtful = [0.97, 0.95, 0.9] + [0.7] * 10 + [0.5] * 10 + [0.3] * 10 + [0.1] * 10
    unlikely = [0.08, 0.06]
    found = thresholds_from_estimates(certain + doubtful + unlikely, records=20_000)
    assert found is not None
    # About 10,016 expected matches. Upper: at most 0.5 expected false links above it (0.1 from
    # the certain pairs, then 0.03, 0.05, 0.1; a 0.7 would add 0.3). Lower: at most 5 expected
    # matches below it (0.14, then 1.0 from the 0.1s, 3.0 from the 0.3s; the 0.5s would pass 5).
    assert found.upper == pytest.approx(0.9)
    assert found.lower == pytest.approx(0.5)
    assert found.review_pairs == 20
    assert found.expected_missed == pytest.approx(4.14)
    assert found.expected_false_links <= 0.00005 * found.expected_matches


def test_the_review_queue_is_capped_at_a_share_of_the_records():
    found = thresholds_from_estimates([0.99999] * 1_000 + [0.5] * 50 + [0.3] * 50, records=1_000)
    assert found is not None
    assert found.review_pairs <= 10 and found.lower == 0.5


def test_thresholds_stay_within_their_bounds():
    sure = thresholds_from_estimates([1.0] * 100, records=100)
    assert sure is not None and (sure.upper, sure.lower) == (UPPER_CEILING, LOWER_CEILING)
    assert thresholds_from_estimates([0.01], records=10) is None

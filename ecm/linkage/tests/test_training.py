"""The model's prior (the chance that two records are one child) is estimated from the data, not assumed."""

from __future__ import annotations

import itertools
import math
import random

import pytest

pytest.importorskip("splink")
import pyarrow as pa  # noqa: E402

from ecm.linkage import synthetic  # noqa: E402
from ecm.linkage.matching import model  # noqa: E402
from ecm.linkage.matching.features import features  # noqa: E402


def _settings_with_exact_m(**exact: float) -> dict:
    settings = model.base_settings()
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        levels[0]["m_probability"] = exact.get(comparison["output_column_name"], 0.5)
    return settings


def _table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=model.feature_schema())


def test_the_rules_recall_is_the_chance_a_true_pair_has_every_column_of_a_rule_and_agrees_on_it():
    rows = [
        features(
            unique_id=n,
            is_new=True,
            given_name="Amara",
            family_name="Okafor",
            date_of_birth="2015-04-01" if n % 2 else "",  # half the records have no date of birth
            nhs_number="9434765919" if n < 2 else "",  # one record in five has an NHS number
        )
        for n in range(10)
    ]
    settings = _settings_with_exact_m(given_name=0.9, family_name=0.8, date_of_birth=0.7, nhs_number=0.95)
    names_and_date = 0.9 * 0.8 * (0.5 * 0.5 * 0.7)
    nhs = 0.2 * 0.2 * 0.95
    assert model.deterministic_rules_recall(settings, _table(rows)) == pytest.approx(
        1 - (1 - nhs) * (1 - names_and_date)
    )
    # Every column present on every record: the product of the m probabilities of "exact".
    full = [dict(row, dob="2015-04-01", nhs="9434765919") for row in rows]
    assert model.deterministic_rules_recall(settings, _table(full)) == pytest.approx(
        1 - (1 - 0.95) * (1 - 0.9 * 0.8 * 0.7)
    )


def _two_records_each(children: int, *, typo_share: float) -> tuple[list[dict], int]:
    """Two records per child, the second with a mistyped given name in ``typo_share`` of children."""
    rng = random.Random(11)
    rows: list[dict] = []
    population = synthetic.population(children, seed=11)
    for child in population:
        for second in (False, True):
            given = child.given
            if second and rng.random() < typo_share:
                given = synthetic._typo(rng, given.lower()).title()
            address = child.addresses[0]
            rows.append(
                features(
                    unique_id=len(rows),
                    is_new=True,
                    given_name=given,
                    family_name=child.family,
                    date_of_birth=child.dob,
                    sex=child.sex,
                    address_line_1=address.line_1,
                    postcode=address.postcode,
                )
            )
    return rows, len(population)


def test_the_prior_follows_the_data_where_the_deterministic_rules_find_few_true_pairs():
    # Six children in ten have a typo in the given name of their second record: the rule "same
    # given name, family name and date of birth" finds about 40% of the true pairs, not the 80%
    # assumed before training (our own generators' figure), so the prior counted from it is half
    # what it should be until the trained m probabilities correct it.
    rows, children = _two_records_each(400, typo_share=0.6)
    table = _table(rows)
    total_pairs = len(rows) * (len(rows) - 1) / 2
    true_prior = children / total_pairs
    rule_pairs = sum(
        1
        for a, b in itertools.combinations(rows, 2)
        if a["given_norm"] == b["given_norm"] and a["family_norm"] == b["family_norm"] and a["dob"] == b["dob"]
    )
    assumed_prior = rule_pairs / model.ASSUMED_RECALL / total_pairs
    trained = model.train(table, seed=3)
    prior = trained["probability_two_random_records_match"]
    assert abs(math.log(prior / true_prior)) < abs(math.log(assumed_prior / true_prior)) / 2
    assert 0.6 < prior / true_prior < 1.5

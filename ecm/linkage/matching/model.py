"""The Splink 5 model (DuckDB backend): its settings, training and scoring.

Splink is imported inside the functions, never when Django loads the app. The settings
compare each kind of evidence once: the address is one comparison built from the
postcode and a house key (street and town are functions of the postcode and are left
out), so that agreement on an address is not counted three times.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from ecm.linkage.matching.features import FEATURE_COLUMNS

SPLINK_VERSION_PIN = "5.0.0"
DEFAULT_UPPER = 0.99
DEFAULT_LOWER = 0.80
# Comparisons whose "else" level means "not the same child" whatever else agrees (twins).
GUARDED = ("given_name", "date_of_birth")
# The given-name level where the given and family names are swapped and each agrees exactly with the
# other record's (Hannagan Mikhayla and Mikhayla Hannagan): as specific as the same given name.
SWAPPED_EXACTLY = "swapped with the family name, exactly"
# The given-name level where one record's given name is the other's first middle name (a child known
# by a middle name in one service: "Kevin Daniel" at the GP's, "Daniel" at school). One child, like a
# nickname: the twin rules do not hold it against the pair (``decide._twin_like``).
MIDDLE_NAME = "one record's given name is the other's middle name"
# The date-of-birth level where the day and the month agree and the years are one apart (2019 and
# 2020: two characters, below "one character"). Siblings can be born so (the same birthday a year
# apart), so the decisions treat it as a possible sibling, as they treat an exact date as a twin.
YEAR_APART = "same day and month, a year apart"


def _null(column: str) -> dict[str, Any]:
    return {
        "sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
        "label_for_charts": "null",
        "is_null_level": True,
    }


def _level(sql: str, label: str, m: float, u: float) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, "u_probability": u}


def _jw_pair(left: str, right: str) -> str:
    """Two columns of the pair alike: the same, or Jaro-Winkler at least 0.9 (one typo in a swapped name)."""
    return f'jaro_winkler_similarity("{left}", "{right}") >= 0.9'


def _tf(level: dict[str, Any], column: str) -> dict[str, Any]:
    """Term-frequency adjusted: agreeing on a common value ("Smith", "Oliver") counts less than on a rare one."""
    return level | {"tf_adjustment_column": column, "tf_adjustment_weight": 1.0}


def _else(m: float, u: float) -> dict[str, Any]:
    return _level("ELSE", "else", m, u)


def _comparison(name: str, description: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_description": description, "comparison_levels": levels}


def _overlap(column: str) -> str:
    """Two list columns share a value (null when either side has none)."""
    return f'len(list_intersect("{column}_l", "{column}_r")) > 0'


def _in_the_others(list_column: str, value_column: str) -> str:
    """Either record's value is in the other record's list: Bert is in Albert's forms and in Robert's,
    but Albert is not in Robert's, so a form shared by two names never makes them one (lists
    that merely overlap would: Emily and Amelia through Millie, Henry and Harold through Harry)."""
    return (
        f'list_contains("{list_column}_l", "{value_column}_r") OR list_contains("{list_column}_r", "{value_column}_l")'
    )


def _contained(column: str, shortest: int = 3) -> str:
    """One value (of at least ``shortest`` letters) inside the other: Nat and Natalie, Ella and Gabriella,
    Gail and Abigail; Enright and Durning-Enright (normalised: durningenright)."""
    left, right = f'"{column}_l"', f'"{column}_r"'
    return (
        f"((length({left}) >= {shortest} AND instr({right}, {left}) > 0) "
        f"OR (length({right}) >= {shortest} AND instr({left}, {right}) > 0))"
    )


def _two_edits(column: str) -> str:
    """Two typos in values of at least four letters: a scanned "m" read as "rn" (Gemma, Gernma). In
    shorter values only that scanned "rn" (Tom and "Torn", Jim and "Jirn"): any two edits would make
    most three-letter names alike (Tom and Jim, Amy and Eva), and the twin guard would let them through."""
    left, right = f'"{column}_l"', f'"{column}_r"'
    return (
        f"(damerau_levenshtein({left}, {right}) <= 2 AND length({left}) >= 4 AND length({right}) >= 4) "
        f"OR replace({left}, 'rn', 'm') = replace({right}, 'rn', 'm')"
    )


def _jw(column: str, threshold: float) -> str:
    return f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {threshold}'


def _prefixes(letters: int) -> str:
    """A blocking condition: the given and the family names begin with the same ``letters`` letters."""
    return " AND ".join(
        f"substr(l.{column}, 1, {letters}) = substr(r.{column}, 1, {letters})"
        for column in ("given_norm", "family_norm")
    )


def _middle_name() -> str:
    """One record's given name is the other's first middle name, either way round."""
    return '"given_norm_l" = "middle_norm_r" OR "middle_norm_l" = "given_norm_r"'


def base_settings() -> dict[str, Any]:
    """The untrained model: comparisons with starting m and u probabilities, and blocking rules."""
    new = "(l.is_new OR r.is_new)"
    dob_swap = (
        'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
    )
    year_apart = (
        'substr("dob_l", 6, 5) = substr("dob_r", 6, 5) '
        'AND abs(CAST(substr("dob_l", 1, 4) AS INTEGER) - CAST(substr("dob_r", 1, 4) AS INTEGER)) = 1'
    )
    surname_change = (
        '"family_norm_l" = "prev_family_norm_r" OR "prev_family_norm_l" = "family_norm_r" '
        'OR "prev_family_norm_l" = "prev_family_norm_r"'
    )
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-5,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "blocking_rules_to_generate_predictions": [
            f"l.nhs = r.nhs AND {new}",
            f"l.upn = r.upn AND {new}",
            f"l.dob = r.dob AND l.family_mp = r.family_mp AND {new}",
            f"l.dob = r.dob AND l.given_canon = r.given_canon AND {new}",
            f"l.dob = r.dob AND l.postcode = r.postcode AND {new}",
            f"l.given_canon = r.given_canon AND l.family_mp = r.family_mp AND l.dob_year = r.dob_year AND {new}",
            # A date of birth missing or a year out, and a house move: the same names anywhere.
            f"l.given_norm = r.given_norm AND l.family_norm = r.family_norm AND {new}",
            f"l.given_canon = r.given_canon AND l.postcode = r.postcode AND {new}",
            f"l.family_norm = r.family_norm AND l.postcode = r.postcode AND {new}",
            # A date of birth and a postcode both wrong (or moved): the same names at the same house number.
            f"l.given_norm = r.given_norm AND l.family_norm = r.family_norm AND l.house_key = r.house_key AND {new}",
            # Both names mistyped or changed, and the postcode too (FEBRL's postcode typos), or the date
            # of birth and the names keyed differently at one address: the house number still agrees.
            f"l.dob = r.dob AND l.house_key = r.house_key AND {new}",
            f"l.postcode = r.postcode AND l.house_key = r.house_key AND {new}",
            # Given and family names swapped.
            f"l.given_norm = r.family_norm AND l.family_norm = r.given_norm AND {new}",
            # A typo in a name, a date of birth keyed wrongly and a house move at once (1,000,000
            # records: 869 true pairs lost, never compared): the first letters of both names, with the
            # year of birth or with its day and month; the first letter of each, with the whole date.
            f"{_prefixes(3)} AND l.dob_year = r.dob_year AND {new}",
            f"{_prefixes(2)} AND substr(l.dob, 6, 5) = substr(r.dob, 6, 5) AND {new}",
            f"{_prefixes(1)} AND l.dob = r.dob AND {new}",
        ],
        "comparisons": [
            _comparison(
                "given_name",
                "First given name: exact, nickname group, the other's middle name, close spelling, one typo, one "
                "inside the other, two typos, given and family names swapped (exactly; with a typo)",
                [
                    _null("given_norm"),
                    _tf(_level('"given_norm_l" = "given_norm_r"', "exact", 0.85, 0.005), "given_norm"),
                    _level(_in_the_others("given_nicks", "given_norm"), "nickname", 0.05, 0.0005),
                    _level(_middle_name(), MIDDLE_NAME, 0.02, 0.0005),
                    _level(_jw("given_norm", 0.9), "close spelling", 0.05, 0.003),
                    _level('damerau_levenshtein("given_norm_l", "given_norm_r") <= 1', "one typo", 0.02, 0.002),
                    _level(_contained("given_norm"), "one name inside the other", 0.01, 0.0005),
                    _level(_two_edits("given_norm"), "two typos", 0.01, 0.001),
                    _level(
                        '"given_norm_l" = "family_norm_r" AND "family_norm_l" = "given_norm_r"',
                        SWAPPED_EXACTLY,
                        0.008,
                        0.000001,
                    ),
                    _level(
                        f"{_jw_pair('given_norm_l', 'family_norm_r')} AND {_jw_pair('family_norm_l', 'given_norm_r')}",
                        "swapped with the family name, a typo",
                        0.002,
                        0.00001,
                    ),
                    _else(0.03, 0.99),
                ],
            ),
            _comparison(
                "family_name",
                "Family name: exact, a previous family name, close spelling, sounds alike",
                [
                    _null("family_norm"),
                    _tf(_level('"family_norm_l" = "family_norm_r"', "exact", 0.8, 0.01), "family_norm"),
                    _level(surname_change, "previous family name", 0.05, 0.0005),
                    _level(_contained("family_norm", 4), "one name inside the other (double-barrelled)", 0.02, 0.0005),
                    _level(_jw("family_norm", 0.9), "close spelling", 0.07, 0.003),
                    _level('"family_mp_l" = "family_mp_r"', "sounds alike", 0.02, 0.005),
                    _else(0.06, 0.98),
                ],
            ),
            _comparison(
                "date_of_birth",
                "Date of birth: exact, day and month swapped, one character different, a day apart, "
                "the same day and month a year apart",
                [
                    _null("dob"),
                    _level('"dob_l" = "dob_r"', "exact", 0.9, 0.0003),
                    _level(dob_swap, "day/month swapped", 0.03, 0.00003),
                    _level('damerau_levenshtein("dob_l", "dob_r") <= 1', "one character", 0.04, 0.002),
                    _level(
                        'abs(date_diff(\'day\', CAST("dob_l" AS DATE), CAST("dob_r" AS DATE))) <= 1',
                        "a day apart",
                        0.01,
                        0.0005,
                    ),
                    # A year keyed wrongly across a decade (2019 for 2020; a year out within one decade is
                    # one character): a level of its own, so that the guard lets a typo'd given name beside
                    # it through and EM gives it its own weight.
                    _level(year_apart, YEAR_APART, 0.003, 0.00005),
                    _else(0.02, 0.997),
                ],
            ),
            _comparison(
                "address",
                "Address (postcode and house, one piece of evidence): same address, postcode, sector, district",
                [
                    _null("postcode"),
                    _level(
                        '"postcode_l" = "postcode_r" AND "house_key_l" = "house_key_r"', "same address", 0.7, 0.0005
                    ),
                    _tf(_level('"postcode_l" = "postcode_r"', "same postcode", 0.05, 0.002), "postcode"),
                    _level('"postcode_sector_l" = "postcode_sector_r"', "same sector", 0.04, 0.02),
                    _level('"postcode_district_l" = "postcode_district_r"', "same district", 0.05, 0.05),
                    _else(0.16, 0.928),
                ],
            ),
            # The first middle name, where both records have one: registers that record middle names
            # tell apart twins and namesakes with the same given name and birthday ("Sione Gabriel" and
            # "Sione Mateo"), and agreeing on one carries a pair whose family name and address both
            # changed. A middle name missing on either side is no evidence either way.
            _comparison(
                "middle_name",
                "First middle name: exact, close spelling, one typo, the other's given name (the names in the "
                "other order), the same initial",
                [
                    _null("middle_norm"),
                    _tf(_level('"middle_norm_l" = "middle_norm_r"', "exact", 0.9, 0.01), "middle_norm"),
                    _level(_jw("middle_norm", 0.9), "close spelling", 0.03, 0.002),
                    # A typo in the first letter ("Saniel" for Daniel) is below Jaro-Winkler's 0.9 and has
                    # another initial: without this level it would read as two different middle names,
                    # which the decisions take for two children (``decide``).
                    _level('damerau_levenshtein("middle_norm_l", "middle_norm_r") <= 1', "one typo", 0.01, 0.0005),
                    _level(_middle_name(), "the other's given name", 0.02, 0.0005),
                    _level('substr("middle_norm_l", 1, 1) = substr("middle_norm_r", 1, 1)', "same initial", 0.02, 0.06),
                    _else(0.03, 0.93),
                ],
            ),
            _comparison(
                "sex", "Sex", [_null("sex"), _level('"sex_l" = "sex_r"', "exact", 0.97, 0.5), _else(0.03, 0.5)]
            ),
            _comparison(
                "nhs_number",
                "NHS number",
                [_null("nhs"), _level('"nhs_l" = "nhs_r"', "exact", 0.99, 1e-6), _else(0.01, 0.999999)],
            ),
            _comparison(
                "upn",
                "Unique pupil number",
                [_null("upn"), _level('"upn_l" = "upn_r"', "exact", 0.98, 1e-6), _else(0.02, 0.999999)],
            ),
            _comparison(
                "parents",
                "A parent's name in common",
                [
                    _null("parents"),
                    _level('len(list_intersect("parents_l", "parents_r")) > 0', "a parent in common", 0.7, 0.005),
                    _else(0.3, 0.995),
                ],
            ),
        ],
    }


def _linker(rows: Any, settings: dict[str, Any]) -> Any:
    """A Splink linker over ``rows``: a list of feature dicts or an Arrow table of the feature columns."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    connection = duckdb.connect()
    db_api = DuckDBAPI(connection)
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows), schema=feature_schema())
    frame = db_api.register(table, dataset_display_name="staged")
    return Linker(frame, settings, log_level=None), connection


def feature_schema() -> Any:
    """The Arrow schema of the model's input (``features.FEATURE_COLUMNS``)."""
    import pyarrow as pa

    lists = ("parents", "given_nicks")
    types = {"unique_id": pa.int64(), "is_new": pa.bool_()} | {name: pa.list_(pa.string()) for name in lists}
    return pa.schema([(name, types.get(name, pa.string())) for name in FEATURE_COLUMNS])


def feature_batch(rows: list[dict[str, Any]]) -> Any:
    """One Arrow record batch from feature dicts: a national run holds batches, never a million dicts."""
    import pyarrow as pa

    return pa.RecordBatch.from_pylist(rows, schema=feature_schema())


def train(rows: Any, *, seed: int = 42, max_pairs: float = 2e6) -> dict[str, Any]:
    """Estimate the model's parameters from unlabelled records; returns Splink's settings JSON.

    u from random pairs; m by expectation maximisation in two passes (blocked on date of
    birth, then on postcode and given name, so that every comparison is trained at least once,
    never on pairs chosen for agreeing on it); the prior from deterministic rules, corrected by
    their recall as the trained m probabilities estimate it (``deterministic_rules_recall``).
    """
    try:
        return _train(rows, seed=seed, max_pairs=max_pairs)
    except (ValueError, ZeroDivisionError):
        # Too little data to estimate from (no pair meets the deterministic rules, so the prior is
        # zero): keep the starting parameters rather than fail; train again when more has arrived.
        return base_settings()


# The prior (the probability that two records are one child) is first counted from the pairs that
# meet the deterministic rules below, divided by an assumed recall of those rules, then corrected
# once the m probabilities are trained (``deterministic_rules_recall``).
DETERMINISTIC_RULES = (
    "l.nhs = r.nhs",
    "l.given_norm = r.given_norm AND l.family_norm = r.family_norm AND l.dob = r.dob",
)
ASSUMED_RECALL = 0.8
# Each rule's columns and the comparison whose exact level tests them.
_RULE_COLUMNS = (
    (("nhs_number", "nhs"),),
    (("given_name", "given_norm"), ("family_name", "family_norm"), ("date_of_birth", "dob")),
)


def deterministic_rules_recall(settings: dict[str, Any], table: Any) -> float:
    """The trained model's estimate of the share of true pairs that ``DETERMINISTIC_RULES`` find.

    A true pair meets a rule when its columns are present on both records and agree exactly: the
    product, over the rule's columns, of the share of records with the column (squared: both
    records) and the column's m probability of "exact" (m excludes pairs with a value missing).
    The rules are alternatives. Both assume errors in different columns are independent, as the
    model itself does. Until 6 December 2026 the recall was assumed to be 0.8, which is what our
    own generators give (0.84 and 0.79 measured against their truth); on FEBRL it is 0.31 and 0.44,
    and the prior was 0.39 and 0.54 of the truth there.
    """
    exact = {}
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        exact[comparison["output_column_name"]] = float(levels[0].get("m_probability") or 0.0)
    rows = max(1, table.num_rows)
    missed_by_every_rule = 1.0
    for columns in _RULE_COLUMNS:
        found = 1.0
        for comparison, column in columns:
            present = 1 - table.column(column).null_count / rows
            found *= present * present * exact.get(comparison, 0.0)
        missed_by_every_rule *= 1 - found
    return 1 - missed_by_every_rule


def _train(rows: Any, *, seed: int, max_pairs: float) -> dict[str, Any]:
    import pyarrow as pa

    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows), schema=feature_schema())
    linker, connection = _linker(table, base_settings())
    try:
        linker.training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=ASSUMED_RECALL)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.dob = r.dob AND l.family_mp = r.family_mp"
        )
        # Splink leaves a comparison out of a pass only when the pass's blocking rule names one of the
        # comparison's columns; the given-name comparison reads ``given_norm``, not ``given_canon``, so
        # the last clause (true of every pair the rule finds) names it. Before 6 December 2026 the
        # given name was also trained on pairs chosen for equal given names, and its m probability of
        # "exact" came out far too high (0.72 where 0.43 of true pairs agree exactly: test_training.py).
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.postcode = r.postcode AND l.given_canon = r.given_canon AND l.given_norm IS NOT NULL"
        )
        settings = dict(linker.misc.save_model_to_json())
        # Bounded so that a column the model could not train (m of 0: no NHS numbers at all) never
        # divides by nothing, and the prior never says that most pairs of records are one child.
        recall = max(0.05, deterministic_rules_recall(settings, table))
        settings["probability_two_random_records_match"] = min(
            0.5, settings["probability_two_random_records_match"] * ASSUMED_RECALL / recall
        )
        return settings
    finally:
        connection.close()


def _conditions(settings: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [
        (c["output_column_name"], [level["sql_condition"] for level in c["comparison_levels"]])
        for c in settings["comparisons"]
    ]


def comparisons_out_of_date(settings: dict[str, Any]) -> bool:
    """The saved model compares otherwise than this release's model (a level added, or one's condition
    changed, as on 7 December 2026 for nicknames): its weights belong to other comparisons, so the
    ``match`` command trains a new version before matching with it."""
    return _conditions(settings) != _conditions(base_settings())


def model_version(settings: dict[str, Any], *, when: str) -> str:
    """A version name: when it was trained and a hash of its parameters."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:10]
    return f"splink{SPLINK_VERSION_PIN}-{when}-{digest}"


class ScoredPair(Mapping[str, Any]):
    """One scored pair, read like a dict (ids, weight, probability, ``gamma_*`` levels).

    Kept as a tuple beside a column index shared by every pair of a run: a national run
    holds millions of these, and a dict each would cost four times the memory.
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[Any, ...]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[self._index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        """``Mapping.get`` without its exception on a missing key (the decisions call it millions of times)."""
        position = self._index.get(key)
        return default if position is None else self._values[position]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def predict(rows: Any, settings: dict[str, Any], *, threshold: float) -> list[ScoredPair]:
    """Scored pairs (at least one side new) at or above ``threshold``: ids, weight, probability, levels.

    ``rows``: feature dicts, or an Arrow table of them (``feature_batch``).
    """
    linker, connection = _linker(rows, settings)
    try:
        # In a stable order, so that ties (identical records) are broken the same way every run.
        result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        gammas = ", ".join(f"gamma_{c['output_column_name']}" for c in settings["comparisons"])
        # Column and table names come from our own settings and Splink, never from input.
        sql = (
            f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, {gammas} "  # noqa: S608
            f"FROM {result.physical_name} ORDER BY unique_id_l, unique_id_r"
        )
        cursor = connection.execute(sql)
        index = {d[0]: n for n, d in enumerate(cursor.description)}
        pairs: list[ScoredPair] = []
        while chunk := cursor.fetchmany(100_000):
            pairs.extend(ScoredPair(index, values) for values in chunk)
        return pairs
    finally:
        connection.close()

"""The same Splink model on Spark (national volumes): the settings translated to Spark SQL, scored there.

The model (levels, m and u, blocking rules, thresholds) is the one trained on DuckDB
(``ecm.linkage.matching.model``); only the SQL of its conditions changes dialect:
quoted identifiers become backquoted, DuckDB's ``jaro_winkler_similarity`` and
``damerau_levenshtein`` become the UDFs Splink registers on Spark (its similarity jar),
``list_intersect`` becomes ``arrays_overlap``, ``list_contains`` ``array_contains`` and
``date_diff('day', a, b)`` ``datediff``.
``ecm/linkage/tests/test_spark.py`` checks that the decisions equal DuckDB's. PySpark and a
Java runtime are needed only here (imported inside the functions).
"""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path
from typing import Any

from ecm.linkage.matching.model import ScoredPair


def _to_spark_sql(sql: str) -> str:
    sql = re.sub(r'"([A-Za-z_][A-Za-z0-9_]*)"', r"`\1`", sql)
    sql = sql.replace("jaro_winkler_similarity(", "jaro_winkler(")
    sql = re.sub(r"len\(list_intersect\(([^)]*)\)\) > 0", r"arrays_overlap(\1)", sql)
    sql = sql.replace("list_contains(", "array_contains(")
    sql = re.sub(r"date_diff\('day', ([^,]*?), (CAST\([^)]*\))\)", r"datediff(\2, \1)", sql)
    return sql


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The model's settings with every SQL condition in Spark's dialect."""
    out = copy.deepcopy(settings)
    out["sql_dialect"] = "spark"
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                level["sql_condition"] = _to_spark_sql(level["sql_condition"])
    rules = out.get("blocking_rules_to_generate_predictions", [])
    out["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": _to_spark_sql(rule["blocking_rule"]), "sql_dialect": "spark"}
        if isinstance(rule, dict)
        else _to_spark_sql(rule)
        for rule in rules
    ]
    return out


def local_session(*, partitions: int = 4, master: str = "local[2]") -> Any:
    """A Spark session, local by default (tests, a single machine); a cluster's is configured as in docs/linkage.md."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return (
        SparkSession.builder.master(master)
        .appName("ecm-linkage")
        .config("spark.jars", similarity_jar_location())  # Splink's jaro_winkler and damerau_levenshtein UDFs
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def predict(table: Any, settings: dict[str, Any], *, threshold: float, spark: Any) -> list[ScoredPair]:
    """Scored pairs (at least one side new) at or above ``threshold``, as ``model.predict`` gives them on DuckDB.

    ``table``: the Arrow table of the model's input (``engine.feature_table``), handed to Spark as Parquet.
    """
    import pyarrow.parquet as pq
    from splink import Linker, SparkAPI

    translated = spark_settings(settings)
    with tempfile.TemporaryDirectory(prefix="ecm-linkage-spark-") as folder:
        path = Path(folder) / "staged.parquet"
        pq.write_table(table, path)
        frame = spark.read.parquet(str(path))
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist", register_udfs_automatically=True)
        linker = Linker(db_api.register(frame), translated)
        result = linker.inference.predict(threshold_match_probability=threshold)
        gammas = [f"gamma_{c['output_column_name']}" for c in settings["comparisons"]]
        columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas]
        rows = result.as_spark_dataframe().select(*columns).orderBy("unique_id_l", "unique_id_r").collect()
    index = {name: n for n, name in enumerate(columns)}
    return [ScoredPair(index, tuple(row)) for row in rows]

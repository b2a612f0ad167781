#!/usr/bin/env python3
"""Record linkage benchmark: import + match + index update on synthetic feeds with known truth.

Generates a synthetic population (``ecm.linkage.synthetic``: households, twins and
siblings sharing surname and address, several sources per child with nicknames, typos,
surname changes, day/month swaps, house moves and missing fields), writes one CSV per
source, then times the real code paths in one process: ``feed_import`` per file, model
training, ``match_run`` (Splink on DuckDB, index children created through index
services). Reports pairwise precision / recall / F1, cluster counts, twins merged, wall
time per phase and peak memory (max RSS), as Markdown for docs/performance.md.

    .venv/bin/python bench/linkage.py [--records 100000] [--database-url sqlite:////tmp/x.db]
    .venv/bin/python bench/linkage.py --records 1000000 --score-only

``--score-only`` measures the model alone (validation, features, training, Splink scoring and
the decisions of ``match_run``) without a database: no import, no index update.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDS_PER_CHILD = 3.55  # the synthetic sources' expected appearances per child


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def score_only(records: int, seed: int) -> None:
    """Validation, features, training, scoring and decisions in memory; quality against the truth."""
    import datetime as dt
    import gc
    import random

    from ecm.linkage import synthetic
    from ecm.linkage.matching import model
    from ecm.linkage.matching.decide import decide, exact_levels_of
    from ecm.linkage.matching.features import features
    from ecm.linkage.validation import RowRejected, validate_row

    def rss() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    population = synthetic.population(int(records / RECORDS_PER_CHILD), seed=seed)
    household = {c.key: (c.birth_family, c.dob, c.addresses[0].postcode, c.parents) for c in population}
    truth: list[int] = []
    rows = []
    today = dt.date.today()
    for raw in synthetic.records(population, seed=seed + 1):
        try:
            values, _ = validate_row(raw, today=today)
        except RowRejected:
            continue
        rows.append(features(unique_id=len(truth), is_new=True, **values))
        truth.append(raw["truth"])
    del population
    gc.collect()
    print(f"generated, validated, features: {len(rows):,} in {time.perf_counter() - start:.0f} s, RSS {rss():,.0f} MB")
    t = time.perf_counter()
    settings = model.train(random.Random(42).sample(rows, min(300_000, len(rows))))
    print(f"train {time.perf_counter() - t:.0f} s, RSS {rss():,.0f} MB")
    t = time.perf_counter()
    scored = model.predict(rows, settings, threshold=0.8)
    print(f"predict {time.perf_counter() - t:.0f} s, {len(scored):,} pairs, RSS {rss():,.0f} MB")
    identifiers = {r["unique_id"]: (r["nhs"], r["upn"]) for r in rows}
    del rows
    t = time.perf_counter()
    out = decide(
        new_ids=list(range(len(truth))),
        child_of={},
        pairs=scored,
        upper=0.99,
        lower=0.8,
        identifiers=identifiers,
        exact_levels=exact_levels_of(settings),
    )
    print(f"decide {time.perf_counter() - t:.0f} s, RSS {rss():,.0f} MB")
    cluster: dict[int, object] = {}
    for n, group in enumerate(out.new_children):
        for rid in group:
            cluster[rid] = n
    both = Counter((cluster.get(r, f"r{r}"), truth[r]) for r in range(len(truth)))
    predicted = Counter(cluster.get(r, f"r{r}") for r in range(len(truth)))
    tp = sum(pairs(n) for n in both.values())
    precision = tp / sum(pairs(n) for n in predicted.values())
    recall = tp / sum(pairs(n) for n in Counter(truth).values())
    keys: dict[object, set[int]] = defaultdict(set)
    for c, k in both:
        keys[c].add(k)
    merged = sum(1 for ks in keys.values() for a in ks for b in ks if a < b and household[a] == household[b])
    twin_pairs = sum(pairs(n) for n in Counter(household.values()).values())
    print(
        f"records {len(truth):,}; children {len(set(truth)):,}; clusters {len(predicted):,}; review {len(out.review):,}; "
        f"precision {precision:.4f}; recall {recall:.4f}; F1 {2 * precision * recall / (precision + recall):.4f}; "
        f"twin pairs {twin_pairs:,}, merged {merged}; total {time.perf_counter() - start:.0f} s; peak RSS {rss():,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--score-only", action="store_true", help="The model alone, in memory (no import, no index)")
    args = parser.parse_args()
    if args.score_only:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        score_only(args.records, args.seed)
        return
    work = Path(tempfile.mkdtemp(prefix="ecm-linkage-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from ecm.core.actors import SYSTEM_FEED, SYSTEM_MATCHER
    from ecm.index.models import Child
    from ecm.linkage import synthetic
    from ecm.linkage.matching.engine import match_run
    from ecm.linkage.matching.model import DEFAULT_LOWER, DEFAULT_UPPER
    from ecm.linkage.matching.training import match_model_train
    from ecm.linkage.models import FeedSource, StagedRecord
    from ecm.linkage.selectors import links_for_export
    from ecm.linkage.services import feed_import

    call_command("migrate", "--noinput", verbosity=0)
    t0 = time.perf_counter()
    population = synthetic.population(int(args.records / RECORDS_PER_CHILD), seed=args.seed)
    rows = list(synthetic.records(population, seed=args.seed + 1))
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_source[row["source"]].append(row)
    truth = {(r["source"], r["source_record_id"]): r["truth"] for r in rows}
    # Twins: same household (birth family name, first address) and the same date of birth.
    twins = {c.key: (c.birth_family, c.dob, c.addresses[0].postcode, c.parents) for c in population}
    files = []
    for source, source_rows in by_source.items():
        path = work / f"{source}.csv"
        columns = [c for c in source_rows[0] if c not in ("source", "truth")]
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(source_rows)
        files.append((source, path))
    generate = time.perf_counter() - t0
    del rows, by_source

    timings: dict[str, float] = {}
    start = time.perf_counter()

    def log(message: str) -> None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  [{time.perf_counter() - start:7.1f} s, max RSS {rss:,.0f} MB] {message}", flush=True)

    log(f"generated {sum(1 for _ in truth):,} records in {generate:.1f} s")
    t = time.perf_counter()
    for source, path in files:
        feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name=source), path=path)
        log(f"imported {source}")
    timings["import"] = time.perf_counter() - t
    t = time.perf_counter()
    model = match_model_train(actor=SYSTEM_MATCHER, upper=DEFAULT_UPPER, lower=DEFAULT_LOWER)
    timings["train"] = time.perf_counter() - t
    log(f"trained {model.version}")
    t = time.perf_counter()
    summary = match_run(actor=SYSTEM_MATCHER, model=model, progress=log)
    timings["match + index update"] = time.perf_counter() - t
    total = sum(timings.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # Evaluation: predicted clusters are children (unlinked records are singletons).
    staged = list(links_for_export())
    predicted: dict[str, int] = Counter()
    true_sizes: dict[int, int] = Counter()
    both: dict[tuple[str, int], int] = Counter()
    for n, (source, record_id, child_id) in enumerate(staged):
        cluster = child_id or f"single-{n}"
        key = truth[(source, record_id)]
        predicted[cluster] += 1
        true_sizes[key] += 1
        both[(cluster, key)] += 1
    tp = sum(pairs(n) for n in both.values())
    predicted_pairs = sum(pairs(n) for n in predicted.values())
    true_pairs = sum(pairs(n) for n in true_sizes.values())
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    keys_in: dict[str, set[int]] = defaultdict(set)
    for (cluster, key), _n in both.items():
        keys_in[cluster].add(key)
    twins_merged = sum(1 for keys in keys_in.values() for a in keys for b in keys if a < b and twins[a] == twins[b])
    twin_pairs = Counter(twins.values())
    engine = "PostgreSQL" if "postgres" in os.environ["DATABASE_URL"] else "SQLite"
    linked = StagedRecord.objects.filter(child__isnull=False).count()
    print()
    print(
        f"### {len(staged):,} source records, {len(population):,} children ({engine}, {os.cpu_count()} cores, "
        f"{platform.python_version()}, Splink 5 on DuckDB)"
    )
    print()
    print("| measure | value |\n|---|---|")
    for name, value in [
        ("source records staged / linked", f"{len(staged):,} / {linked:,}"),
        ("true children / index children created", f"{len(true_sizes):,} / {Child.objects.count():,}"),
        ("pairwise precision", f"{precision:.4f}"),
        ("pairwise recall", f"{recall:.4f}"),
        ("pairwise F1", f"{f1:.4f}"),
        (
            "twin pairs (same household and date of birth) in the population",
            f"{sum(pairs(n) for n in twin_pairs.values()):,}",
        ),
        ("twin pairs merged into one child", f"{twins_merged:,}"),
        (
            "linked by source record id / NHS-UPN / model",
            f"{summary.same_source_record:,} / {summary.identifier:,} / {summary.model_linked:,}",
        ),
        ("new children / records in them", f"{summary.new_children:,} / {summary.records_in_new_children:,}"),
        ("pairs sent to clerical review / records held", f"{summary.review:,} / {summary.held:,}"),
        ("pairs scored above the lower threshold", f"{summary.pairs_scored:,}"),
        ("synthetic generation (not counted)", f"{generate:.1f} s"),
        *[(f"{name} wall time", f"{seconds:.1f} s") for name, seconds in timings.items()],
        ("end to end (import + train + match + index update)", f"{total:.1f} s"),
        ("peak memory (max RSS)", f"{peak_mb:,.0f} MB"),
    ]:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()

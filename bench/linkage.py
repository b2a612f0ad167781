#!/usr/bin/env python3
"""Record linkage benchmark: import + match + index update on synthetic feeds with known truth.

Generates a synthetic population (``ecm.linkage.synthetic``: households, twins and
siblings sharing surname and address, several sources per child with nicknames, typos,
surname changes, day/month swaps, house moves and missing fields), writes one CSV per
source, then times the real commands, each in its own process, one after another:
``manage.py import_feed`` per file and ``manage.py match`` (which trains the model, scores
with Splink on DuckDB and puts the children on the index through ``child_create_many``).
Reports pairwise precision / recall / F1, cluster counts, twins merged, wall time per
phase and each process's peak memory (max RSS), as Markdown for docs/performance.md. The
generator and the truth live in this parent process and are not counted.

    .venv/bin/python bench/linkage.py [--records 100000] [--database-url postgres://.../empty_db]
    .venv/bin/python bench/linkage.py --records 1000000            # the issue's target run
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
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

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
    from ecm.linkage.matching.decide import decide, exact_levels_of, rare_spelling_limit
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
    spellings = Counter(r["given_norm"] for r in rows)
    limit = rare_spelling_limit(len(rows))
    rare = {r["unique_id"] for r in rows if r["given_norm"] and spellings[r["given_norm"]] < limit}
    del rows, spellings
    t = time.perf_counter()
    out = decide(
        new_ids=list(range(len(truth))),
        child_of={},
        pairs=scored,
        upper=0.99,
        lower=0.8,
        identifiers=identifiers,
        exact_levels=exact_levels_of(settings),
        rare_spellings=rare,
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


CPU_SECONDS: dict[str, float] = {}


def generate(work: Path, records: int, seed: int) -> None:
    """Write one CSV per source, ``truth.csv`` (source, id, true child) and ``twins.csv`` (child, household)."""
    import django

    django.setup()
    from ecm.linkage import synthetic

    population = synthetic.population(int(records / RECORDS_PER_CHILD), seed=seed)
    writers: dict[str, Any] = {}
    handles = []
    truth_handle = (work / "truth.csv").open("w", newline="")
    truth = csv.writer(truth_handle)
    truth.writerow(["source", "source_record_id", "truth"])
    for row in synthetic.records(population, seed=seed + 1):
        source = row["source"]
        truth.writerow([source, row["source_record_id"], row["truth"]])
        if source not in writers:
            handle = (work / f"{source}.csv").open("w", newline="")
            handles.append(handle)
            columns = [c for c in row if c not in ("source", "truth")]
            writers[source] = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writers[source].writeheader()
        writers[source].writerow(row)
    for handle in [*handles, truth_handle]:
        handle.close()
    # Twins: same household (birth family name, first address, parents) and the same date of birth.
    with (work / "twins.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["key", "household"])
        for c in population:
            out.writerow([c.key, f"{c.birth_family}|{c.dob}|{c.addresses[0].postcode}|{'|'.join(c.parents)}"])


def cpu_summary() -> str:
    """``import / match / total`` CPU seconds of the timed processes."""
    imports = sum(v for k, v in CPU_SECONDS.items() if k.startswith("import "))
    match = CPU_SECONDS.get("match", 0.0)
    return f"{imports:.1f} s / {match:.1f} s / {imports + match:.1f} s"


def run(label: str, args: list[str], env: dict[str, str], start: float) -> tuple[float, float, str]:
    """Run ``manage.py <args>`` as its own process; (wall seconds, its max RSS in MB, its stdout).

    Its CPU time (user + system) goes into ``CPU_SECONDS``: on a busy machine the wall time
    overstates what an idle one takes, and CPU time bounds it (DuckDB may use both cores).

    Its stderr (the match command's progress) is echoed with the time since ``start``.
    """
    t = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None and process.stdout is not None
    for line in process.stderr:
        print(f"  [{time.perf_counter() - start:7.1f} s] {label}: {line.rstrip()}", flush=True)
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{label} failed ({process.returncode}):\n{out}")
    seconds = time.perf_counter() - t
    rss = usage.ru_maxrss / 1024
    CPU_SECONDS[label] = usage.ru_utime + usage.ru_stime
    print(
        f"  [{time.perf_counter() - start:7.1f} s] {label}: done in {seconds:.1f} s "
        f"(CPU {CPU_SECONDS[label]:.1f} s), max RSS {rss:,.0f} MB",
        flush=True,
    )
    return seconds, rss, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="An empty database (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--score-only", action="store_true", help="The model alone, in memory (no import, no index)")
    parser.add_argument("--generate-into", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    if args.score_only:
        import django

        django.setup()
        score_only(args.records, args.seed)
        return
    if args.generate_into:
        generate(Path(args.generate_into), args.records, args.seed)
        return
    work = Path(tempfile.mkdtemp(prefix="ecm-linkage-bench-"))
    env = {**os.environ, "DATABASE_URL": args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"}
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    # Generation runs in its own process, so that this one stays small: a child process's max
    # RSS starts from its parent's at the fork.
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--generate-into",
            str(work),
            "--records",
            str(args.records),
            "--seed",
            str(args.seed),
        ],
        check=True,
    )
    generate_seconds = time.perf_counter() - t0
    files = {path.stem: path for path in sorted(work.glob("*.csv")) if path.stem not in ("truth", "twins")}
    print(f"generated {len(files)} files in {generate_seconds:.1f} s into {work}", flush=True)
    run("migrate", ["migrate", "--noinput", "-v", "0"], env, time.perf_counter())

    # The timed pipeline: the real commands, each its own process, one after another.
    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}
    start = time.perf_counter()
    for source, path in files.items():
        seconds, rss, _out = run(
            f"import {source}", ["import_feed", "--source", source, str(path), "--no-progress"], env, start
        )
        timings["import (5 files)"] = timings.get("import (5 files)", 0.0) + seconds
        peaks["import"] = max(peaks.get("import", 0.0), rss)
    seconds, rss, match_out = run("match", ["match"], env, start)
    timings["match (train + Splink + decisions + index update)"] = seconds
    peaks["match"] = rss
    total = time.perf_counter() - start
    print(match_out.strip())

    # Evaluation (not timed): predicted clusters are children (unlinked records are singletons).
    with (work / "truth.csv").open(newline="") as handle:
        truth = {(r["source"], r["source_record_id"]): int(r["truth"]) for r in csv.DictReader(handle)}
    with (work / "twins.csv").open(newline="") as handle:
        twins = {int(r["key"]): r["household"] for r in csv.DictReader(handle)}
    children = len(twins)
    import django

    django.setup()
    export = work / "links.csv"
    run("export_links", ["export_links", str(export)], env, time.perf_counter())
    predicted: dict[str, int] = Counter()
    true_sizes: dict[int, int] = Counter()
    both: dict[tuple[str, int], int] = Counter()
    staged = 0
    with export.open(newline="") as handle:
        for n, line in enumerate(csv.DictReader(handle)):
            staged += 1
            cluster = line["child_id"] or f"single-{n}"
            key = truth[(line["source"], line["source_record_id"])]
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

    from ecm.index.models import Child
    from ecm.linkage.models import ReviewItem, StagedRecord

    engine = "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite"
    linked = StagedRecord.objects.filter(child__isnull=False).count()
    print()
    print(
        f"### {staged:,} source records, {children:,} children ({engine}, {os.cpu_count()} cores, "
        f"{platform.python_version()}, Splink 5 on DuckDB)"
    )
    print()
    print("| measure | value |\n|---|---|")
    for name, value in [
        ("source records staged / linked", f"{staged:,} / {linked:,}"),
        ("true children / index children created", f"{len(true_sizes):,} / {Child.objects.count():,}"),
        ("pairwise precision", f"{precision:.4f}"),
        ("pairwise recall", f"{recall:.4f}"),
        ("pairwise F1", f"{f1:.4f}"),
        (
            "twin pairs (same household and date of birth) in the population",
            f"{sum(pairs(n) for n in twin_pairs.values()):,}",
        ),
        ("twin pairs merged into one child", f"{twins_merged:,}"),
        ("pairs sent to clerical review", f"{ReviewItem.objects.count():,}"),
        ("synthetic generation (not counted)", f"{generate_seconds:.1f} s"),
        *[(f"{name} wall time", f"{seconds:.1f} s") for name, seconds in timings.items()],
        ("**end to end** (import + train + match + index update)", f"**{total:.1f} s**"),
        ("CPU time of those processes (import / match / total)", cpu_summary()),
        *[(f"max RSS of the {name} process", f"{mb:,.0f} MB") for name, mb in peaks.items()],
    ]:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()

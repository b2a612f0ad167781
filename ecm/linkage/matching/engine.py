"""``match_run``: link every unlinked staged record to an index child, or queue it for review.

1. A record whose source already sent the same ``source_record_id`` joins that record's child.
2. A record sharing an NHS number or UPN with exactly one index child links to it directly.
3. The rest are scored by the Splink model against every linked record and each other,
   and decided by ``ecm.linkage.matching.decide``. New children are created, and
   survivorship applied, through ``ecm.linkage.index_bridge`` (index services).
Each child's links commit in their own transaction, so an interrupted run can be re-run.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from ecm.core.actors import Actor
from ecm.core.memory import cyclic_gc_paused
from ecm.index.bulk import bulk_rebuild_worthwhile, rows_where_in, secondary_indexes_rebuilt_after
from ecm.index.models import Carer, Child, ChildAddress, ChildName
from ecm.linkage.choices import DeliveryStatus, LinkMethod
from ecm.linkage.index_bridge import surviving_child
from ecm.linkage.matching import model as splink_model
from ecm.linkage.matching.decide import decide, exact_levels_of, is_identifier_pair, rare_spelling_limit
from ecm.linkage.matching.features import (
    NameEvidence,
    OneChildBirths,
    features,
    names_learned,
    nickname_forms_learned,
    with_learned_nicknames,
)
from ecm.linkage.matching.thresholds import lower_within_budget, review_budget
from ecm.linkage.models import FEED_COLUMNS, FeedDelivery, FeedSource, MatchModel, MatchRun, StagedRecord
from ecm.linkage.selectors import merged_children, survivor_of
from ecm.linkage.services import (
    match_run_advance,
    match_run_finish,
    match_run_open,
    match_run_plan,
    records_link,
    records_to_new_children,
    review_items_create,
)

# New children put on the index per transaction (and per audit event). Each commit writes every
# B-tree page the batch's random keys touched; at 20,000 a page touched by several children is
# written once, and the index update at 1,000,000 records took 188 s against 258 s at 2,000
# (docs/performance.md). A crash loses at most one batch, which the next run redoes.
NEW_CHILDREN_PER_TRANSACTION = 20_000
# The tables a new child writes to, whose indexes a first load builds at the end.
INDEX_UPDATE_TABLES = (Child, ChildName, ChildAddress, Carer, StagedRecord)
FEATURE_FIELDS = (
    "id",
    "given_name",
    "middle_names",
    "family_name",
    "previous_family_name",
    "date_of_birth",
    "sex",
    "address_line_1",
    "postcode",
    "nhs_number",
    "upn",
    "parent_1_name",
    "parent_2_name",
)


@dataclass
class MatchSummary:
    """Counts from one run, for the command's output and the benchmark."""

    same_source_record: int = 0
    identifier: int = 0
    model_linked: int = 0
    new_children: int = 0
    records_in_new_children: int = 0
    review: int = 0
    held: int = 0
    pairs_scored: int = 0


def matchable_records() -> Any:
    """Staged records of complete deliveries only: a delivery applies whole or not at all."""
    complete = list(FeedDelivery.objects.filter(status=DeliveryStatus.COMPLETE).values_list("pk", flat=True))
    return StagedRecord.objects.filter(delivery_id__in=complete)


def _link_by_known_keys(*, actor: Actor, model: MatchModel, summary: MatchSummary) -> None:
    merged = merged_children()
    linked = StagedRecord.objects.filter(child__isnull=False)
    by_source_id = {
        (s, i): survivor_of(c, merged) for s, i, c in linked.values_list("source_id", "source_record_id", "child_id")
    }
    by_nhs: dict[str, set[Any]] = defaultdict(set)
    by_upn: dict[str, set[Any]] = defaultdict(set)
    for nhs, upn, child_id in linked.values_list("nhs_number", "upn", "child_id"):
        if nhs:
            by_nhs[nhs].add(survivor_of(child_id, merged))
        if upn:
            by_upn[upn].add(survivor_of(child_id, merged))
    for nhs, upn, child_id in Child.objects.filter(merged_into__isnull=True).values_list(
        "nhs_number", "unique_pupil_number", "pk"
    ):
        if nhs:
            by_nhs[nhs].add(child_id)
        if upn:
            by_upn[upn].add(child_id)
    plan: dict[tuple[Any, str], list[int]] = defaultdict(list)
    unlinked = matchable_records().filter(child__isnull=True, in_review=False)
    for rid, source_id, source_record_id, nhs, upn in unlinked.values_list(
        "id", "source_id", "source_record_id", "nhs_number", "upn"
    ):
        known = by_source_id.get((source_id, source_record_id))
        if known is not None:
            plan[(known, LinkMethod.SAME_SOURCE_RECORD)].append(rid)
            continue
        for key, index in ((nhs, by_nhs), (upn, by_upn)):
            if key and len(index.get(key, ())) == 1:
                plan[(next(iter(index[key])), LinkMethod.IDENTIFIER)].append(rid)
                break
    for (child_id, method), ids in plan.items():
        records_link(
            actor=actor,
            child=Child.objects.get(pk=child_id),
            records=list(StagedRecord.objects.filter(pk__in=ids)),
            method=method,
            scores=dict.fromkeys(ids, (None, 1.0)),
            model_version=model.version,
        )
        if method == LinkMethod.SAME_SOURCE_RECORD:
            summary.same_source_record += len(ids)
        else:
            summary.identifier += len(ids)


FEATURE_CHUNK = 50_000


@dataclass
class FeatureTable:
    """The model's input as an Arrow table, with who is new and who is whose (no per-record dicts kept)."""

    table: Any
    new_ids: list[int]
    child_of: dict[int, Any]
    identifiers: dict[int, tuple[str | None, ...]]  # new record -> (NHS number, UPN, sex)


def rare_spellings(table: Any) -> set[int]:
    """Records whose given name is spelled that way by very few records in the table (typos)."""
    import pyarrow.compute as pc

    counts = table.group_by("given_norm").aggregate([("unique_id", "count")])
    rare = counts.filter(pc.less(counts["unique_id_count"], rare_spelling_limit(len(table))))["given_norm"]
    found = table.filter(pc.is_in(table["given_norm"], value_set=rare.drop_null()))
    return set(found["unique_id"].to_pylist())


def spellings_of(table: Any, rare: set[int], pairs: list[Any]) -> dict[int, str]:
    """The given names of the rare spellings' records and of the records paired with them: the
    decisions compare the two spellings (a letter added at the end), and only there."""
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = set(rare)
    for pair in pairs:
        left, right = int(pair["unique_id_l"]), int(pair["unique_id_r"])
        if left in rare or right in rare:
            wanted.update((left, right))
    found = table.filter(pc.is_in(table["unique_id"], value_set=pa.array(sorted(wanted), type=pa.int64())))
    return {
        rid: name
        for rid, name in zip(found["unique_id"].to_pylist(), found["given_norm"].to_pylist(), strict=True)
        if name
    }


@dataclass(frozen=True)
class LearnedNames:
    """What every matchable record teaches of given names (``features.names_learned``): the forms names
    gain (``features.nickname_forms_learned``), the same for training and for matching whatever the
    sample, and the births that show one child with two names (``decide``'s ``one_child``)."""

    nicknames: dict[str, frozenset[str]]
    one_child: OneChildBirths


def raw_rows(values: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset as the database driver gives them, in chunks.

    Django's own iteration calls its converters value by value (a no-op for text and for dates the
    driver has parsed already) and builds its rows in Python: a third of the time of reading a
    national feed's records for the model. Dates come as the driver gives them (``datetime.date``;
    the features take ISO text too), a UUID as text on SQLite (``_uuid_of``). The same SQL as the
    queryset's, so the same rows in the same order; a server-side cursor on PostgreSQL, as Django's
    ``iterator`` uses, so a national table is never held whole.
    """
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:
        return  # no complete delivery (``delivery_id IN ()``): Django compiles no SQL for a query that finds nothing
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _read_as_text(fields: tuple[str, ...]) -> tuple[Any, ...]:
    """``fields`` for ``values_list``, the date of birth as its ISO text on SQLite (which stores it so): its
    driver would otherwise parse every date in Python, only for the features to write it out again."""
    if connection.vendor != "sqlite":
        return fields
    return tuple(Cast(name, TextField()) if name == "date_of_birth" else name for name in fields)


def _uuid_of(value: Any) -> Any:
    """A UUID column's raw value (32 hex digits on SQLite) as Django gives it."""
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(value)


def learned_names() -> LearnedNames:
    """``LearnedNames`` of every matchable record, read once."""
    fields = _read_as_text((*NameEvidence._fields[:-2], "source_id", "id"))
    records = raw_rows(matchable_records().values_list(*fields))
    nicknames, one_child = names_learned(NameEvidence(*record) for record in records)
    return LearnedNames(nickname_forms_learned(nicknames), one_child)


def feature_table(ids: list[int] | None = None, learned: LearnedNames | None = None) -> FeatureTable:
    """Every staged record not waiting for review (or those in ``ids``), read in chunks into Arrow.

    Memory stays bounded at national volumes: each chunk of feature dicts becomes a compact
    Arrow batch at once; only the new records' identifiers are kept in Python. ``learned``: the names
    learned from every matchable record, if the caller has read them already.
    """
    import pyarrow as pa

    merged = merged_children()
    nicknames = (learned or learned_names()).nicknames
    batches = []
    chunk: list[dict[str, Any]] = []
    new_ids: list[int] = []
    child_of: dict[int, Any] = {}
    identifiers: dict[int, tuple[str | None, ...]] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        records = matchable_records().filter(in_review=False).values_list(*_read_as_text((*FEATURE_FIELDS, "child_id")))
        if ids is None:
            yield from raw_rows(records)
            return
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 5000):  # SQLite takes a limited number of parameters
            yield from raw_rows(records.filter(pk__in=wanted[start : start + 5000]))

    for values in rows():
        data = dict(zip(FEATURE_FIELDS, values[:-1], strict=True))
        rid, child_id = data.pop("id"), _uuid_of(values[-1])
        row = with_learned_nicknames(features(unique_id=rid, is_new=child_id is None, **data), nicknames)
        chunk.append(row)
        if child_id is None:
            new_ids.append(rid)
            identifiers[rid] = (row["nhs"], row["upn"], row["sex"])
        else:
            child_of[rid] = survivor_of(child_id, merged)
        if len(chunk) >= FEATURE_CHUNK:
            batches.append(splink_model.feature_batch(chunk))
            chunk = []
    if chunk:
        batches.append(splink_model.feature_batch(chunk))
    table = pa.Table.from_batches(batches, schema=splink_model.feature_schema())
    return FeatureTable(table, new_ids, child_of, identifiers)


@dataclass
class ScoredSample:
    """The training sample as the threshold estimation scored it (every record new), kept for ``match_run``.

    When the sample is every matchable record (at most ``TRAINING_SAMPLE``, on a first run), the
    match would score the very same table with the very same model again: ``match_run`` takes
    these pairs instead, cut at its lower threshold exactly as Splink cuts (on the match weight).
    """

    table: Any  # the Arrow feature table scored, ``is_new`` true on every row
    settings: dict[str, Any]
    threshold: float  # the match probability the pairs were scored down to
    pairs: list[Any]

    def pairs_for(self, table: Any, settings: dict[str, Any], threshold: float) -> list[Any] | None:
        """The pairs ``predict(table, settings, threshold=threshold)`` gives, or ``None`` if they cannot be reused."""
        from splink.internals.misc import prob_to_match_weight

        if (
            self.table is None
            or threshold < self.threshold
            or threshold <= 0
            or settings != self.settings
            or not table.equals(self.table)
        ):
            return None
        # Splink keeps a pair whose match weight is at least the threshold's (``threshold_args_to_match_weight``).
        weight = prob_to_match_weight(threshold)
        return [pair for pair in self.pairs if pair["match_weight"] >= weight]

    def release(self) -> None:
        """Drop the table and pairs (the caller may still hold the sample): their memory is freed."""
        self.table, self.pairs = None, []


def sample_features(sample: ScoredSample) -> FeatureTable | None:
    """The sample's own feature table when the records to match are exactly its records, all new (as
    on a first run, when training read every record): no second reading of the records.

    Features come only from columns an import writes once; the ids, in the order ``feature_table``
    reads them (the model's ordering), and the absence of any link are checked. ``None`` otherwise.
    """
    if sample.table is None:
        return None
    rows = list(matchable_records().filter(in_review=False).values_list("id", "child_id"))
    if any(child_id is not None for _rid, child_id in rows):
        return None
    ids = [rid for rid, _child_id in rows]
    if ids != sample.table.column("unique_id").to_pylist():
        return None
    columns = [sample.table.column(name).to_pylist() for name in ("nhs", "upn", "sex")]
    identifiers: dict[int, tuple[str | None, ...]] = {
        rid: (nhs, upn, sex) for rid, nhs, upn, sex in zip(ids, *columns, strict=True)
    }
    return FeatureTable(sample.table, ids, {}, identifiers)


def feature_rows() -> tuple[list[dict[str, Any]], list[int], dict[int, Any]]:
    """The model's input as feature dicts (small runs and tests); see ``feature_table``."""
    found = feature_table()
    return found.table.to_pylist(), found.new_ids, found.child_of


# What the index update reads of a staged record: survivorship (``index_bridge.survivorship_values``: names,
# address, identifiers, sex, organisations, parents, and the rank by source, delivery and line), whether it is
# still unlinked, and its involvement columns and warnings (``index_involvements_from_records``).
LIGHT_FIELDS = (
    "id",
    "source_id",
    "delivery_id",
    "line_number",
    "child_id",
    # The feed's own columns, but the source's record id and a previous family name.
    *(column for column in FEED_COLUMNS if column not in ("source_record_id", "previous_family_name")),
    "involvement",
    "warnings",
)


def _json_reader() -> Callable[[Any], Any]:
    """A JSON column's value as read raw (text; already decoded on a driver that decodes it), decoded.

    The empty object and list, which nearly every staged record holds, are made without a parse.
    """
    import json

    def read(value: Any) -> Any:
        if value == "{}":
            return {}
        if value == "[]":
            return []
        return json.loads(value) if isinstance(value, str | bytes) else value

    return read


def light_records(ids: list[int]) -> dict[int, Any]:
    """Staged records by id as plain attribute objects (with ``source`` and ``delivery``), for survivorship.

    Only the columns the index update uses (``LIGHT_FIELDS``), read raw through a cursor in plain SQL:
    building a model per record, Django's converters value by value, or even its ``pk__in`` adapting
    the ids one by one, cost more than the rest of the index update at national volumes. Dates (text on
    SQLite) are parsed once per distinct date; JSON columns as ``_json_reader`` says.
    """
    import datetime as dt
    import uuid
    from types import SimpleNamespace

    sources = {s.pk: s for s in FeedSource.objects.all()}
    deliveries: dict[int, FeedDelivery] = {}
    dates: dict[Any, dt.date | None] = {None: None}
    read_json = _json_reader()
    # The columns' places in a row, read once: each record's own few conversions go by place, not by name.
    child_at, born_at = LIGHT_FIELDS.index("child_id"), LIGHT_FIELDS.index("date_of_birth")
    involvement_at, warnings_at = LIGHT_FIELDS.index("involvement"), LIGHT_FIELDS.index("warnings")
    out: dict[int, Any] = {}
    for values in rows_where_in(StagedRecord, LIGHT_FIELDS, "id", ids):
        record = SimpleNamespace()
        # Filled through its ``__dict__``: ``SimpleNamespace(**dict(zip(...)))`` builds the same twice.
        attributes = record.__dict__
        attributes.update(zip(LIGHT_FIELDS, values, strict=True))
        attributes["pk"] = pk = values[0]
        child_id = values[child_at]
        if child_id is not None and not isinstance(child_id, uuid.UUID):
            attributes["child_id"] = uuid.UUID(child_id)  # 32 hex digits on SQLite
        born = values[born_at]
        if born not in dates:
            dates[born] = born if isinstance(born, dt.date) else dt.date.fromisoformat(born)
        attributes["date_of_birth"] = dates[born]
        attributes["involvement"] = read_json(values[involvement_at])
        attributes["warnings"] = read_json(values[warnings_at])
        delivery = deliveries.get(record.delivery_id)
        if delivery is None:
            delivery = deliveries[record.delivery_id] = FeedDelivery.objects.get(pk=record.delivery_id)
        attributes["source"], attributes["delivery"] = sources[record.source_id], delivery
        out[pk] = record
    return out


def _plan_of(decisions: Any) -> dict[str, Any]:
    """Decisions as plain JSON values (child ids as text, pairs as their numbers)."""

    def pair_data(pair: Any) -> dict[str, Any]:
        return {
            k: (float(v) if k.startswith("match_") else v)
            for k, v in pair.items()
            if k.startswith("gamma_") or k in ("match_weight", "match_probability")
        }

    scored = {rid for ids in decisions.link.values() for rid in ids} | {r for g in decisions.new_children for r in g}
    return {
        "link": [[str(child_id), ids] for child_id, ids in decisions.link.items()],
        "new": decisions.new_children,
        "review": [[rid, other, pair_data(pair)] for rid, other, pair in decisions.review],
        "scores": [[rid, *decisions.scores[rid]] for rid in sorted(scored) if rid in decisions.scores],
    }


def _create_new_children(
    *,
    actor: Actor,
    run: MatchRun,
    groups: list[list[int]],
    scores: dict[int, tuple[Any, Any]],
    summary: MatchSummary,
    say: Callable[[str], None],
    chunk_size: int,
) -> None:
    """The plan's new children from where the run got to, ``chunk_size`` per transaction with its progress.

    Runs with the cyclic garbage collector paused (``cyclic_gc_paused``): a chunk's records, rows and
    children are all alive until it commits, and collections walking them cost CPU and free nothing.
    """
    with cyclic_gc_paused():
        for start in range(run.new_children_done, len(groups), chunk_size):
            chunk = groups[start : start + chunk_size]
            records_by_id = light_records([rid for group in chunk for rid in group])
            todo = [[records_by_id[rid] for rid in group if records_by_id[rid].child_id is None] for group in chunk]
            todo = [group for group in todo if group]
            with transaction.atomic():
                created = records_to_new_children(
                    actor=actor,
                    groups=todo,
                    scores={r.pk: scores.get(r.pk, (None, None)) for group in todo for r in group},
                    model_version=run.model_version,
                )
                match_run_advance(run=run, new_children_done=start + len(chunk))
            for group, child in zip(todo, created, strict=True):
                if child is None:
                    summary.held += len(group)
                else:
                    summary.new_children += 1
                    summary.records_in_new_children += len(group)
            say(f"created {summary.new_children} of {len(groups)} new children")


def _apply_plan(
    *,
    actor: Actor,
    model: MatchModel,
    run: MatchRun,
    summary: MatchSummary,
    say: Callable[[str], None],
    chunk_size: int,
) -> None:
    """Apply a saved plan from where it got to: each step commits with its progress, so a re-run skips it."""
    plan = match_run_plan(run)
    scores = {int(rid): (weight, probability) for rid, weight, probability in plan["scores"]}
    links = plan["link"]
    for number in range(run.links_done, len(links)):
        child_id, ids = links[number]
        records = list(StagedRecord.objects.filter(pk__in=ids, child__isnull=True))
        with transaction.atomic():
            if records:
                records_link(
                    actor=actor,
                    child=surviving_child(Child.objects.get(pk=child_id)),
                    records=records,
                    method=LinkMethod.MODEL,
                    scores={r.pk: scores.get(r.pk, (None, None)) for r in records},
                    model_version=run.model_version,
                )
            match_run_advance(run=run, links_done=number + 1)
        summary.model_linked += len(records)
    say(f"linked {summary.model_linked} records to existing children")
    groups = plan["new"]
    pending = len(groups) - run.new_children_done
    first_load = bulk_rebuild_worthwhile(new_children=pending)
    # A first load: one transaction whose secondary indexes are built once at the end (see
    # ``bulk_rebuild_worthwhile``). A crash rolls the whole step back, and the re-run redoes it.
    with ExitStack() as first_load_transaction:
        if first_load:
            say(f"putting {pending} new children on the index in one transaction, its indexes built at the end")
            first_load_transaction.enter_context(transaction.atomic())
            first_load_transaction.enter_context(secondary_indexes_rebuilt_after(INDEX_UPDATE_TABLES))
        _create_new_children(
            actor=actor, run=run, groups=groups, scores=scores, summary=summary, say=say, chunk_size=chunk_size
        )
        if first_load:
            say("building the index tables' indexes")
    if not run.review_done:
        waiting = set(
            StagedRecord.objects.filter(pk__in=[rid for rid, _c, _p in plan["review"]], child__isnull=True).values_list(
                "pk", flat=True
            )
        )
        items = [(rid, other, pair) for rid, other, pair in plan["review"] if rid in waiting]
        with transaction.atomic():
            summary.review += review_items_create(actor=actor, items=items, model_version=run.model_version)
            match_run_advance(run=run, review_done=True)
    match_run_finish(actor=actor, run=run, summary=dataclasses.asdict(summary))


ENGINES = ("duckdb", "spark")


def score_pairs(table: Any, model: MatchModel, *, engine: str, sample: ScoredSample | None = None) -> list[Any]:
    """The model's pairs at or above its lower threshold, scored on DuckDB or on Spark (same decisions).

    ``sample``: the training sample's pairs, reused when the sample is this very table (``ScoredSample``).
    """
    if sample is not None:
        reused = sample.pairs_for(table, model.settings, model.lower_threshold)
        if reused is not None:
            return reused
    if engine == "duckdb":
        return splink_model.predict(table, model.settings, threshold=model.lower_threshold)
    if engine != "spark":
        raise ValueError(f"Unknown linkage engine {engine!r}: use one of {', '.join(ENGINES)}.")
    from ecm.linkage.matching import spark as spark_model

    session = spark_model.local_session(master=settings.ECM_SPARK_MASTER)
    try:
        return spark_model.predict(table, model.settings, threshold=model.lower_threshold, spark=session)
    finally:
        session.stop()


def _queued(review: list[tuple[int, int, Any]], upper: float) -> Iterator[tuple[float, bool]]:
    """Each queued pair's probability, and whether only the band sent it (``lower_within_budget``)."""
    for _record, _candidate, pair in review:
        probability = float(pair["match_probability"])
        yield probability, probability < upper and not is_identifier_pair(pair)


def match_run(
    *,
    actor: Actor,
    model: MatchModel,
    progress: Callable[[str], None] | None = None,
    chunk_size: int = NEW_CHILDREN_PER_TRANSACTION,
    engine: str | None = None,
    sample: ScoredSample | None = None,
    learned: LearnedNames | None = None,
) -> MatchSummary:
    """Link every unlinked record (see the module's docstring); returns the counts.

    A run that stopped part-way is first finished from its saved plan. The decisions of a
    new run are saved (``MatchRun``) before any is applied, then applied in steps that each
    commit with their progress: a crash and a re-run give exactly what one clean run gives,
    and a record decided (linked, or sent to review) is never decided again.
    ``engine``: where the model scores pairs, ``duckdb`` or ``spark`` (default the
    ``ECM_LINKAGE_ENGINE`` setting). ``sample``: what training scored (``match_model_train_scoring``),
    reused instead of scoring the same records again when they are exactly the records to match.
    ``learned``: the names learned from every matchable record (``learned_names``), if the caller has
    read them already; they do not change as records are linked or queued, only as deliveries arrive.
    """
    engine = engine or settings.ECM_LINKAGE_ENGINE
    if engine not in ENGINES:
        raise ValueError(f"Unknown linkage engine {engine!r}: use one of {', '.join(ENGINES)}.")
    say = progress or (lambda _message: None)
    summary = MatchSummary()
    for unfinished in MatchRun.objects.filter(finished_at__isnull=True).order_by("started_at"):
        say(f"finishing match run {unfinished.pk}, stopped part-way")
        _apply_plan(actor=actor, model=model, run=unfinished, summary=summary, say=say, chunk_size=chunk_size)
    _link_by_known_keys(actor=actor, model=model, summary=summary)
    say(f"linked by source record id {summary.same_source_record}, by identifier {summary.identifier}")
    learned = learned or learned_names()
    found = (sample_features(sample) if sample is not None else None) or feature_table(learned=learned)
    if not found.new_ids:
        return summary
    pairs = score_pairs(found.table, model, engine=engine, sample=sample)
    if sample is not None:
        sample.release()
    rare = rare_spellings(found.table)
    spellings = spellings_of(found.table, rare, pairs)
    del found.table
    summary.pairs_scored = len(pairs)
    say(f"scored {len(pairs)} pairs on {engine} for {len(found.new_ids)} new records")
    deciding: dict[str, Any] = {
        "new_ids": found.new_ids,
        "child_of": found.child_of,
        "pairs": pairs,
        "upper": model.upper_threshold,
        "identifiers": found.identifiers,
        "exact_levels": exact_levels_of(model.settings),
        "rare_spellings": rare,
        "spellings": spellings,
        "one_child": learned.one_child,
    }
    decisions = decide(**deciding, lower=model.lower_threshold)
    budget = review_budget(len(found.new_ids), minimum=settings.ECM_LINKAGE_REVIEW_MINIMUM)
    lower = lower_within_budget(
        _queued(decisions.review, model.upper_threshold),
        upper=model.upper_threshold,
        lower=model.lower_threshold,
        budget=budget,
    )
    if lower > model.lower_threshold:
        say(
            f"{len(decisions.review)} pairs for review, more than the budget of {budget}: "
            f"deciding again with the lower threshold raised to {lower:.6f}"
        )
        decisions = decide(**deciding, lower=lower)
    del pairs, rare, spellings, deciding
    say(
        f"decided: {sum(len(v) for v in decisions.link.values())} records to existing children, "
        f"{len(decisions.new_children)} new children, {len(decisions.review)} pairs for review"
    )
    run = match_run_open(actor=actor, model=model, plan=_plan_of(decisions), records=len(found.new_ids), lower=lower)
    del decisions, found
    _apply_plan(actor=actor, model=model, run=run, summary=summary, say=say, chunk_size=chunk_size)
    return summary

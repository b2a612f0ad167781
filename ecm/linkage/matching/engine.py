"""``match_run``: link every unlinked staged record to an index child, or queue it for review.

1. A record whose source already sent the same ``source_record_id`` joins that record's child.
2. A record sharing an NHS number or UPN with exactly one index child links to it directly.
3. The rest are scored by the Splink model against every linked record and each other,
   and decided by ``ecm.linkage.matching.decide``. New children are created, and
   survivorship applied, through ``ecm.linkage.index_bridge`` (index services).
Each child's links commit in their own transaction, so an interrupted run can be re-run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecm.index.models import Child
from ecm.linkage.choices import LinkMethod
from ecm.linkage.matching import model as splink_model
from ecm.linkage.matching.decide import decide, exact_levels_of
from ecm.linkage.matching.features import features
from ecm.linkage.models import MatchModel, StagedRecord
from ecm.linkage.services import records_link, records_to_new_children, review_items_create

NEW_CHILDREN_PER_TRANSACTION = 250
FEATURE_FIELDS = (
    "id",
    "given_name",
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


def _survivor_ids() -> dict[Any, Any]:
    return dict(Child.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))


def _resolve(child_id: Any, merged: dict[Any, Any]) -> Any:
    seen = set()
    while child_id in merged and child_id not in seen:
        seen.add(child_id)
        child_id = merged[child_id]
    return child_id


def _link_by_known_keys(*, actor: Any, model: MatchModel, summary: MatchSummary) -> None:
    merged = _survivor_ids()
    linked = StagedRecord.objects.filter(child__isnull=False)
    by_source_id = {
        (s, i): _resolve(c, merged) for s, i, c in linked.values_list("source_id", "source_record_id", "child_id")
    }
    by_nhs: dict[str, set[Any]] = defaultdict(set)
    by_upn: dict[str, set[Any]] = defaultdict(set)
    for nhs, upn, child_id in linked.values_list("nhs_number", "upn", "child_id"):
        if nhs:
            by_nhs[nhs].add(_resolve(child_id, merged))
        if upn:
            by_upn[upn].add(_resolve(child_id, merged))
    for nhs, upn, child_id in Child.objects.filter(merged_into__isnull=True).values_list(
        "nhs_number", "unique_pupil_number", "pk"
    ):
        if nhs:
            by_nhs[nhs].add(child_id)
        if upn:
            by_upn[upn].add(child_id)
    plan: dict[tuple[Any, str], list[int]] = defaultdict(list)
    unlinked = StagedRecord.objects.filter(child__isnull=True, in_review=False)
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


def feature_rows() -> tuple[list[dict[str, Any]], list[int], dict[int, Any]]:
    """The model's input: every staged record not waiting for review, with who is new and who is whose."""
    merged = _survivor_ids()
    rows: list[dict[str, Any]] = []
    new_ids: list[int] = []
    child_of: dict[int, Any] = {}
    records = StagedRecord.objects.filter(in_review=False).values_list(*FEATURE_FIELDS, "child_id")
    for values in records.iterator(chunk_size=5000):
        data = dict(zip(FEATURE_FIELDS, values[:-1], strict=True))
        rid, child_id = data.pop("id"), values[-1]
        rows.append(features(unique_id=rid, is_new=child_id is None, **data))
        if child_id is None:
            new_ids.append(rid)
        else:
            child_of[rid] = _resolve(child_id, merged)
    return rows, new_ids, child_of


def match_run(*, actor: Any, model: MatchModel, progress: Callable[[str], None] | None = None) -> MatchSummary:
    """Link every unlinked record (see the module's docstring); returns the counts."""
    say = progress or (lambda _message: None)
    summary = MatchSummary()
    _link_by_known_keys(actor=actor, model=model, summary=summary)
    say(f"linked by source record id {summary.same_source_record}, by identifier {summary.identifier}")
    rows, new_ids, child_of = feature_rows()
    if not new_ids:
        return summary
    pairs = splink_model.predict(rows, model.settings, threshold=model.lower_threshold)
    identifiers = {r["unique_id"]: (r["nhs"], r["upn"]) for r in rows if r["is_new"]}
    del rows
    summary.pairs_scored = len(pairs)
    say(f"scored {len(pairs)} pairs for {len(new_ids)} new records")
    decisions = decide(
        new_ids=new_ids,
        child_of=child_of,
        pairs=pairs,
        upper=model.upper_threshold,
        lower=model.lower_threshold,
        identifiers=identifiers,
        exact_levels=exact_levels_of(model.settings),
    )
    del pairs
    say(
        f"decided: {sum(len(v) for v in decisions.link.values())} records to existing children, "
        f"{len(decisions.new_children)} new children, {len(decisions.review)} pairs for review"
    )
    for child_id, ids in decisions.link.items():
        records_link(
            actor=actor,
            child=Child.objects.get(pk=child_id),
            records=list(StagedRecord.objects.filter(pk__in=ids)),
            method=LinkMethod.MODEL,
            scores={rid: decisions.scores.get(rid, (None, None)) for rid in ids},
            model_version=model.version,
        )
        summary.model_linked += len(ids)
    say(f"linked {summary.model_linked} records to existing children")
    groups = decisions.new_children
    for start in range(0, len(groups), NEW_CHILDREN_PER_TRANSACTION):
        chunk = groups[start : start + NEW_CHILDREN_PER_TRANSACTION]
        records_by_id = StagedRecord.objects.select_related("source", "delivery").in_bulk(
            [rid for group in chunk for rid in group]
        )
        created = records_to_new_children(
            actor=actor,
            groups=[[records_by_id[rid] for rid in group] for group in chunk],
            scores={rid: decisions.scores.get(rid, (None, None)) for group in chunk for rid in group},
            model_version=model.version,
        )
        for group, child in zip(chunk, created, strict=True):
            if child is None:
                summary.held += len(group)
            else:
                summary.new_children += 1
                summary.records_in_new_children += len(group)
        say(f"created {summary.new_children} of {len(groups)} new children")
    summary.review = review_items_create(actor=actor, items=decisions.review, model_version=model.version)
    return summary

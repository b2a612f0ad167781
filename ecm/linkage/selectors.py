"""Reads of record linkage: deliveries, quarantine, the review queue, a child's sources, the model check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, QuerySet

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.linkage.choices import DeliveryStatus, ReviewStatus
from ecm.linkage.models import (
    FeedDelivery,
    FeedSource,
    MatchModel,
    MatchRun,
    QuarantinedRow,
    ReviewItem,
    StagedRecord,
)


def merged_children() -> dict[Any, Any]:
    """Each merged child's id -> the id of the child it was merged into (for ``survivor_of``)."""
    return dict(Child.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))


def survivor_of(child_id: Any, merged: dict[Any, Any]) -> Any:
    """The child ``child_id`` now is: merges followed to the survivor (``merged`` from ``merged_children``)."""
    seen = set()
    while child_id in merged and child_id not in seen:
        seen.add(child_id)
        child_id = merged[child_id]
    return child_id


def links_for_export() -> Iterator[tuple[str, str, str]]:
    """``(source, source_record_id, child_id)`` for every staged record; a merged child answers with its survivor."""
    merged = merged_children()
    records = StagedRecord.objects.order_by("source__name", "source_record_id", "delivery_id", "line_number")
    for source, record_id, child_id in records.values_list("source__name", "source_record_id", "child_id").iterator(
        chunk_size=10000
    ):
        child_id = survivor_of(child_id, merged)
        yield source, record_id, str(child_id) if child_id else ""


def sources_with_counts() -> QuerySet[FeedSource]:
    """The configured sources, most trusted first, with their delivery counts."""
    return FeedSource.objects.annotate(delivery_count=Count("deliveries"))


def deliveries(*, limit: int = 50) -> QuerySet[FeedDelivery]:
    """The latest deliveries, newest first."""
    return FeedDelivery.objects.select_related("source").order_by("-started_at")[:limit]


def delivery_stalled(delivery: FeedDelivery) -> bool:
    """Did this delivery stop part-way (marked so, or "importing" with its process gone)?"""
    from ecm.linkage.services import worker_alive

    if delivery.status == DeliveryStatus.STOPPED:
        return True
    return delivery.status == DeliveryStatus.IN_PROGRESS and not worker_alive(delivery)


def quarantine_for(delivery: FeedDelivery) -> QuerySet[QuarantinedRow]:
    """A delivery's quarantined rows, by line."""
    return delivery.quarantined.order_by("line_number")


def set_aside_for(delivery: FeedDelivery) -> QuerySet[StagedRecord]:
    """A delivery's staged rows that had values set aside (with the warnings)."""
    return delivery.records.exclude(warnings=[]).order_by("line_number")


def review_queue() -> QuerySet[ReviewItem]:
    """Pairs waiting for a decision (pending first, then deferred), most likely matches first.

    A pair whose record an earlier decision linked still waits while the candidate is outside that
    child: the record was scored against both, so the two may be one child (``review_decide``).
    """
    from django.db.models import F, Q

    waiting = ReviewItem.objects.filter(status__in=(ReviewStatus.PENDING, ReviewStatus.DEFERRED))
    return (
        waiting.filter(
            Q(record__child__isnull=True) | Q(candidate__child__isnull=True) | ~Q(candidate__child=F("record__child"))
        )
        .exclude(pk__in=_pairs_in_one_child_through_merges(waiting))
        .select_related("record__source", "candidate__source", "candidate__child")
        .order_by("-status", "-match_probability", "created_at")
    )


def _pairs_in_one_child_through_merges(waiting: QuerySet[ReviewItem]) -> list[int]:
    """The waiting pairs whose two records' children are one surviving child through merges.

    Merges chain (Dean into Daniel, then Daniel into Dion) and meet (both into Daniel), so each
    child is followed to its survivor here rather than through a fixed number of joins. Only pairs
    with a merged child on either side are read: a few, beside a queue of thousands.
    """
    from django.db.models import Q

    merged = merged_children()
    if not merged:
        return []
    touched = waiting.filter(record__child__isnull=False, candidate__child__isnull=False).filter(
        Q(record__child__merged_into__isnull=False) | Q(candidate__child__merged_into__isnull=False)
    )
    return [
        pk
        for pk, record_child, candidate_child in touched.values_list("pk", "record__child", "candidate__child")
        if survivor_of(record_child, merged) == survivor_of(candidate_child, merged)
    ]


def current_model() -> MatchModel | None:
    """The newest model version."""
    return MatchModel.objects.first()


def latest_match_run() -> MatchRun | None:
    """The newest ``match`` run (the lower threshold it decided with, which the review budget may raise)."""
    return MatchRun.objects.defer("plan").first()


def model_check() -> dict[str, Any]:
    """Clerical decisions used as labels: how often the model's band agreed with the reviewers.

    Every reviewed pair sat between the thresholds; the check reports, per model version,
    how many were links and how many not, and the mean probability of each: a model whose
    'not a match' pairs score as high as its links needs retraining or new thresholds.
    """
    decided = ReviewItem.objects.filter(status__in=(ReviewStatus.LINKED, ReviewStatus.NOT_A_MATCH))
    out: dict[str, Any] = {}
    for version in decided.values_list("model_version", flat=True).distinct():
        items = decided.filter(model_version=version)
        links = [p for s, p in items.values_list("status", "match_probability") if s == ReviewStatus.LINKED]
        nots = [p for s, p in items.values_list("status", "match_probability") if s == ReviewStatus.NOT_A_MATCH]
        out[version] = {
            "links": len(links),
            "not_a_match": len(nots),
            "mean_probability_links": sum(links) / len(links) if links else None,
            "mean_probability_not_a_match": sum(nots) / len(nots) if nots else None,
            "link_rate": len(links) / (len(links) + len(nots)),
        }
    return out


# Thresholds suggested from reviewers' decisions: the upper so that pairs at or above it were
# links at least this often, the lower so that at most this share of links fell below it.
SUGGEST_PRECISION = 0.999
SUGGEST_RECALL_LOSS = 0.0025
SUGGEST_MIN_DECISIONS = 50


def thresholds_from_decisions(*, upper: float, lower: float) -> dict[str, Any] | None:
    """New thresholds from clerical decisions (links and "not a match"), or ``None`` with too few decisions.

    Every decided pair is a label at its probability. Upper: the lowest probability above which
    decided pairs were links at least ``SUGGEST_PRECISION`` of the time (never above the current
    upper: the band only narrows from above when reviewers keep confirming its top).
    Lower: the highest probability below which at most ``SUGGEST_RECALL_LOSS`` of the links lie
    (never below the current lower).
    """
    decided = list(
        ReviewItem.objects.filter(status__in=(ReviewStatus.LINKED, ReviewStatus.NOT_A_MATCH)).values_list(
            "match_probability", "status"
        )
    )
    if len(decided) < SUGGEST_MIN_DECISIONS:
        return None
    decided.sort(reverse=True)
    new_upper = upper
    links = 0
    for total, (probability, status) in enumerate(decided, start=1):
        links += status == ReviewStatus.LINKED
        if links / total >= SUGGEST_PRECISION and total >= SUGGEST_MIN_DECISIONS // 2:
            new_upper = min(new_upper, probability)
    all_links = sum(1 for _p, s in decided if s == ReviewStatus.LINKED)
    new_lower = lower
    below = 0
    for probability, status in sorted(decided):
        if status == ReviewStatus.LINKED:
            below += 1
            if all_links and below / all_links > SUGGEST_RECALL_LOSS:
                new_lower = max(lower, min(probability, new_upper))
                break
    return {"upper": new_upper, "lower": min(new_lower, new_upper), "decisions": len(decided), "links": all_links}


def review_item_clusters(item: ReviewItem) -> dict[str, list[StagedRecord]]:
    """The other records of each side's child and the record's other candidates.

    The record has a child of its own only when an earlier decision linked it through another pair.
    """

    def cluster(child_id: Any, but: int) -> list[StagedRecord]:
        if not child_id:
            return []
        records = StagedRecord.objects.filter(child_id=child_id).exclude(pk=but).select_related("source")
        return list(records.order_by("source__trust_rank", "line_number")[:20])

    others = list(
        StagedRecord.objects.filter(
            candidate_in_reviews__record_id=item.record_id,
            candidate_in_reviews__status__in=(ReviewStatus.PENDING, ReviewStatus.DEFERRED),
        )
        .exclude(pk=item.candidate_id)
        .select_related("source")[:20]
    )
    return {
        "candidate_cluster": cluster(item.candidate.child_id, item.candidate_id),
        "record_cluster": cluster(item.record.child_id, item.record_id),
        "other_candidates": others,
    }


def review_item_fields(item: ReviewItem) -> list[dict[str, Any]]:
    """The two records side by side, field by field, each marked as agreeing, differing or missing."""
    rows = []
    for field, label in REVIEW_FIELDS:
        left, right = getattr(item.record, field), getattr(item.candidate, field)
        left_text, right_text = str(left or ""), str(right or "")
        if not left_text or not right_text:
            state = "missing"
        elif left_text.casefold() == right_text.casefold():
            state = "agree"
        else:
            state = "differ"
        rows.append({"label": label, "left": left_text, "right": right_text, "state": state})
    return rows


REVIEW_FIELDS = (
    ("given_name", "Given name"),
    ("middle_names", "Middle names"),
    ("family_name", "Family name"),
    ("previous_family_name", "Previous family name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("address_line_1", "Address"),
    ("town", "Town"),
    ("postcode", "Postcode"),
    ("nhs_number", "NHS number"),
    ("upn", "Unique pupil number"),
    ("parent_1_name", "Parent"),
    ("parent_2_name", "Second parent"),
)


def unlinked_count() -> int:
    """Staged records not yet linked and not waiting for review."""
    return StagedRecord.objects.filter(
        child__isnull=True, in_review=False, delivery__status=DeliveryStatus.COMPLETE
    ).count()


def review_counts() -> dict[str, int]:
    """How many pairs wait, by status."""
    rows = ReviewItem.objects.values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows} | {"waiting": review_queue().count()}


SHIELD_MASKED = {"address_line_1", "town", "postcode", "parent_1_name", "parent_2_name"}


_IDENTIFIERS = (("nhs_number", "NHS number"), ("upn", "unique pupil number (UPN)"))


def review_item_identifier_conflict(*, record: StagedRecord, candidate: StagedRecord) -> str | None:
    """Why ``record`` may not join ``candidate``'s child (or ``candidate``, without one), or ``None``.

    Different NHS numbers or UPNs are different children (docs/linkage.md, rule 8): the record's
    own must not differ from one the child's records (or the candidate) hold. Numbers failing their
    check character were set aside at import, so only real numbers are compared.
    """
    from ecm.linkage.index_bridge import child_records, surviving_child

    joining = child_records(surviving_child(candidate.child)) if candidate.child is not None else [candidate]
    # A record already linked by an earlier decision brings its whole child to the pair.
    own = child_records(surviving_child(record.child)) if record.child is not None else [record]
    for field, label in _IDENTIFIERS:
        mine = {getattr(other, field) for other in own} - {""}
        theirs = {getattr(other, field) for other in joining} - {""}
        if mine and theirs and not mine & theirs:
            whose = "child it would join" if candidate.child is not None else "other record"
            return (
                f"This record's {label} is different from the {label} of the {whose}, so they are different "
                'children. Choose "Not a match: different children", or "Defer: decide later" and have the '
                "wrong number corrected at its source first."
            )
    return None


def review_item_open(*, actor: Actor, item: ReviewItem) -> list[dict[str, Any]]:
    """The pair side by side for a reviewer, audited; whereabouts hidden when either side's child is shielded."""
    from django.db import transaction

    from ecm.audit.services import audit_record
    from ecm.index.visibility import child_visibility

    # Either side's child: a record linked by an earlier decision belongs to one too.
    children = [child for child in (item.candidate.child, item.record.child) if child is not None]
    shielded = any(not child_visibility(actor, child).shows_whereabouts for child in children)
    rows = review_item_fields(item)
    for row, (field, _label) in zip(rows, REVIEW_FIELDS, strict=True):
        if shielded and field in SHIELD_MASKED:
            row.update(left="Shielded", right="Shielded", state="missing")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="linkage.review_item_viewed",
            target=item,
            data={"record": item.record_id, "candidate": item.candidate_id, "shielded": shielded},
        )
    return rows


def child_sources_open(*, actor: Actor, child: Child) -> dict[str, Any]:
    """A child's staged records by source (most trusted first), name and address history, and merges; audited."""
    from django.db import transaction

    from ecm.audit.services import audit_record
    from ecm.linkage.models import MergeRecord

    ids = [child.pk, *Child.objects.filter(merged_into=child).values_list("pk", flat=True)]
    records = (
        StagedRecord.objects.filter(child_id__in=ids)
        .select_related("source", "delivery")
        .order_by("source__trust_rank", "-delivery__started_at", "-line_number")
    )
    with transaction.atomic():
        audit_record(actor=actor, action="linkage.child_sources_viewed", target=child, data={"child_id": str(child.pk)})
    from ecm.index.visibility import child_visibility

    visibility = child_visibility(actor, child)
    return {
        "records": list(records),
        "names": list(child.names.order_by("-is_current", "-used_from")),
        "addresses": list(child.addresses.order_by("-is_current", "-lived_from")),
        "merges": list(MergeRecord.objects.filter(survivor=child).select_related("duplicate").order_by("-merged_at")),
        "merged_into": child.merged_into,
        "shielded": not visibility.shows_whereabouts,  # the templates hide postcodes and addresses
    }


def child_by_index_number(number: str) -> Child | None:
    """A live (not merged away) child by its index number, spaces ignored."""
    return Child.objects.filter(index_number="".join(number.split()), merged_into__isnull=True).first()

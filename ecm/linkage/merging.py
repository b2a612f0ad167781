"""Merging two index children found to be the same child, and unmerging them, for record linkage.

The merge itself is the index's (``ecm.index.merging``: ``child_merge`` moves every
involvement and the carers, copies names and addresses as history, spreads a shield from
either side to both at once and snapshots both records; ``child_unmerge`` restores both
exactly). Linkage adds what is its own: survivorship re-applied over both children's
staged records (every staged record stays linked to the child it came from, so every
name, address and involvement keeps its source), and a ``MergeRecord`` for its pages.
"""

from __future__ import annotations

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child, ChildMerge
from ecm.index.services import IndexRuleError, child_merge, child_unmerge
from ecm.linkage.index_bridge import index_child_apply_survivorship
from ecm.linkage.models import MergeRecord
from ecm.linkage.services import LinkageRuleError


@transaction.atomic
def children_merge(*, actor: Actor, survivor: Child, duplicate: Child, reason: str) -> MergeRecord:
    """Merge ``duplicate`` into ``survivor`` through the index, then re-apply survivorship."""
    if not reason.strip():
        raise LinkageRuleError("Give the reason for merging these records.")
    if survivor.pk == duplicate.pk or survivor.merged_into_id or duplicate.merged_into_id:
        raise LinkageRuleError("Choose two different records, neither already merged.")
    try:
        index_merge = child_merge(actor=actor, duplicate=duplicate, survivor=survivor, reason=reason)
    except IndexRuleError as error:
        raise LinkageRuleError(str(error)) from error
    survivor.refresh_from_db()
    index_child_apply_survivorship(actor=actor, child=survivor)
    survivor.refresh_from_db()
    merge = MergeRecord.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        reason=reason.strip(),
        merged_by=str(actor)[:150],
        merged_at=clock.now(),
        snapshot={"index_merge_id": str(index_merge.pk)},
    )
    audit_record(
        actor=actor,
        action="linkage.children_merged",
        target=merge,
        reason=merge.reason,
        data={
            "survivor_id": str(survivor.pk),
            "duplicate_id": str(duplicate.pk),
            "index_merge_id": str(index_merge.pk),
            "shielded": survivor.is_shielded,
        },
    )
    return merge


@transaction.atomic
def children_unmerge(*, actor: Actor, merge: MergeRecord, reason: str) -> tuple[Child, Child]:
    """Undo a merge through the index: both children back as they were just before it; ``(survivor, duplicate)``."""
    if not reason.strip():
        raise LinkageRuleError("Give the reason for unmerging these records.")
    if merge.unmerged_at is not None:
        raise LinkageRuleError("This merge has already been undone.")
    index_merge = ChildMerge.objects.get(pk=merge.snapshot["index_merge_id"])
    try:
        survivor, duplicate = child_unmerge(actor=actor, merge=index_merge, reason=reason)
    except IndexRuleError as error:
        raise LinkageRuleError(str(error)) from error
    merge.unmerged_at = clock.now()
    merge.unmerged_by = str(actor)[:150]
    merge.save(update_fields=["unmerged_at", "unmerged_by"])
    audit_record(
        actor=actor,
        action="linkage.children_unmerged",
        target=merge,
        reason=reason.strip(),
        data={
            "survivor_id": str(survivor.pk),
            "duplicate_id": str(duplicate.pk),
            "index_merge_id": str(index_merge.pk),
        },
    )
    return survivor, duplicate

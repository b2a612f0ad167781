"""Merging two index children found to be the same child, and unmerging them exactly.

``children_merge`` calls the index's ``child_merge`` (which moves open involvements and
spreads a shield from either side to both at once), then moves the remaining (ended)
involvements, copies the duplicate's names and addresses to the survivor as history and
re-applies survivorship. Every name, address and involvement keeps its source: the staged
records stay linked to the child they came from, and a merged child's records count for
its survivor. ``children_unmerge`` restores both children from the snapshot taken at the
merge. These services belong in ``ecm.index`` eventually (see docs/linkage.md).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.index.models import Child
from ecm.index.services import child_merge
from ecm.linkage.index_bridge import index_child_apply_survivorship
from ecm.linkage.merge_bridge import (
    index_child_detach,
    index_child_restore,
    index_child_snapshot,
    index_history_copy,
    index_involvements_move,
)
from ecm.linkage.models import MergeRecord
from ecm.linkage.services import LinkageRuleError


@transaction.atomic
def children_merge(*, actor: Any, survivor: Child, duplicate: Child, reason: str) -> MergeRecord:
    """Merge ``duplicate`` into ``survivor``, keeping everything needed to undo it exactly."""
    if not reason.strip():
        raise LinkageRuleError("Give the reason for merging these records.")
    if survivor.pk == duplicate.pk or survivor.merged_into_id or duplicate.merged_into_id:
        raise LinkageRuleError("Choose two different records, neither already merged.")
    snapshot: dict[str, Any] = {
        "survivor": index_child_snapshot(survivor),
        "duplicate": index_child_snapshot(duplicate),
    }
    child_merge(actor=actor, duplicate=duplicate, survivor=survivor, reason=reason)
    moved_ended = index_involvements_move(from_child=duplicate, to_child=survivor)
    snapshot["copied"] = index_history_copy(from_child=duplicate, to_child=survivor)
    survivor.refresh_from_db()
    index_child_apply_survivorship(actor=actor, child=survivor)
    survivor.refresh_from_db()
    snapshot["shield_after_merge"] = survivor.is_shielded
    merge = MergeRecord.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        reason=reason.strip(),
        merged_by=str(actor)[:150],
        merged_at=clock.now(),
        snapshot=snapshot,
    )
    audit_record(
        actor=actor,
        action="linkage.children_merged",
        target=merge,
        reason=merge.reason,
        data={
            "survivor_id": str(survivor.pk),
            "duplicate_id": str(duplicate.pk),
            "ended_involvements_moved": moved_ended,
            "shielded": survivor.is_shielded,
        },
    )
    return merge


@transaction.atomic
def children_unmerge(*, actor: Any, merge: MergeRecord, reason: str) -> tuple[Child, Child]:
    """Undo a merge: both children back as they were just before it; ``(survivor, duplicate)``.

    A shield is put back as it was only if no one has set or lifted a shield since the
    merge; otherwise the shield state of now stays on both (never fewer shields by accident).
    """
    if not reason.strip():
        raise LinkageRuleError("Give the reason for unmerging these records.")
    if merge.unmerged_at is not None:
        raise LinkageRuleError("This merge has already been undone.")
    survivor = Child.objects.select_for_update().get(pk=merge.survivor_id)
    duplicate = Child.objects.select_for_update().get(pk=merge.duplicate_id)
    if duplicate.merged_into_id != survivor.pk or survivor.merged_into_id is not None:
        raise LinkageRuleError("These records have been merged again since; undo the later merge first.")
    snapshot = merge.snapshot
    shield_untouched = survivor.is_shielded == duplicate.is_shielded == snapshot["shield_after_merge"]
    if not shield_untouched:
        Child.objects.filter(pk__in=[survivor.pk, duplicate.pk]).update(is_shielded=survivor.is_shielded)
    index_involvements_move(from_child=survivor, to_child=duplicate, ids=snapshot["duplicate"]["involvements"])
    index_child_restore(child=survivor, snapshot=snapshot["survivor"], restore_shield=shield_untouched)
    index_child_restore(child=duplicate, snapshot=snapshot["duplicate"], restore_shield=shield_untouched)
    index_child_detach(child=duplicate)
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
            "shield_restored": shield_untouched,
        },
    )
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return survivor, duplicate

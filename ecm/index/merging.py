"""Merging two records of the same child, and unmerging them exactly.

``child_merge`` marks the merged record ``merged_into`` the survivor, moves every
involvement (open and ended, each with its flags, sensitive-service category and basis)
and the carers the survivor lacks, copies the merged record's names and addresses onto
the survivor as history, and spreads a shield from either side to both at once. It keeps
a snapshot of both records (``ChildMerge``) from which ``child_unmerge`` puts both back
exactly. Record linkage calls these (``ecm.linkage.merging``); nothing else writes merges.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import SYSTEM_MATCHER, Actor
from ecm.index.models import Carer, Child, ChildAddress, ChildMerge, ChildName, Involvement
from ecm.index.rules import _require, _stamp
from ecm.index.search.keys import normalise_name
from ecm.index.shielding import child_shield_set

# The details unmerge puts back as they were (the shield only if no one has changed it since).
SNAPSHOT_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth",
    "gender",
    "nhs_number",
    "unique_pupil_number",
    "school_id",
    "gp_practice_id",
    "is_shielded",
    "shielded_at",
)


def _json(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return str(value)  # UUID keys of the school and GP practice
    return value


def _snapshot(child: Child) -> dict[str, Any]:
    """Everything unmerge must put back: details, shield, names, addresses, involvement and carer ids."""
    child.refresh_from_db()
    return {
        "fields": {name: _json(getattr(child, name)) for name in SNAPSHOT_FIELDS},
        "names": {str(n.pk): [n.is_current, _json(n.used_until)] for n in child.names.all()},
        "addresses": {str(a.pk): [a.is_current, _json(a.lived_until)] for a in child.addresses.all()},
        "involvements": sorted(str(pk) for pk in child.involvements.values_list("pk", flat=True)),
        "carers": sorted(str(pk) for pk in child.carers.values_list("pk", flat=True)),
    }


def _carer_key(carer: Carer) -> str:
    return normalise_name(f"{carer.given_name} {carer.family_name}")


def _history_copy(*, from_child: Child, to_child: Child) -> dict[str, list[str]]:
    """Copy the merged record's names and addresses onto the survivor as history (not current)."""
    names = ChildName.objects.bulk_create(
        [
            ChildName(
                child=to_child,
                given_name=n.given_name,
                middle_names=n.middle_names,
                family_name=n.family_name,
                given_norm=n.given_norm,
                family_norm=n.family_norm,
                given_phonetic=n.given_phonetic,
                family_phonetic=n.family_phonetic,
                birth_date=to_child.search_date,
                is_current=False,
                used_from=n.used_from,
                used_until=n.used_until,
            )
            for n in from_child.names.all()
        ]
    )
    addresses = ChildAddress.objects.bulk_create(
        [
            ChildAddress(
                child=to_child,
                address_line_1=a.address_line_1,
                address_line_2=a.address_line_2,
                town=a.town,
                postcode=a.postcode,
                postcode_norm=a.postcode_norm,
                birth_date=to_child.search_date,
                is_current=False,
                lived_from=a.lived_from,
                lived_until=a.lived_until,
            )
            for a in from_child.addresses.all()
        ]
    )
    # SQLite and PostgreSQL both return the new keys from bulk_create.
    return {"names": [str(n.pk) for n in names], "addresses": [str(a.pk) for a in addresses]}


@transaction.atomic
def child_merge(*, actor: Actor, duplicate: Child, survivor: Child, reason: str) -> ChildMerge:
    """Merge ``duplicate`` into ``survivor``, keeping everything needed to undo it exactly.

    Every involvement moves (flags, sensitive category and basis go with it, so sensitive-
    service restrictions survive); carers the survivor does not have move too; names and
    addresses are copied as history. A shield on either side shields both at once. The
    duplicate keeps its own rows and answers with the survivor from now on.
    """
    _require(bool(reason.strip()), "Give the reason for merging these records.")
    survivor = Child.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Child.objects.select_for_update().get(pk=duplicate.pk)
    _require(duplicate.pk != survivor.pk and survivor.merged_into_id is None, "Choose two different live records.")
    _require(duplicate.merged_into_id is None, "That record has already been merged.")
    snapshot: dict[str, Any] = {"survivor": _snapshot(survivor), "merged": _snapshot(duplicate)}
    duplicate.merged_into = survivor
    _stamp(duplicate, actor)
    duplicate.save()
    moved = Involvement.objects.filter(child=duplicate).update(child=survivor)
    have = {_carer_key(c) for c in survivor.carers.all()}
    carers = [str(c.pk) for c in duplicate.carers.all() if _carer_key(c) not in have]
    Carer.objects.filter(pk__in=carers).update(child=survivor)
    snapshot["copied"] = _history_copy(from_child=duplicate, to_child=survivor)
    snapshot["carers_moved"] = carers
    if duplicate.is_shielded or survivor.is_shielded:
        child_shield_set(
            actor=SYSTEM_MATCHER, child=survivor, reason="Shield spread to a merged record of the same child"
        )
    survivor.refresh_from_db()
    snapshot["shield_after_merge"] = survivor.is_shielded
    merge = ChildMerge(survivor=survivor, merged=duplicate, reason=reason.strip(), snapshot=snapshot)
    _stamp(merge, actor, creating=True)
    merge.save()
    audit_record(
        actor=actor,
        action="index.child_merged",
        target=duplicate,
        reason=merge.reason,
        data={
            "child_id": str(duplicate.pk),
            "survivor_id": str(survivor.pk),
            "merge_id": str(merge.pk),
            "involvements_moved": moved,
            "carers_moved": len(carers),
            "shielded": survivor.is_shielded,
        },
    )
    return merge


def _restore(*, child: Child, snapshot: dict[str, Any], restore_shield: bool) -> None:
    """Put a record back as the snapshot holds it: details, names and addresses (later rows removed)."""
    child.names.exclude(pk__in=[int(k) for k in snapshot["names"]]).delete()
    child.addresses.exclude(pk__in=[int(k) for k in snapshot["addresses"]]).delete()
    for key, (current, until) in snapshot["names"].items():
        ChildName.objects.filter(pk=int(key), child=child).update(is_current=current, used_until=until)
    for key, (current, until) in snapshot["addresses"].items():
        ChildAddress.objects.filter(pk=int(key), child=child).update(is_current=current, lived_until=until)
    values = dict(snapshot["fields"])
    if not restore_shield:
        values.pop("is_shielded")
        values.pop("shielded_at")
    Child.objects.filter(pk=child.pk).update(**values)


@transaction.atomic
def child_unmerge(*, actor: Actor, merge: ChildMerge, reason: str) -> tuple[Child, Child]:
    """Undo a merge: both records back as they were just before it; returns ``(survivor, merged)``.

    The merged record gets back its involvements and carers, both records their details,
    names and addresses (rows added since the merge are removed), and the merged record
    answers for itself again. The shield goes back as it was only if no one has set or
    lifted a shield since the merge; otherwise both keep the shield state of now (an
    unmerge never removes a shield an administrator set).
    """
    _require(bool(reason.strip()), "Give the reason for unmerging these records.")
    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    _require(merge.unmerged_at is None, "This merge has already been undone.")
    survivor = Child.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Child.objects.select_for_update().get(pk=merge.merged_id)
    _require(
        merged.merged_into_id == survivor.pk and survivor.merged_into_id is None,
        "These records have been merged again since; undo the later merge first.",
    )
    snapshot = merge.snapshot
    shield_untouched = survivor.is_shielded == merged.is_shielded == snapshot["shield_after_merge"]
    if not shield_untouched:
        Child.objects.filter(pk__in=[survivor.pk, merged.pk]).update(is_shielded=survivor.is_shielded)
    Involvement.objects.filter(child=survivor, pk__in=snapshot["merged"]["involvements"]).update(child=merged)
    Carer.objects.filter(child=survivor, pk__in=snapshot["carers_moved"]).update(child=merged)
    _restore(child=survivor, snapshot=snapshot["survivor"], restore_shield=shield_untouched)
    _restore(child=merged, snapshot=snapshot["merged"], restore_shield=shield_untouched)
    Child.objects.filter(pk=merged.pk).update(merged_into=None)
    merge.unmerged_at = clock.now()
    merge.unmerge_reason = reason.strip()
    _stamp(merge, actor)
    merge.unmerged_by_label = merge.modified_by_label
    merge.save()
    audit_record(
        actor=actor,
        action="index.child_unmerged",
        target=merged,
        reason=merge.unmerge_reason,
        data={
            "child_id": str(merged.pk),
            "survivor_id": str(survivor.pk),
            "merge_id": str(merge.pk),
            "shield_restored": shield_untouched,
        },
    )
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return survivor, merged

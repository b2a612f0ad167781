"""Index rows a merge and an unmerge must touch that no ``ecm.index`` service covers yet.

Each function is named for the one thing it does, so that the index owner can move them
(with ``children_merge`` / ``children_unmerge``) into ``ecm/index/services.py``. They are
called only from ``ecm.linkage.merging``, inside its audited transactions.
"""

from __future__ import annotations

from typing import Any

from ecm.index.models import Child, ChildAddress, ChildName, Involvement

CHILD_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth",
    "gender",
    "nhs_number",
    "unique_pupil_number",
    "is_shielded",
    "shielded_at",
)


def index_child_snapshot(child: Child) -> dict[str, Any]:
    """Everything unmerge must put back: details, shield, names, addresses and involvement ids."""
    child.refresh_from_db()
    fields = {}
    for name in CHILD_FIELDS:
        value = getattr(child, name)
        fields[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return {
        "fields": fields,
        "names": {
            str(n.pk): [n.is_current, n.used_until.isoformat() if n.used_until else None] for n in child.names.all()
        },
        "addresses": {
            str(a.pk): [a.is_current, a.lived_until.isoformat() if a.lived_until else None]
            for a in child.addresses.all()
        },
        "involvements": sorted(str(i) for i in child.involvements.values_list("pk", flat=True)),
    }


def index_involvements_move(*, from_child: Child, to_child: Child, ids: list[str] | None = None) -> int:
    """Move involvements (all, or those listed) to another child; flags and sensitive basis go with them."""
    rows = Involvement.objects.filter(child=from_child)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(child=to_child)


def index_history_copy(*, from_child: Child, to_child: Child) -> dict[str, list[str]]:
    """Copy the duplicate's names and addresses onto the survivor as history (not current)."""
    names = [
        ChildName.objects.create(
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
    addresses = [
        ChildAddress.objects.create(
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
    return {"names": [str(n.pk) for n in names], "addresses": [str(a.pk) for a in addresses]}


def index_child_restore(*, child: Child, snapshot: dict[str, Any], restore_shield: bool) -> None:
    """Put a child back as the snapshot holds it: details, and names and addresses (later rows removed)."""
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


def index_child_detach(*, child: Child) -> None:
    """Clear ``merged_into``: the record answers for itself again."""
    Child.objects.filter(pk=child.pk).update(merged_into=None)

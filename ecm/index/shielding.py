"""Shielding: hiding a child's whereabouts (merging lives in ``ecm.index.merging``).

A shield spreads to every record known to be the same child: an unshielded duplicate of
a shielded child would be a serious incident. Setting a shield removes, in the same
transaction, what other apps copied of the child's whereabouts before it
(``ecm.index.visibility.shield_applied``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.choices import Role
from ecm.accounts.models import User
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor, SystemActor
from ecm.index.models import Child
from ecm.index.rules import _require, _stamp
from ecm.index.visibility import shield_applied


def _same_child_records(child: Child) -> list[Child]:
    """This record, the records merged into it, and the one it was merged into (transitively)."""
    seen: dict[Any, Child] = {}
    queue = [child]
    while queue:
        record = queue.pop()
        if record.pk in seen:
            continue
        seen[record.pk] = record
        queue.extend(record.merged_records.all())
        if record.merged_into is not None:
            queue.append(record.merged_into)
    return list(seen.values())


def _require_index_admin(actor: Actor) -> None:
    _require(
        isinstance(actor, SystemActor) or (isinstance(actor, User) and actor.has_role(Role.INDEX_ADMIN)),
        "Only an index administrator can do this.",
    )


@transaction.atomic
def child_shield_set(*, actor: Actor, child: Child, reason: str) -> Child:
    """Shield the child (and every record that is the same child): whereabouts hidden from everyone."""
    _require_index_admin(actor)
    _require(bool(reason.strip()), "Give the reason for shielding this record.")
    for record in _same_child_records(child):
        if not record.is_shielded:
            record.is_shielded = True
            record.shielded_at = clock.now()
            _stamp(record, actor)
            record.save()
            removed = shield_applied(actor=actor, child=record)
            audit_record(
                actor=actor,
                action="index.shield_set",
                target=record,
                reason=reason,
                data={"child_id": str(record.pk), "copies_removed": removed},
            )
    child.refresh_from_db()
    return child


@transaction.atomic
def child_shield_lift(*, actor: Actor, child: Child, reason: str) -> Child:
    """Lift the shield from the child and every record that is the same child."""
    _require_index_admin(actor)
    _require(bool(reason.strip()), "Give the reason for lifting the shield.")
    for record in _same_child_records(child):
        if record.is_shielded:
            record.is_shielded = False
            record.shielded_at = None
            _stamp(record, actor)
            record.save()
            audit_record(
                actor=actor, action="index.shield_lift", target=record, reason=reason, data={"child_id": str(record.pk)}
            )
    child.refresh_from_db()
    return child

"""Recording decisions to share without consent. Atomic and audited.

The later guided-decision issue (the seven questions) ends by calling
:func:`sharing_decision_record`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.models import Organisation
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.index.models import Child
from ecm.sharing.choices import Ground, Outcome
from ecm.sharing.models import SharingDecision


class SharingError(ValueError):
    """A sharing rule was broken; the message is for the practitioner."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SharingError(message)


@transaction.atomic
def sharing_decision_record(
    *,
    actor: Any,
    child: Child,
    organisation: Organisation,
    outcome: str = Outcome.SHARE,
    ground: str = "",
    reason: str,
    duty_or_order: str = "",
    what_shared: str = "",
    purpose: str = "",
    family_told: bool = False,
    not_told_reason: str = "",
) -> SharingDecision:
    """Record a decision to share (or not) without consent, with its ground and reasons."""
    _require(outcome in Outcome.values, "Choose whether to share.")
    _require(bool(reason.strip()), "Enter the reasons for the decision.")
    if outcome == Outcome.SHARE:
        _require(ground in Ground.values, "Choose the ground for sharing without consent.")
        _require(
            ground != Ground.STATUTORY_DUTY or bool(duty_or_order.strip()), "Name the statutory duty or court order."
        )
        _require(bool(what_shared.strip()) and bool(purpose.strip()), "Say what is shared and for what purpose.")
    _require(family_told or bool(not_told_reason.strip()), "Say why the child and family were not told.")
    decision = SharingDecision(
        child=child,
        organisation=organisation,
        outcome=outcome,
        ground=ground if outcome == Outcome.SHARE else "",
        duty_or_order=duty_or_order.strip(),
        reason=reason.strip(),
        what_shared=what_shared.strip(),
        purpose=purpose.strip(),
        family_told=family_told,
        not_told_reason="" if family_told else not_told_reason.strip(),
        decided_on=clock.today(),
    )
    decision.stamp(actor, creating=True)
    decision.save()
    audit_record(
        actor=actor,
        action="sharing.decision_recorded",
        target=decision,
        reason=decision.reason,
        data={
            "child_id": str(child.pk),
            "organisation_id": str(organisation.pk),
            "outcome": outcome,
            "ground": decision.ground,
        },
    )
    return decision

"""The disclosure log: one row each time a child's information goes to another organisation."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.models import Organisation
from ecm.audit.services import audit_record
from ecm.consent.choices import Scope
from ecm.consent.models import ConsentRecord
from ecm.consent.selectors import consent_covers
from ecm.core import clock
from ecm.index.models import Child
from ecm.sharing.choices import DisclosureMode, Information, Method, Outcome
from ecm.sharing.models import Disclosure, SharingDecision
from ecm.sharing.services.common import require


@transaction.atomic
def disclosure_record(
    *,
    actor: Any,
    child: Child,
    organisation: Organisation,
    information: str,
    method: str,
    mode: str,
    decision: SharingDecision | None = None,
    consent: ConsentRecord | None = None,
    description: str = "",
    reference: str = "",
    recipient_person: str = "",
) -> Disclosure:
    """Log one disclosure. It needs a basis: a decision to share in force, or consent that covers it.

    This is also where sharing without either is refused (the eCAF's "share with a further agency").
    """
    require(information in Information.values, "Choose which information is shared.")
    require(method in Method.values, "Choose how the information is shared.")
    require(mode in DisclosureMode.values, "Say whether the sharing is manual or automatic.")
    if decision is not None:
        require(
            decision.child_id == child.pk
            and decision.organisation_id == organisation.pk
            and decision.outcome == Outcome.SHARE
            and decision.in_force,
            f"No decision to share with {organisation.name} is in force.",
        )
    elif consent is not None:
        require(
            consent.child_id == child.pk and consent.is_active and consent_covers(child, organisation, Scope.SHARE),
            f"The family's consent does not cover sharing with {organisation.name}.",
        )
    else:
        require(
            False,
            f"Neither the family's consent nor a recorded decision covers sharing with {organisation.name}.",
        )
    disclosure = Disclosure(
        child=child,
        information=information,
        description=description.strip(),
        reference=reference.strip(),
        organisation=organisation,
        recipient_person=recipient_person.strip(),
        method=method,
        mode=mode,
        decision=decision,
        consent=consent,
        disclosed_at=clock.now(),
    )
    disclosure.stamp(actor, creating=True)
    disclosure.save()
    audit_record(
        actor=actor,
        action="sharing.disclosure_recorded",
        target=disclosure,
        data={
            "child_id": str(child.pk),
            "organisation_id": str(organisation.pk),
            "information": information,
            "mode": mode,
            "decision_id": str(decision.pk) if decision else None,
            "consent_id": str(consent.pk) if consent else None,
        },
    )
    return disclosure

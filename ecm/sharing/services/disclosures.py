"""The disclosure log: one row each time a child's information goes to another organisation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.accounts.models import Organisation, User
from ecm.audit.services import audit_record
from ecm.consent.choices import Scope
from ecm.consent.models import ConsentRecord
from ecm.consent.selectors import consent_covers
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.sharing.choices import DisclosureMode, Information, Method, Outcome
from ecm.sharing.models import Disclosure, SharingDecision
from ecm.sharing.services.common import require


@transaction.atomic
def disclosure_record(
    *,
    actor: Actor,
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
    shared_by: User | None = None,
    shared_at: dt.datetime | None = None,
) -> Disclosure:
    """Log one disclosure. It needs a basis: a decision to share in force, or consent that covers it.

    This is also where sharing without either is refused (the eCAF's "share with a further agency").
    ``shared_at`` is when the information went (default now); ``shared_by`` who shared it (default the actor).
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
        disclosed_at=shared_at or clock.now(),
        shared_by=shared_by if shared_by is not None else (actor if isinstance(actor, User) else None),
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
            "shared_at": disclosure.disclosed_at.isoformat(),
            "shared_by": str(disclosure.shared_by_id) if disclosure.shared_by_id else None,
        },
    )
    return disclosure


def disclosure_share_record(
    *,
    actor: Actor,
    decision: SharingDecision,
    shared_at: dt.datetime,
    method: str,
    recipient_person: str = "",
    description: str = "",
) -> Disclosure:
    """The practitioner says they have shared under a decision in force: what, when, how and to whom.

    Only the practitioner who decided records it (they are the one who shared); the time is when they
    shared, which may be before they recorded the decision (in an emergency they phone first), never
    in the future.
    """
    actor = actor_person(actor)
    require(
        getattr(actor, "pk", None) == decision.created_by_id,
        "Only the practitioner who decided can record sharing under it.",
    )
    require(decision.outcome == Outcome.SHARE, "This decision was not to share.")
    require(decision.in_force, f"No decision to share with {decision.organisation.name} is in force.")
    require(shared_at <= clock.now(), "The time you shared cannot be in the future.")
    require(method in Method.values and method != Method.ECM, "Choose how you shared the information.")
    return disclosure_record(
        actor=actor,
        child=decision.child,
        organisation=decision.organisation,
        information=decision.information,
        method=method,
        mode=DisclosureMode.MANUAL,
        decision=decision,
        description=description.strip() or decision.what_shared,
        reference=decision.source_label,
        recipient_person=recipient_person.strip() or decision.recipient_person,
        shared_by=actor,
        shared_at=shared_at,
    )

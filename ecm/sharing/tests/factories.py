"""Helpers that make decisions the way practitioners do, through the services."""

from __future__ import annotations

from typing import Any

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.core.actors import Actor
from ecm.sharing.choices import Ground
from ecm.sharing.services import sharing_decision_record

# Prevention of serious harm: waits for the countersignature (a significant-harm ground is urgent and is
# shared at once: see test_urgent.py).
WITHOUT_CONSENT = {
    "ground": Ground.PREVENT_HARM,
    "reason": "Disclosure of injury at school",
    "what_shared": "The CAF's stay-safe section",
    "purpose": "Strategy discussion",
    "family_told": False,
    "not_told_reason": "Telling the father would put the child at risk",
    "consent_status": "refused",
}


def decide(actor: Actor, child: Any, organisation: Any, **overrides: Any) -> Any:
    return sharing_decision_record(
        actor=actor, child=child, organisation=organisation, **{**WITHOUT_CONSENT, **overrides}
    )


def practitioner_with_manager(**kwargs: Any) -> tuple[Any, Any]:
    """A practitioner whose line manager (manager role, same organisation) can countersign."""
    practitioner = UserFactory(**kwargs)
    manager = UserFactory(roles=[Role.MANAGER], organisation=practitioner.organisation)
    practitioner.manager = manager
    practitioner.save()
    return practitioner, manager

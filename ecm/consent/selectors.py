"""Questions the rest of the service asks the consent register."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.consent.choices import Scope
from ecm.consent.models import ConsentRecord, RefusalNote
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.visibility import children_visible


def active_consents(child: Child) -> list[ConsentRecord]:
    """Consents for the child that have not been withdrawn, newest first."""
    return list(
        ConsentRecord.objects.filter(child=child, withdrawn_at__isnull=True).prefetch_related(
            "allowed_organisations", "excluded_organisations"
        )
    )


def is_excluded(child: Child, organisation: Any) -> bool:
    """Has the family excluded this agency in any consent still standing?"""
    if organisation is None:
        return True
    return ConsentRecord.objects.filter(
        child=child, withdrawn_at__isnull=True, excluded_organisations=organisation
    ).exists()


def consent_covers(child: Child, organisation: Any, scope: str) -> bool:
    """Does standing consent cover ``scope`` for ``organisation``?

    Undertake and record: consent given to that organisation's practitioner. Share: the
    organisation is named as allowed and is not excluded by any standing consent.
    """
    if organisation is None or scope not in Scope.values:
        return False
    if is_excluded(child, organisation):
        return False
    standing = ConsentRecord.objects.filter(child=child, withdrawn_at__isnull=True)
    if scope == Scope.SHARE:
        return standing.filter(share=True, allowed_organisations=organisation).exists()
    return standing.filter(organisation=organisation, **{scope: True}).exists()


def consents_due_review(*, practitioner: Any) -> list[ConsentRecord]:
    """Standing consents this practitioner recorded whose review date has come."""
    return list(
        ConsentRecord.objects.filter(
            children_visible(practitioner, "child__"),
            practitioner=practitioner,
            withdrawn_at__isnull=True,
            review_on__lte=clock.today(),
        )
    )


def refusal_notes_of(*, practitioner: Any) -> list[RefusalNote]:
    """The practitioner's own refusal notes (nobody else's)."""
    return list(RefusalNote.objects.filter(practitioner=practitioner))


def consents_for(child: Child) -> list[ConsentRecord]:
    """Every consent recorded for the child, standing or withdrawn, newest first (the register)."""
    return list(
        ConsentRecord.objects.filter(child=child)
        .select_related("practitioner", "organisation")
        .prefetch_related("allowed_organisations", "excluded_organisations")
    )


def consent_of_child(child: Child, consent_id: Any) -> ConsentRecord | None:
    """One of the child's consents by id, or None."""
    try:
        return ConsentRecord.objects.filter(child=child, pk=consent_id).first()
    except (ValueError, TypeError, Exception):
        return None


def consent_status(consent: ConsentRecord) -> str:
    """Withdrawn, due for review (its review date has come), or standing."""
    if consent.withdrawn_at is not None:
        return "withdrawn"
    return "due_review" if consent.review_on <= clock.today() else "active"


def consent_register_open(*, actor: Actor, child: Child) -> list[ConsentRecord]:
    """The child's consent register for a page: every consent, the showing audited (a sensitive read)."""
    with transaction.atomic():
        rows = consents_for(child)
        audit_record(
            actor=actor,
            action="consent.register_viewed",
            target=child,
            data={"child_id": str(child.pk), "consents": len(rows)},
        )
    for row in rows:
        row.register_status = consent_status(row)  # type: ignore[attr-defined]
    return rows

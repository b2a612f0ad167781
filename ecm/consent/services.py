"""Writes to the consent register. Every function is atomic and audited.

Consent is given to undertake, record and share; without consent to record nothing
about the child is stored, only a :class:`RefusalNote` in the practitioner's own records.
Withdrawal stops every share that rests on consent at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.accounts.models import Organisation
from ecm.audit.services import audit_record
from ecm.consent.choices import ConsentForm, GivenBy, ParentRelationship, Scope
from ecm.consent.models import ConsentRecord, RefusalNote
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.visibility import ARCHIVED_READ_ONLY, child_writable

DEFAULT_REVIEW = dt.timedelta(weeks=26)


class ConsentError(ValueError):
    """A consent rule was broken; the message is for the practitioner."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConsentError(message)


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    child: Child,
    given_by: str,
    form: str,
    undertake: bool,
    record: bool,
    share: bool = False,
    family_informed: bool,
    competence_judgement: str = "",
    parent_name: str = "",
    parent_relationship: str = "",
    share_purpose: str = "",
    allowed_organisations: Iterable[Organisation] = (),
    excluded_organisations: Iterable[Organisation] = (),
    withheld_elements: Iterable[str] = (),
    given_on: dt.date | None = None,
    review_on: dt.date | None = None,
) -> ConsentRecord:
    """Record consent given by a competent child or by one person with parental responsibility."""
    actor = actor_person(actor)
    _require(child_writable(child), ARCHIVED_READ_ONLY)
    _require(given_by in GivenBy.values, "Choose who gave consent.")
    _require(form in ConsentForm.values, "Choose whether consent was written or verbal.")
    if given_by == GivenBy.CHILD:
        _require(
            bool(competence_judgement.strip()),
            "Record your judgement of the child's competence to make this decision.",
        )
        parent_name, parent_relationship = "", ""
    else:
        _require(bool(parent_name.strip()), "Enter the name of the person with parental responsibility.")
        _require(parent_relationship in ParentRelationship.values, "Choose their relationship to the child.")
    _require(undertake, "Without consent to undertake the assessment, no CAF can be started.")
    _require(record, "Without consent to record, nothing is stored: note the refusal in your own records instead.")
    _require(
        family_informed,
        "Tell the family how the information is stored, who sees it and that the index shows a CAF exists.",
    )
    allowed = list(allowed_organisations)
    excluded = list(excluded_organisations)
    _require(not set(allowed) & set(excluded), "An agency cannot be both allowed and excluded.")
    _require(not share or bool(share_purpose.strip()), "Say what sharing is for and in what circumstances.")
    _require(not allowed or share, "Agencies can be allowed only with consent to share.")
    given_on = given_on or clock.today()
    _require(given_on <= clock.today(), "The date consent was given cannot be in the future.")
    review_on = review_on or given_on + DEFAULT_REVIEW
    _require(review_on > given_on, "The review date must be after the date consent was given.")
    consent = ConsentRecord(
        child=child,
        practitioner=actor,
        organisation=actor.organisation,
        given_by=given_by,
        competence_judgement=competence_judgement.strip(),
        parent_name=parent_name.strip(),
        parent_relationship=parent_relationship,
        undertake=undertake,
        record=record,
        share=share,
        share_purpose=share_purpose.strip(),
        withheld_elements=sorted(set(withheld_elements)),
        family_informed=family_informed,
        form=form,
        given_on=given_on,
        review_on=review_on,
    )
    consent.stamp(actor, creating=True)
    consent.save()
    consent.allowed_organisations.set(allowed)
    consent.excluded_organisations.set(excluded)
    audit_record(
        actor=actor,
        action="consent.recorded",
        target=consent,
        data={
            "child_id": str(child.pk),
            "given_by": given_by,
            "scopes": [s for s, on in (("undertake", undertake), ("record", record), ("share", share)) if on],
            "allowed": [str(o.pk) for o in allowed],
            "excluded": [str(o.pk) for o in excluded],
            "form": form,
        },
    )
    return consent


@transaction.atomic
def consent_refusal_note(*, actor: Actor, scopes_refused: Iterable[str], note: str) -> RefusalNote:
    """Note a refusal in the practitioner's own records. Nothing about the child is stored."""
    actor = actor_person(actor)
    scopes = sorted(set(scopes_refused))
    _require(bool(scopes) and set(scopes) <= set(Scope.values), "Choose what the family refused.")
    _require(bool(note.strip()), "Enter a note for your own records.")
    refusal = RefusalNote(practitioner=actor, scopes_refused=scopes, note=note.strip(), noted_on=clock.today())
    refusal.stamp(actor, creating=True)
    refusal.save()
    audit_record(actor=actor, action="consent.refusal_noted", target=refusal, data={"scopes_refused": scopes})
    return refusal


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: ConsentRecord, reason: str) -> ConsentRecord:
    """Withdraw consent: every share resting on it stops at once."""
    _require(consent.withdrawn_at is None, "This consent has already been withdrawn.")
    _require(bool(reason.strip()), "Enter how and why consent was withdrawn.")
    consent.withdrawn_at = clock.now()
    consent.withdrawn_reason = reason.strip()
    consent.stamp(actor)
    consent.save()
    audit_record(
        actor=actor,
        action="consent.withdrawn",
        target=consent,
        reason=reason.strip(),
        data={"child_id": str(consent.child_id)},
    )
    return consent

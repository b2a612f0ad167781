"""Sharing is allowed by consent or by a decision in force; countersignature; immutable records; the log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.consent.services import consent_withdraw
from ecm.consent.tests.factories import give_consent
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification
from ecm.sharing.choices import Countersign, Ground, Outcome
from ecm.sharing.models import Disclosure, SharingDecision
from ecm.sharing.selectors import decisions_for, disclosures_for, sharing_allowed
from ecm.sharing.services import (
    SharingError,
    disclosure_record,
    disclosure_share_record,
    sharing_decision_correct,
    sharing_decision_countersign,
    sharing_decision_record,
)
from ecm.sharing.tests.factories import decide, practitioner_with_manager

pytestmark = pytest.mark.django_db


def _decide(actor: Actor, child, org, **overrides):
    """A decision in force at once (non-confidential information): used by the CAF tests too."""
    values = {"ground": Ground.NON_CONFIDENTIAL, **overrides}
    return decide(actor, child, org, **values)


def test_allowed_by_consent_until_withdrawn() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    consent = give_consent(author, child, allowed_organisations=[org])
    assert sharing_allowed(child, org)
    consent_withdraw(actor=author, consent=consent, reason="Withdrawn by phone")
    assert not sharing_allowed(child, org)


def test_without_consent_the_decision_waits_for_a_managers_countersignature(
    django_capture_on_commit_callbacks,
) -> None:
    author, manager = practitioner_with_manager()
    child, org = ChildFactory(), OrganisationFactory()
    consent = give_consent(author, child, excluded_organisations=[org])
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(author, child, org)
    assert decision.needs_countersignature and decision.countersign_status == Countersign.PENDING
    assert not sharing_allowed(child, org)
    assert not Disclosure.objects.filter(child=child).exists()
    assert Notification.objects.filter(recipient=manager, subject__contains="countersignature").exists()
    with pytest.raises(SharingError, match="your own decision"):
        sharing_decision_countersign(actor=author, decision=decision, agreed=True)
    elsewhere = UserFactory(roles=[Role.MANAGER])
    with pytest.raises(SharingError, match="manager in their organisation"):
        sharing_decision_countersign(actor=elsewhere, decision=decision, agreed=True)
    sharing_decision_countersign(actor=manager, decision=decision, agreed=True, comment="Agreed: clear risk")
    decision.refresh_from_db()
    assert decision.countersign_status == Countersign.AGREED
    assert sharing_allowed(child, org)
    disclosure = Disclosure.objects.get(child=child)
    assert disclosure.decision == decision and disclosure.organisation == org
    consent_withdraw(actor=author, consent=consent, reason="Withdrawn")
    assert sharing_allowed(child, org)  # the decision does not rest on consent
    assert AuditEvent.objects.filter(action="sharing.decision_countersigned").exists()


def test_any_manager_of_the_organisation_may_countersign_and_may_refuse() -> None:
    author = UserFactory()
    colleague_manager = UserFactory(roles=[Role.MANAGER], organisation=author.organisation)
    child, org = ChildFactory(), OrganisationFactory()
    decision = decide(author, child, org, ground=Ground.STATUTORY_DUTY, duty_or_order="Court order 2026/123")
    with pytest.raises(SharingError, match="why you do not countersign"):
        sharing_decision_countersign(actor=colleague_manager, decision=decision, agreed=False)
    sharing_decision_countersign(actor=colleague_manager, decision=decision, agreed=False, comment="No risk shown")
    decision.refresh_from_db()
    assert decision.countersign_status == Countersign.DECLINED
    assert not sharing_allowed(child, org)
    with pytest.raises(SharingError, match="already been countersigned"):
        sharing_decision_countersign(actor=colleague_manager, decision=decision, agreed=True)


def test_non_confidential_sharing_needs_no_countersignature_and_is_logged_when_shared() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    decision = _decide(author, child, org, method="secure_email", recipient_person="Dr Jones")
    assert not decision.needs_countersignature and sharing_allowed(child, org)
    assert disclosures_for(child) == []  # not shared yet: the practitioner says when they have
    disclosure_share_record(
        actor=author, decision=decision, shared_at=clock.now(), method="secure_email", recipient_person=""
    )
    disclosure = disclosures_for(child)[0]
    assert disclosure.decision == decision and disclosure.mode == "manual" and disclosure.recipient_person == "Dr Jones"


def test_a_later_decision_not_to_share_replaces_the_earlier_one() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    _decide(author, child, org)
    _decide(author, child, org, outcome=Outcome.NOT_SHARE, ground="", reason="Risk has passed")
    assert not sharing_allowed(child, org)


def test_a_pending_decision_does_not_replace_one_in_force() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    _decide(author, child, org)
    decide(author, child, org)  # waits for countersignature
    assert sharing_allowed(child, org)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": " "}, "reasons"),
        ({"ground": ""}, "ground"),
        ({"ground": Ground.STATUTORY_DUTY}, "duty"),
        ({"not_told_reason": ""}, "not told"),
        ({"what_shared": ""}, "what is shared"),
        ({"consent_status": "not_sought"}, "why consent was not sought"),
        ({"consent_status": "given"}, "no standing consent"),
        ({"ground": Ground.NON_CONFIDENTIAL, "confidential": True}, "Confidential information needs"),
    ],
)
def test_a_decision_records_its_ground_and_reasons(overrides: dict, message: str) -> None:
    with pytest.raises(SharingError, match=message):
        decide(UserFactory(), ChildFactory(), OrganisationFactory(), **overrides)


def test_consent_given_links_the_register_and_lapses_with_it() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    consent = give_consent(author, child, allowed_organisations=[org])
    decision = decide(author, child, org, consent_status="given", consent=consent, ground="")
    assert decision.consent == consent and not decision.needs_countersignature and decision.ground == ""
    assert Disclosure.objects.get(decision=decision)
    consent_withdraw(actor=author, consent=consent, reason="Withdrawn")
    assert not sharing_allowed(child, org)


def test_records_are_immutable_and_corrected_by_a_new_linked_record() -> None:
    author, manager = practitioner_with_manager()
    child, org = ChildFactory(), OrganisationFactory()
    old = _decide(author, child, org)
    with pytest.raises(DatabaseError), transaction.atomic():
        SharingDecision.objects.filter(pk=old.pk).update(reason="Changed behind the record's back")
    with pytest.raises(DatabaseError), transaction.atomic():
        Disclosure.objects.filter(decision=old).update(recipient_person="Someone else")
    with pytest.raises(SharingError, match="what is being corrected"):
        sharing_decision_correct(actor=author, decision=old, correction_reason="", purpose="Planning")
    new = sharing_decision_correct(
        actor=author, decision=old, correction_reason="The purpose was written wrongly", purpose="Planning support"
    )
    old.refresh_from_db()
    assert new.supersedes == old and old.corrected_by == new and old.is_corrected and not old.in_force
    assert old.purpose != "Planning support" and new.purpose == "Planning support"
    assert sharing_allowed(child, org)
    assert Disclosure.objects.filter(child=child).count() == 1  # the correction does not share again
    with pytest.raises(SharingError, match="already been corrected"):
        sharing_decision_correct(actor=author, decision=old, correction_reason="Again", purpose="x")
    assert {d.pk for d in decisions_for(child)} == {old.pk, new.pk}
    assert AuditEvent.objects.filter(action="sharing.decision_corrected", object_id=str(new.pk)).exists()


def test_disclosure_needs_consent_or_a_decision_in_force() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    common = {"actor": author, "child": child, "organisation": org, "information": "caf", "method": "ecm"}
    with pytest.raises(SharingError, match="Neither the family's consent nor a recorded decision"):
        disclosure_record(mode="automatic", **common)
    pending = decide(author, child, org)
    with pytest.raises(SharingError, match="No decision to share"):
        disclosure_record(mode="automatic", decision=pending, **common)
    other = give_consent(author, child, allowed_organisations=[OrganisationFactory()])
    with pytest.raises(SharingError, match="does not cover"):
        disclosure_record(mode="automatic", consent=other, **common)
    consent = give_consent(author, child, allowed_organisations=[org])
    disclosure = disclosure_record(mode="automatic", consent=consent, reference="CAF-1", **common)
    assert disclosures_for(child) == [disclosure]
    event = AuditEvent.objects.get(action="sharing.disclosure_recorded")
    assert event.data["consent_id"] == str(consent.pk)


def test_sharing_decision_record_keeps_its_old_signature_for_existing_callers() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    decision = sharing_decision_record(
        actor=author,
        child=child,
        organisation=org,
        ground="non_confidential",
        reason="Family moving to the new area",
        what_shared="The CAF",
        purpose="Transfer",
        family_told=True,
    )
    assert decision.in_force and sharing_allowed(child, org)

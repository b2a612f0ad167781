"""The referral rules: consent or a recorded decision, a linked provider, answers with reasons, audit, notices."""

from __future__ import annotations

from typing import Any

import pytest

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf.tests.factories import start_caf
from ecm.consent.services import consent_withdraw
from ecm.consent.tests.factories import give_consent
from ecm.core.actors import SystemActor
from ecm.directory.choices import ServiceStatus
from ecm.directory.services import organization_link_provider
from ecm.index import services as index_services
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification
from ecm.referrals.choices import ReferralBasis, ReferralStatus
from ecm.referrals.models import Referral
from ecm.referrals.selectors import referral_check
from ecm.referrals.services import (
    ReferralError,
    referral_accept,
    referral_decline,
    referral_send,
    referral_withdraw,
)
from ecm.sharing.choices import Ground, Outcome
from ecm.sharing.selectors import disclosures_for
from ecm.sharing.services import sharing_decision_countersign, sharing_decision_record

pytestmark = pytest.mark.django_db


def send(w: Any, **kwargs: Any) -> Referral:
    return referral_send(actor=w.referrer, child=w.child, service=w.service, reason="Help with routines", **kwargs)


def test_refused_without_consent_or_decision(world: Any) -> None:
    check = referral_check(child=world.child, service=world.service)
    assert not check.allowed and "No consent to share covers Harehills Family Support" in check.problem
    with pytest.raises(ReferralError, match="No consent to share covers"):
        send(world)
    assert not Referral.objects.exists()


def test_consent_naming_another_organisation_does_not_count(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[UserFactory().organisation])
    with pytest.raises(ReferralError):
        send(world)


def test_consent_to_share_with_the_receiving_organisation_allows_it(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    referral = send(world)
    assert referral.status == ReferralStatus.SENT and referral.basis == ReferralBasis.CONSENT
    assert referral.receiving_organisation == world.provider and referral.service_name == "Parenting course"
    event = AuditEvent.objects.get(action="referrals.referral_sent")
    assert event.object_id == str(referral.pk) and event.data["basis"] == "consent"
    # The share is in the child's disclosure log, with the consent behind it.
    (disclosure,) = disclosures_for(world.child)
    assert disclosure.organisation == world.provider and disclosure.consent is not None
    assert disclosure.reference == str(referral.pk) and "Parenting course" in disclosure.description
    assert event.data["child_id"] == str(world.child.pk)
    notice = Notification.objects.get(recipient=world.receiver)
    assert "New referral to Parenting course" in notice.subject and str(referral.pk) in notice.link


def test_excluded_organisation_is_refused_even_if_another_consent_allows_it(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    give_consent(world.referrer, world.child, excluded_organisations=[world.provider])
    with pytest.raises(ReferralError):
        send(world)


def test_recorded_decision_to_share_without_consent_allows_it(world: Any) -> None:
    decision = sharing_decision_record(
        actor=world.referrer,
        child=world.child,
        organisation=world.provider,
        outcome=Outcome.SHARE,
        ground=Ground.PREVENT_HARM,  # not urgent: waits for the countersignature (significant harm would not)
        duty_or_order="Children Act 1989 s47",
        reason="Risk of serious harm",
        what_shared="Name, address, concerns",
        purpose="Urgent family support",
        family_told=True,
    )
    # Confidential information without consent: not in force until a manager countersigns.
    with pytest.raises(ReferralError):
        send(world)
    manager = UserFactory(roles=[Role.MANAGER], organisation=world.referrer.organisation)
    sharing_decision_countersign(actor=manager, decision=decision, agreed=True)
    assert send(world).basis == ReferralBasis.DECISION
    assert disclosures_for(world.child)[0].decision is not None


def test_unlinked_provider_cannot_receive_and_the_check_says_what_to_do(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    organization_link_provider(actor=SystemActor("test"), organization=world.organization, provider=None)
    world.service.organization.refresh_from_db()
    check = referral_check(child=world.child, service=world.service)
    assert not check.allowed and check.organisation is None
    assert "not linked to an organisation in ECM" in check.problem and "How to refer" in check.next_step


def test_inactive_service_shielded_child_and_duplicates_are_refused(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    send(world)
    with pytest.raises(ReferralError, match="already been referred"):
        send(world)
    world.service.status = ServiceStatus.TEMPORARILY_CLOSED
    assert "temporarily closed" in referral_check(child=world.child, service=world.service).problem
    world.service.status = ServiceStatus.ACTIVE
    index_services.child_shield_set(actor=SystemActor("test"), child=world.child, reason="Risk at home")
    world.child.refresh_from_db()
    assert "shielded" in referral_check(child=world.child, service=world.service).problem


def test_a_reason_is_required(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    with pytest.raises(ReferralError, match="Enter what the child"):
        referral_send(actor=world.referrer, child=world.child, service=world.service, reason="  ")


def test_referral_from_a_team_around_the_child_names_the_caf(world: Any) -> None:
    assessment = start_caf(world.referrer, world.child, allowed=[world.provider])
    referral = send(world, assessment=assessment)
    assert referral.assessment == assessment
    other = start_caf(world.referrer, ChildFactory())
    with pytest.raises(ReferralError, match="not this child's"):
        referral_send(actor=world.referrer, child=world.child, service=world.service, reason="x", assessment=other)


def test_receiver_accepts_and_the_referrer_is_told(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    referral = referral_accept(actor=world.receiver, referral=send(world), note="First session on Monday")
    assert referral.status == ReferralStatus.ACCEPTED and referral.decided_by == world.receiver
    assert AuditEvent.objects.filter(action="referrals.referral_accepted", object_id=str(referral.pk)).exists()
    notice = Notification.objects.get(recipient=world.referrer)
    assert "was accepted" in notice.subject and "First session on Monday" in notice.body
    with pytest.raises(ReferralError, match="already been answered"):
        referral_decline(actor=world.receiver, referral=referral, reason="Changed our mind")


def test_decline_needs_a_reason_and_tells_the_referrer(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    referral = send(world)
    with pytest.raises(ReferralError, match="reason for declining"):
        referral_decline(actor=world.receiver, referral=referral, reason="")
    referral_decline(actor=world.receiver, referral=referral, reason="Full until September; try the library group")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    event = AuditEvent.objects.get(action="referrals.referral_declined")
    assert event.reason == "Full until September; try the library group"
    assert "was declined" in Notification.objects.get(recipient=world.referrer).subject


def test_only_the_receiving_organisation_answers(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    referral = send(world)
    with pytest.raises(ReferralError, match="Only staff of the receiving organisation"):
        referral_accept(actor=UserFactory(), referral=referral)
    with pytest.raises(ReferralError):
        referral_accept(actor=world.referrer, referral=referral)


def test_consent_withdrawn_after_sending_stops_acceptance(world: Any) -> None:
    consent = give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    referral = send(world)
    consent_withdraw(actor=world.referrer, consent=consent, reason="Family changed their mind")
    with pytest.raises(ReferralError, match="withdrawn since the referral was sent"):
        referral_accept(actor=world.receiver, referral=referral)
    referral_decline(actor=world.receiver, referral=referral, reason="Consent withdrawn")


def test_referrer_withdraws_an_unanswered_referral(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    referral = send(world)
    with pytest.raises(ReferralError, match="Only the practitioner who referred"):
        referral_withdraw(actor=world.receiver, referral=referral, reason="x")
    referral_withdraw(actor=world.referrer, referral=referral, reason="Family moved away")
    assert referral.status == ReferralStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="referrals.referral_withdrawn").exists()
    assert "withdrawn" in Notification.objects.filter(recipient=world.receiver).latest("created_at").subject


def test_every_service_writes_an_audit_event_in_its_transaction(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    before = AuditEvent.objects.count()
    referral = send(world)
    referral_accept(actor=world.receiver, referral=referral)
    actions = list(AuditEvent.objects.order_by("sequence")[before:].values_list("action", flat=True))
    assert "referrals.referral_sent" in actions and "referrals.referral_accepted" in actions


def test_a_referrer_without_an_organisation_is_told_why(world: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    type(world.referrer).objects.filter(pk=world.referrer.pk).update(organisation=None)
    world.referrer.refresh_from_db()
    with pytest.raises(ReferralError, match="not linked to an organisation"):
        send(world)
    assert not Referral.objects.exists()

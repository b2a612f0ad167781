"""Writes for referrals: send, accept, decline, withdraw. Each is atomic and audited.

A referral shares the child's information with the receiving organisation, so it is sent
only when ``selectors.referral_check`` passes (consent to share covers that organisation,
or a decision to share without consent is recorded). Notifications go after commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.models import Service
from ecm.index.models import Child
from ecm.notifications.services import notification_send
from ecm.referrals.choices import ReferralStatus
from ecm.referrals.models import Referral, ServiceTeam
from ecm.referrals.selectors import referral_check, referral_recipients, still_shareable
from ecm.sharing.choices import DisclosureMode, Information, Method
from ecm.sharing.selectors import share_basis
from ecm.sharing.services import disclosure_record


class ReferralError(ValueError):
    """The referral cannot be sent or answered as asked; the message says why, for the practitioner."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ReferralError(message)


def _notify(*, actor: Actor, recipients: Any, subject: str, body: str, link: str) -> None:
    for person in recipients:
        notification_send(actor=actor, recipient=person, subject=subject, body=body, link=link)


def _record_disclosure(*, actor: Actor, referral: Referral) -> None:
    """A referral shares the child's details with the provider: it goes in the disclosure log."""
    basis = share_basis(referral.child, referral.receiving_organisation) or {}
    disclosure_record(
        actor=actor,
        child=referral.child,
        organisation=referral.receiving_organisation,
        information=Information.INDEX,
        method=Method.ECM,
        mode=DisclosureMode.MANUAL,
        consent=basis.get("consent"),
        decision=basis.get("decision"),
        reference=str(referral.pk),
        description=f"Referral to {referral.service_name}: the child's name, date of birth, address, parents' or "
        "carers' contact details and the reason for the referral",
    )


@transaction.atomic
def referral_send(*, actor: Actor, child: Child, service: Service, reason: str, assessment: Any = None) -> Referral:
    """Refer ``child`` to ``service``: allowed only when consent or a recorded decision covers the receiver."""
    actor = actor_person(actor)
    if actor.organisation is None:
        raise ReferralError("Your account is not linked to an organisation, so a referral cannot say who sent it.")
    reason = (reason or "").strip()
    _require(bool(reason), "Enter what the child and family need from the service.")
    _require(assessment is None or assessment.child_id == child.pk, "The CAF chosen is not this child's.")
    check = referral_check(child=child, service=service)
    _require(check.allowed, f"{check.problem} {check.next_step}".strip())
    assert check.organisation is not None  # allowed implies a receiving organisation
    referral = Referral(
        child=child,
        service=service,
        service_name=service.name,
        receiving_organisation=check.organisation,
        referrer=actor,
        referrer_organisation=actor.organisation,
        assessment=assessment,
        basis=check.basis,
        reason=reason,
        sent_at=clock.now(),
    )
    referral.stamp(actor, creating=True)
    referral.save()
    audit_record(
        actor=actor,
        action="referrals.referral_sent",
        target=referral,
        data={
            "child_id": str(child.pk),
            "service_id": str(service.pk),
            "organisation_id": str(check.organisation.pk),
            "basis": check.basis,
            "assessment_id": str(assessment.pk) if assessment is not None else "",
        },
    )
    _record_disclosure(actor=actor, referral=referral)
    _notify(
        actor=actor,
        recipients=referral_recipients(service=service, organisation=check.organisation),
        subject=f"New referral to {service.name}",
        body=f"{actor.get_full_name()} ({actor.organisation.name}) has referred a child to {service.name}.",
        link=f"/referrals/{referral.pk}/",
    )
    return referral


@transaction.atomic
def service_team_set(*, actor: Actor, service: Service, team: Any) -> ServiceTeam | None:
    """Choose the team told of referrals to ``service`` (``team=None``: the organisation's managers instead)."""
    organisation = service.organization.provider
    _require(organisation is not None, f"{service.organization.name} is not linked to an organisation in ECM.")
    existing = ServiceTeam.objects.filter(service=service).first()
    if team is None:
        if existing is not None:
            existing.delete()
            audit_record(actor=actor, action="referrals.service_team_cleared", target=service)
        return None
    from ecm.referrals.selectors import team_members

    assert organisation is not None  # required above
    _require(
        any(p.organisation_id == organisation.pk for p in team_members(team)),
        f"Nobody in {team.name} works for {organisation.name}, so nobody in it could open a referral.",
    )
    link = existing or ServiceTeam(service=service)
    link.team = team
    link.stamp(actor, creating=existing is None)
    link.save()
    audit_record(actor=actor, action="referrals.service_team_set", target=service, data={"team_id": str(team.pk)})
    return link


def _decide(*, actor: Actor, referral: Referral, status: str, reason: str) -> Referral:
    actor = actor_person(actor)
    _require(referral.status == ReferralStatus.SENT, "This referral has already been answered or withdrawn.")
    _require(
        getattr(actor, "organisation_id", None) == referral.receiving_organisation_id,
        "Only staff of the receiving organisation can answer this referral.",
    )
    referral.status = status
    referral.decided_at = clock.now()
    referral.decided_by = actor
    referral.decision_reason = reason
    referral.stamp(actor)
    referral.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "decision_reason",
            "modified_at",
            "modified_by",
            "modified_by_label",
        ]
    )
    audit_record(
        actor=actor,
        action=f"referrals.referral_{status}",
        target=referral,
        reason=reason,
        data={"child_id": str(referral.child_id), "service_id": str(referral.service_id)},
    )
    word = "accepted" if status == ReferralStatus.ACCEPTED else "declined"
    _notify(
        actor=actor,
        recipients=[referral.referrer],
        subject=f"Your referral to {referral.service_name} was {word}",
        body=f"{referral.receiving_organisation.name} {word} your referral." + (f" Reason: {reason}" if reason else ""),
        link=f"/referrals/{referral.pk}/",
    )
    return referral


@transaction.atomic
def referral_accept(*, actor: Actor, referral: Referral, note: str = "") -> Referral:
    """The receiving service takes the child on. Refused if consent has since been withdrawn."""
    _require(
        still_shareable(referral),
        "Consent to share with your organisation has been withdrawn since the referral was sent, and no decision "
        "to share is recorded: the referral cannot go ahead. Decline it and say so.",
    )
    return _decide(actor=actor, referral=referral, status=ReferralStatus.ACCEPTED, reason=(note or "").strip())


@transaction.atomic
def referral_decline(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The receiving service turns the referral down, always with a reason for the referrer."""
    reason = (reason or "").strip()
    _require(bool(reason), "Enter the reason for declining, so the referrer can find the right help.")
    return _decide(actor=actor, referral=referral, status=ReferralStatus.DECLINED, reason=reason)


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The referrer takes back a referral the service has not answered yet."""
    actor = actor_person(actor)
    reason = (reason or "").strip()
    _require(referral.referrer_id == getattr(actor, "pk", None), "Only the practitioner who referred can withdraw.")
    _require(referral.status == ReferralStatus.SENT, "This referral has already been answered or withdrawn.")
    _require(bool(reason), "Enter why you are withdrawing the referral.")
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_at = clock.now()
    referral.withdrawal_reason = reason
    referral.stamp(actor)
    referral.save(
        update_fields=["status", "withdrawn_at", "withdrawal_reason", "modified_at", "modified_by", "modified_by_label"]
    )
    audit_record(
        actor=actor,
        action="referrals.referral_withdrawn",
        target=referral,
        reason=reason,
        data={"child_id": str(referral.child_id), "service_id": str(referral.service_id)},
    )
    _notify(
        actor=actor,
        recipients=referral_recipients(service=referral.service, organisation=referral.receiving_organisation),
        subject=f"A referral to {referral.service_name} was withdrawn",
        body=f"{actor.get_full_name()} withdrew the referral. Reason: {reason}",
        link=f"/referrals/{referral.pk}/",
    )
    return referral

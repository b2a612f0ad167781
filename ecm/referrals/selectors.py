"""Reads for referrals: may this child be referred to that service, and the lists people work from.

The receiver's view of a referral shows child data and is audited (``referrals.referral_viewed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from ecm.accounts.access import can_see_child_data
from ecm.accounts.choices import Role
from ecm.accounts.models import Organisation, User
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus
from ecm.caf.models import Assessment
from ecm.consent.choices import Scope
from ecm.consent.selectors import consent_covers
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.choices import ServiceStatus
from ecm.directory.models import Service
from ecm.index.choices import ChildStatus
from ecm.index.models import Child
from ecm.index.visibility import child_visibility, children_visible
from ecm.multiagency.models import Team
from ecm.referrals.choices import ReferralBasis, ReferralStatus
from ecm.referrals.models import Referral, ServiceTeam
from ecm.sharing.selectors import decision_to_share_exists, sharing_allowed

# Roles that send referrals, and that answer them for their organisation.
REFERRER_ROLES = (Role.PRACTITIONER, Role.MANAGER)
RECEIVER_ROLES = (Role.PRACTITIONER, Role.MANAGER)


@dataclass(frozen=True)
class ReferralCheck:
    """Whether a referral of ``child`` to ``service`` may be sent, and if not, what to do instead."""

    allowed: bool
    organisation: Organisation | None
    basis: str = ""
    problem: str = ""
    next_step: str = ""


def receiving_organisation(service: Service) -> Organisation | None:
    """The ECM organisation that receives referrals to the service: its provider's linked organisation."""
    return service.organization.provider


def referral_check(*, child: Child, service: Service) -> ReferralCheck:
    """Every rule a referral must pass, in the order a practitioner can put them right."""
    organisation = receiving_organisation(service)
    if organisation is None:
        return ReferralCheck(
            False,
            None,
            problem=f"{service.organization.name} is not linked to an organisation in ECM, so it cannot receive "
            "referrals here, and no consent can name it.",
            next_step="Refer the way the service describes under 'How to refer' (with the family's consent to "
            "share with this provider), and ask the directory team to link the provider to its organisation in ECM.",
        )
    if service.status != ServiceStatus.ACTIVE:
        return ReferralCheck(
            False,
            organisation,
            problem=f"{service.name} is {service.get_status_display().lower()}.",
            next_step="Choose another service.",
        )
    if not referral_recipients(service=service, organisation=organisation):
        return ReferralCheck(
            False,
            organisation,
            problem=f"Nobody at {organisation.name} can receive referrals in ECM at the moment: no one in its team "
            "for this service or among its managers and practitioners passes the checks needed to see a "
            "child's information.",
            next_step="Refer the way the service describes under 'How to refer', and tell the directory team.",
        )
    if child.status != ChildStatus.ACTIVE:
        return ReferralCheck(
            False, organisation, problem="This child's record is not active.", next_step="No referral can be sent."
        )
    if not child_visibility(None, child).copies_allowed:
        return ReferralCheck(
            False,
            organisation,
            problem="This child's record is shielded: a referral would tell another organisation where the child is.",
            next_step="Ask an index administrator, who can arrange the referral safely.",
        )
    if consent_covers(child, organisation, Scope.SHARE):
        basis = ReferralBasis.CONSENT
    elif decision_to_share_exists(child, organisation):
        basis = ReferralBasis.DECISION
    else:
        return ReferralCheck(
            False,
            organisation,
            problem=f"No consent to share covers {organisation.name}, and no decision to share with it without "
            "consent is recorded.",
            next_step=f"Ask the child or family for consent to share with {organisation.name} and record it, "
            "or, where the law allows sharing without consent, record a decision to share. Then come back.",
        )
    if Referral.objects.filter(child=child, service=service, status=ReferralStatus.SENT).exists():
        return ReferralCheck(
            False,
            organisation,
            problem=f"This child has already been referred to {service.name} and the service has not answered yet.",
            next_step="Wait for the answer, or withdraw the earlier referral first.",
        )
    return ReferralCheck(True, organisation, basis=basis)


def still_shareable(referral: Referral) -> bool:
    """Does consent (or a decision) still allow the child's information to go to the receiver?"""
    return sharing_allowed(referral.child, referral.receiving_organisation)


def service_choices(search: str, *, limit: int = 25) -> list[Service]:
    """Services a practitioner may refer to, by name or organisation (active ones first in name order)."""
    words = [w for w in search.split() if w][:5]
    if not words:
        return []
    qs = Service.objects.filter(status=ServiceStatus.ACTIVE).select_related("organization__provider")
    for word in words:
        qs = qs.filter(Q(name__icontains=word) | Q(organization__name__icontains=word) | Q(description__icontains=word))
    return list(qs.order_by("name", "id")[:limit])


def service_for_referral(service_id: Any) -> Service | None:
    try:
        return Service.objects.select_related("organization__provider").filter(pk=service_id).first()
    except (ValueError, TypeError, Exception):  # malformed UUID
        return None


def team_cafs(*, actor: Actor, child: Child) -> list[Assessment]:
    """Open CAFs of this child whose Team Around the Child the actor is in (or wrote)."""
    return list(
        Assessment.objects.filter(child=child)
        .filter(Q(author=actor) | Q(members__user=actor, members__removed_on__isnull=True))
        .exclude(status=CafStatus.CLOSED)
        .distinct()
        .order_by("-started_on")
    )


def base_queryset() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "child", "receiving_organisation", "referrer", "referrer_organisation", "decided_by", "assessment"
    )


def referrals_sent_by(user: Any) -> list[Referral]:
    return list(base_queryset().filter(children_visible(user, "child__"), referrer=user)[:200])


def referrals_received_by(organisation: Any, *, open_only: bool = False, actor: Actor | None = None) -> list[Referral]:
    """The organisation's incoming referrals (open ones first), of the children ``actor`` may see."""
    if organisation is None:
        return []
    qs = base_queryset().filter(children_visible(actor, "child__"), receiving_organisation=organisation)
    if open_only:
        qs = qs.filter(status=ReferralStatus.SENT)
    return sorted(qs[:200], key=lambda r: (r.status != ReferralStatus.SENT, -r.sent_at.timestamp()))


def referrals_for_record(*, child: Child, actor: Actor) -> list[Referral]:
    """Referrals of this child the viewer's organisation sent or received (others stay private to them)."""
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return []
    return list(
        base_queryset().filter(
            Q(referrer_organisation_id=organisation_id) | Q(receiving_organisation_id=organisation_id), child=child
        )
    )


def team_members(team: Team) -> list[User]:
    """The team's leader and everyone seconded to it today."""
    today = clock.today()
    current = team.secondments.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return [team.leader, *(s.user for s in current.select_related("user", "user__organisation"))]


def service_team(service: Service) -> Team | None:
    link = ServiceTeam.objects.filter(service=service).select_related("team__leader__organisation").first()
    return link.team if link else None


def _may_receive(person: User, organisation: Organisation) -> bool:
    """Works for the receiving organisation, answers referrals, and passes every child-data gate today."""
    return (
        person.organisation_id == organisation.pk
        and person.is_active
        and person.has_any_role(*RECEIVER_ROLES)
        and can_see_child_data(person)
    )


def referral_recipients(*, service: Service, organisation: Organisation) -> list[User]:
    """Who is told of a referral to ``service``: its team, else the organisation's managers, else its practitioners.

    Only people of the receiving organisation (the one the child's information is shared with) who pass
    the child-data gates (active, vetting in date, trained, agreement signed, organisation accredited).
    """
    team = service_team(service)
    if team is not None:
        people = [p for p in team_members(team) if _may_receive(p, organisation)]
        if people:
            return sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk)
    staff = [
        p
        for p in User.objects.filter(
            organisation=organisation, is_active=True, role_assignments__role__in=[str(r) for r in RECEIVER_ROLES]
        )
        .select_related("organisation")
        .distinct()
        .order_by("pk")
        if _may_receive(p, organisation)
    ]
    managers = [p for p in staff if p.has_any_role(Role.MANAGER)]
    return managers or staff


def teams_for_organisation(organisation: Organisation) -> list[Team]:
    """Teams that can receive referrals for the organisation: led by, or with a current member from, its staff."""
    today = clock.today()
    return list(
        Team.objects.filter(
            Q(leader__organisation=organisation)
            | Q(
                secondments__user__organisation=organisation,
                secondments__starts_on__lte=today,
            )
        )
        .distinct()
        .order_by("name")
    )


def services_of_organisation(organisation: Organisation) -> list[Service]:
    """The directory services whose provider is linked to the organisation, with their referral team."""
    return list(
        Service.objects.filter(organization__provider=organisation)
        .select_related("organization", "referral_team__team")
        .order_by("name", "id")
    )


def referral_open(*, actor: Actor, referral: Referral, as_receiver: bool) -> Referral:
    """Record that the actor saw the referral and the child's details in it (a sensitive read)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="referrals.referral_viewed",
            target=referral,
            data={"child_id": str(referral.child_id), "as_receiver": as_receiver, "status": referral.status},
        )
    return referral


def carers_of(child: Child) -> list[Any]:
    return list(child.carers.all())


def current_address(child: Child) -> Any:
    return child.current_address

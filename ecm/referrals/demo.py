"""Demo referrals (called by ``seed_demo`` after the directory and the CAF). Idempotent; synthetic data.

Links the directory's providers to ECM organisations so that most services can receive
referrals: the NHS trust to RY6, the council's children's services to LA-CSC, Leeds Family
Support Network to VOL-BRN (done by the directory demo), and four charities to organisations
made here with a manager and a family worker each. Bright Start Nurseries, a private company
not using ECM, stays unlinked: its services show how to refer outside ECM. Each linked
organisation gets a referrals team (its manager leading, its practitioners seconded), and its
services are given to that team. In the trust's team the school nurse whose vetting has
expired ("expired") is a member, and is not told of referrals.

Then one referral from the demo learning mentor ("teacher") to one of the trust's services, so
the demo health visitor ("practitioner") and the manager have a referral waiting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.models import Organisation, User
from ecm.accounts.services import organisation_create, practitioner_create
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.choices import ServiceStatus
from ecm.directory.demo import uid
from ecm.directory.models import Organization, Service
from ecm.directory.services import organization_link_provider
from ecm.multiagency.models import Team
from ecm.multiagency.services import secondment_start, team_create
from ecm.referrals.models import Referral
from ecm.referrals.selectors import referral_check
from ecm.referrals.services import referral_send, service_team_set

# Directory organisation key → ECM organisation code.
LINKED = {
    "lch": "RY6",
    "lcc": "LA-CSC",
    "lfsn": "VOL-BRN",
    "aire": "VOL-AVYC",
    "horizon": "VOL-HYT",
    "safehaven": "VOL-SHL",
    "mindsteps": "VOL-MSL",
}
# Organisations made here: code, name, e-mail, phone, (manager), (family worker).
NEW_ORGANISATIONS = [
    (
        "VOL-AVYC",
        "Aire Valley Young Carers",
        "referrals@airevalley.example.org.uk",
        "0113 496 0021",
        ("Joanne", "Pickering"),
        ("Kwame", "Asante"),
    ),
    (
        "VOL-HYT",
        "Horizon Youth Trust",
        "referrals@horizon.example.org.uk",
        "0113 496 0022",
        ("Declan", "Murphy"),
        ("Sofia", "Nowak"),
    ),
    (
        "VOL-SHL",
        "Safe Haven Leeds",
        "referrals@safehaven.example.org.uk",
        "0113 496 0023",
        ("Bernadette", "Cole"),
        ("Imran", "Hussain"),
    ),
    (
        "VOL-MSL",
        "MindSteps Leeds",
        "referrals@mindsteps.example.org.uk",
        "0113 496 0024",
        ("Eleanor", "Marsh"),
        ("Tariq", "Mahmood"),
    ),
]
# Staff made here for linked organisations that have no manager in the accounts demo.
EXTRA_MANAGERS = {
    "LA-CSC": ("Yvonne", "Clarke", "Social work team manager"),
    "VOL-BRN": ("Martin", "Hale", "Family support manager"),
}
DEMO_STAFF_PASSWORD = "demo-password-ecm-2026"


def _person(*, org: Organisation, first: str, last: str, title: str, roles: tuple[str, ...], actor: Actor) -> User:
    username = f"{first}.{last}".lower()
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    checked = clock.today() - dt.timedelta(days=300)
    return practitioner_create(
        actor=actor,
        username=username,
        password=DEMO_STAFF_PASSWORD,
        roles=roles,
        first_name=first,
        last_name=last,
        job_title=title,
        email=f"{username}@example.org.uk",
        phone=org.phone,
        organisation=org,
        vetting_checked_on=checked,
        training_completed_on=checked + dt.timedelta(days=7),
        agreement_signed_on=checked + dt.timedelta(days=7),
    )


def _organisations(*, actor: Actor, area: Any) -> None:
    for code, name, email, phone, manager, worker in NEW_ORGANISATIONS:
        org = Organisation.objects.filter(code=code).first() or organisation_create(
            actor=actor,
            code=code,
            name=name,
            organisation_type=OrganisationType.VOLUNTARY,
            local_authority=area,
            accredited_on=clock.today() - dt.timedelta(days=200),
            email=email,
            phone=phone,
        )
        _person(
            org=org,
            first=manager[0],
            last=manager[1],
            title="Services manager",
            roles=(Role.MANAGER, Role.PRACTITIONER),
            actor=actor,
        )
        _person(
            org=org, first=worker[0], last=worker[1], title="Family worker", roles=(Role.PRACTITIONER,), actor=actor
        )
    for code, (first, last, title) in EXTRA_MANAGERS.items():
        linked = Organisation.objects.filter(code=code).first()
        if linked is not None:
            _person(
                org=linked, first=first, last=last, title=title, roles=(Role.MANAGER, Role.PRACTITIONER), actor=actor
            )


def _team(*, actor: Actor, org: Organisation) -> Team | None:
    """The organisation's referrals team: its first manager leads, its other practitioners are seconded."""
    name = f"{org.name} referrals team"
    team = Team.objects.filter(name=name).first()
    if team is not None:
        return team
    people = list(
        User.objects.filter(organisation=org, role_assignments__role__in=[Role.MANAGER, Role.PRACTITIONER])
        .distinct()
        .order_by("date_joined", "pk")
    )
    leader = next((p for p in people if p.has_any_role(Role.MANAGER)), None)
    if leader is None:
        return None
    team = team_create(
        actor=actor,
        name=name,
        local_authority=org.local_authority,
        leader=leader,
        description=f"Receives and answers referrals to {org.name}'s services.",
    )
    for person in people:
        if person.pk != leader.pk and person.has_any_role(Role.PRACTITIONER):
            secondment_start(
                actor=leader,
                team=team,
                user=person,
                role_in_team=person.job_title or "Practitioner",
                starts_on=clock.today() - dt.timedelta(days=90),
            )
    return team


def link_providers(*, actor: Actor) -> int:
    """Link the directory's providers to ECM organisations and give their services a team; returns services."""
    area = Organisation.objects.filter(code="RY6").values_list("local_authority", flat=True).first()
    if area is None:
        return 0
    from ecm.accounts.models import LocalAuthority

    _organisations(actor=actor, area=LocalAuthority.objects.get(pk=area))
    given = 0
    for key, code in LINKED.items():
        directory_org = Organization.objects.filter(pk=uid("org", key)).first()
        org = Organisation.objects.filter(code=code).first()
        if directory_org is None or org is None:
            continue
        if directory_org.provider_id is None:
            organization_link_provider(actor=actor, organization=directory_org, provider=org)
        if directory_org.provider_id != org.pk:
            continue  # linked elsewhere by someone: leave it
        team = _team(actor=actor, org=org)
        if team is None:
            continue
        for service in Service.objects.filter(organization=directory_org).exclude(referral_team__isnull=False):
            service_team_set(actor=actor, service=service, team=team)
            given += 1
    return given


DEMO_REASON = (
    "{name}'s mother would like help with mornings and healthy routines; the Team Around the Child "
    "agreed a referral at the first meeting."
)


@transaction.atomic
def seed_referrals_demo(*, actor: Actor) -> str:
    """Link the demo health trust and send one demo referral to it."""
    trust = Organisation.objects.filter(code="RY6").first()
    directory_trust = Organization.objects.filter(pk=uid("org", "lch")).first()
    author = User.objects.filter(username="teacher").first()
    if trust is None or directory_trust is None or author is None:
        return "skipped (no demo directory or organisations)"
    link_providers(actor=actor)
    if Referral.objects.filter(referrer=author).exists():
        return "already loaded"
    assessment = Assessment.objects.filter(author=author).select_related("child").first()
    if assessment is None:
        return "provider linked; no demo CAF to refer from"
    for service in Service.objects.filter(organization=directory_trust, status=ServiceStatus.ACTIVE).order_by("name"):
        if referral_check(child=assessment.child, service=service).allowed:
            referral_send(
                actor=author,
                child=assessment.child,
                service=service,
                reason=DEMO_REASON.format(name=assessment.child.given_name),
                assessment=assessment,
            )
            return f"provider linked; 1 referral to {service.name}"
    return "provider linked; no service the demo consent allows"

"""Panels, teams and referrals made through the services, as people make them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.consent.tests.factories import give_consent
from ecm.core import clock
from ecm.core.actors import SYSTEM_SEED
from ecm.index.tests.factories import ChildFactory
from ecm.multiagency import services
from ecm.multiagency.choices import Weekday
from ecm.multiagency.models import Panel, PanelReferral


@dataclass
class PanelWorld:
    """A panel of three agencies (school, health, youth justice) with a chair, an administrator and a member,
    a referrer from the school, a child whose family consents to all three, and a stranger."""

    panel: Panel
    chair: Any
    admin: Any
    member: Any
    referrer: Any
    stranger: Any
    child: Any
    agencies: list[Any]
    manager: Any


def panel_world(**panel_kwargs: Any) -> PanelWorld:
    area = LocalAuthorityFactory()
    school = OrganisationFactory(name="Hill Primary School", local_authority=area)
    health = OrganisationFactory(
        name="Riverside Health", organisation_type=OrganisationType.NHS_TRUST, local_authority=area
    )
    yot = OrganisationFactory(
        name="Youth Justice Service", organisation_type=OrganisationType.YOUTH_OFFENDING_TEAM, local_authority=area
    )
    manager = UserFactory(
        roles=[Role.MANAGER, Role.PRACTITIONER], first_name="Mona", last_name="Manager", organisation=health
    )
    chair = UserFactory(first_name="Carl", last_name="Chair", organisation=yot)
    admin = UserFactory(first_name="Ada", last_name="Admin", organisation=health, manager=manager)
    member = UserFactory(first_name="Meg", last_name="Member", organisation=health)
    referrer = UserFactory(first_name="Rita", last_name="Referrer", organisation=school)
    stranger = UserFactory(first_name="Sid", last_name="Stranger")
    child = ChildFactory(given_name="Lily", family_name="Smith")
    give_consent(referrer, child, allowed_organisations=[school, health, yot])
    today = clock.today()
    panel = services.panel_create(
        actor=SYSTEM_SEED,
        name="North Inclusion Panel",
        local_authority=area,
        organisations=[school, health, yot],
        chair=chair,
        administrator=admin,
        weekday=panel_kwargs.get("weekday", today.weekday() if today.weekday() < 5 else Weekday.MONDAY),
        interval_weeks=panel_kwargs.get("interval_weeks", 4),
        schedule_starts_on=panel_kwargs.get("schedule_starts_on", today - dt.timedelta(weeks=8)),
    )
    services.panel_member_add(actor=SYSTEM_SEED, panel=panel, user=member)
    return PanelWorld(panel, chair, admin, member, referrer, stranger, child, [school, health, yot], manager)


def refer(world: PanelWorld, child: Any = None) -> PanelReferral:
    return services.panel_referral_make(
        actor=world.referrer, panel=world.panel, child=child or world.child, reason="Poor attendance, low mood"
    )


def consenting_child(world: PanelWorld, **kwargs: Any) -> Any:
    """Another child whose family consents to sharing with every agency on the panel."""
    child = ChildFactory(**kwargs)
    give_consent(world.referrer, child, allowed_organisations=world.agencies)
    return child


def youth_offending_team(name: str = "Youth Offending Team") -> dict[str, Any]:
    """A team led from a youth justice service, and a nurse (with her home manager) who may be seconded to it."""
    home_manager = UserFactory(roles=[Role.MANAGER, Role.PRACTITIONER], first_name="Hal", last_name="Home")
    nurse = UserFactory(
        first_name="Nia", last_name="Nurse", organisation=home_manager.organisation, manager=home_manager
    )
    leader = UserFactory(first_name="Lee", last_name="Leader", organisation=OrganisationFactory(name="Youth Justice"))
    team = services.team_create(
        actor=SYSTEM_SEED, name=name, local_authority=leader.organisation.local_authority, leader=leader
    )
    return {"team": team, "leader": leader, "nurse": nurse, "home_manager": home_manager}

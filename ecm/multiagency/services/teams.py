"""Multi-agency teams and secondments into them.

A secondment records the practitioner's home organisation and never changes their own record:
``User.organisation`` and ``User.manager`` stay, so employment, supervision, vetting and the
manager told about misuse alerts all remain at home. The team gains their caseload on its page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.multiagency.models import Secondment, Team
from ecm.multiagency.services.common import notify, require


@transaction.atomic
def team_create(*, actor: Actor, name: str, local_authority: Any, leader: Any, description: str = "") -> Team:
    """Set up a multi-agency team with its leader."""
    require(bool(name.strip()), "Enter the team's name.")
    require(local_authority is not None, "Choose the team's area.")
    require(leader is not None, "Choose the team leader.")
    team = Team(name=name.strip(), local_authority=local_authority, leader=leader, description=description.strip())
    team.stamp(actor, creating=True)
    team.save()
    audit_record(actor=actor, action="multiagency.team_created", target=team, data={"leader": leader.pk})
    notify(actor=actor, recipients=[leader], subject=f"You lead the {team.name}", link=f"/multiagency/teams/{team.pk}/")
    return team


def is_current(secondment: Secondment, on: dt.date | None = None) -> bool:
    day = on or clock.today()
    return secondment.starts_on <= day and (secondment.ends_on is None or secondment.ends_on >= day)


@transaction.atomic
def secondment_start(
    *, actor: Actor, team: Team, user: Any, role_in_team: str, starts_on: dt.date, ends_on: dt.date | None = None
) -> Secondment:
    """Second a practitioner into the team. Their organisation and manager do not change; both are told."""
    require(getattr(actor, "pk", None) == team.leader_id, "Only the team leader can add members.")
    require(user is not None and user.organisation_id is not None, "Choose a practitioner with a home organisation.")
    require(user.pk != team.leader_id, "The team leader already leads the team.")
    require(bool(role_in_team.strip()), "Enter their role in the team.")
    require(ends_on is None or ends_on >= starts_on, "The secondment must end after it starts.")
    require(
        not team.secondments.filter(user=user, ends_on__isnull=True).exists()
        and not team.secondments.filter(user=user, ends_on__gte=starts_on).exists(),
        "They are already seconded to this team.",
    )
    secondment = Secondment(
        team=team,
        user=user,
        home_organisation=user.organisation,
        role_in_team=role_in_team.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    secondment.stamp(actor, creating=True)
    secondment.save()
    audit_record(
        actor=actor,
        action="multiagency.secondment_started",
        target=team,
        data={"user": user.pk, "home_organisation": str(user.organisation_id), "starts_on": str(starts_on)},
    )
    notify(
        actor=actor,
        recipients=[user, user.manager],
        subject=f"{user.get_full_name() or user.username} is seconded to the {team.name}",
        body=(
            f"From {starts_on:%-d %B %Y} as {secondment.role_in_team}. They stay employed and supervised by "
            f"{user.organisation.name}."
        ),
        link=f"/multiagency/teams/{team.pk}/",
    )
    return secondment


@transaction.atomic
def secondment_end(*, actor: Actor, secondment: Secondment, ends_on: dt.date | None = None) -> Secondment:
    """End a secondment (today, unless a date is given); the practitioner's caseload leaves the team's page."""
    team = secondment.team
    require(getattr(actor, "pk", None) == team.leader_id, "Only the team leader can end a secondment.")
    day = ends_on or clock.today()
    require(secondment.ends_on is None or secondment.ends_on > day, "The secondment has already ended.")
    require(day >= secondment.starts_on, "The secondment cannot end before it starts.")
    secondment.ends_on = day
    secondment.stamp(actor)
    secondment.save()
    audit_record(
        actor=actor,
        action="multiagency.secondment_ended",
        target=team,
        data={"user": secondment.user_id, "ends_on": str(day)},
    )
    notify(
        actor=actor,
        recipients=[secondment.user, secondment.user.manager],
        subject=f"A secondment to the {team.name} ends on {day:%-d %B %Y}",
        link=f"/multiagency/teams/{team.pk}/",
    )
    return secondment

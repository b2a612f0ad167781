"""The permission matrix: every multi-agency page, for every kind of user, answers as expected.

Forbidden and missing both answer 404; a user blocked by the child-data gate gets 403 with the gaps listed;
someone signed out is sent to sign in.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.core.actors import SYSTEM_SEED
from ecm.multiagency import services
from ecm.multiagency.choices import PanelOutcome
from ecm.multiagency.tests.factories import consenting_child, panel_world, refer

pytestmark = pytest.mark.django_db

PRACTITIONERS = {"chair", "admin", "member", "referrer", "stranger", "manager", "leader", "secondee"}
OFFICERS = {"chair", "admin"}
MEMBERS = {"chair", "admin", "member"}


@pytest.fixture
def matrix():
    world = panel_world()
    clock.advance(dt.timedelta(days=-7))
    earlier_referral = refer(world)
    past = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today())
    services.agenda_build(actor=world.admin, meeting=past)
    services.attendance_record(actor=world.admin, meeting=past, attendees=[world.admin, world.member])
    services.outcome_record(
        actor=world.admin, item=past.items.get(), outcome=PanelOutcome.CONTINUE, discussion="Support continues"
    )
    services.meeting_finalise(actor=world.admin, meeting=past)
    clock.reset()
    referral = refer(world, consenting_child(world, given_name="Ben"))
    meeting = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today())
    services.agenda_build(actor=world.admin, meeting=meeting)
    item = meeting.items.get(referral=referral)
    leader = UserFactory(first_name="Lee", last_name="Leader")
    secondee = UserFactory(first_name="Sue", last_name="Secondee")
    team = services.team_create(
        actor=SYSTEM_SEED, name="Youth Offending Team", local_authority=world.panel.local_authority, leader=leader
    )
    secondment = services.secondment_start(
        actor=leader, team=team, user=secondee, role_in_team="Health worker", starts_on=clock.today()
    )
    assessment = complete_caf(world.admin, consenting_child(world, given_name="Cal"), allowed=world.agencies)
    users = {
        "chair": world.chair,
        "admin": world.admin,
        "member": world.member,
        "referrer": world.referrer,
        "stranger": world.stranger,
        "manager": world.manager,
        "leader": leader,
        "secondee": secondee,
        "indexadmin": UserFactory(roles=[Role.INDEX_ADMIN]),
        "expired": UserFactory(vetting_checked_on=clock.today() - dt.timedelta(days=365 * 4)),
    }
    p, m, i = world.panel.pk, meeting.pk, item.pk
    get_pages = [
        (reverse("multiagency:home"), PRACTITIONERS),
        (reverse("multiagency:panels"), PRACTITIONERS),
        (reverse("multiagency:panel_new"), {"manager"}),
        (reverse("multiagency:panel", args=[p]), PRACTITIONERS),
        (reverse("multiagency:member_add", args=[p]), OFFICERS),
        (reverse("multiagency:schedule", args=[p]), OFFICERS),
        (reverse("multiagency:refer", args=[p]), PRACTITIONERS),
        (reverse("multiagency:case", args=[referral.pk]), MEMBERS | {"referrer"}),
        (reverse("multiagency:case", args=[earlier_referral.pk]), MEMBERS | {"referrer"}),
        (reverse("multiagency:meeting", args=[m]), MEMBERS),
        (reverse("multiagency:meeting", args=[past.pk]), MEMBERS),
        (reverse("multiagency:attendance", args=[m]), OFFICERS),
        (reverse("multiagency:invite", args=[m, i]), OFFICERS),
        (reverse("multiagency:action_add", args=[m, i]), OFFICERS),
        (reverse("multiagency:outcome", args=[m, i]), OFFICERS),
        (reverse("multiagency:minutes", args=[past.pk]), MEMBERS),
        (reverse("multiagency:teams"), PRACTITIONERS),
        (reverse("multiagency:team_new"), {"manager"}),
        (reverse("multiagency:team", args=[team.pk]), {"leader", "secondee"}),
        (reverse("multiagency:secondment_add", args=[team.pk]), {"leader"}),
        (reverse("multiagency:caseloads"), {"manager"}),
        (reverse("multiagency:caseload", args=[world.admin.pk]), {"manager"}),
        (reverse("multiagency:reallocate", args=[world.admin.pk, assessment.pk]), {"manager"}),
    ]
    member = world.panel.members.get(user=world.member)
    action = services.panel_action_add(
        actor=world.admin, item=item, what="Call", owner=world.member, due_on=clock.today() + dt.timedelta(days=3)
    )
    post_pages = [
        (reverse("multiagency:member_remove", args=[p, member.pk]), OFFICERS),
        (reverse("multiagency:meeting_plan", args=[p]), OFFICERS),
        (reverse("multiagency:agenda_build", args=[m]), OFFICERS),
        (reverse("multiagency:item_remove", args=[m, i]), OFFICERS),
        (reverse("multiagency:finalise", args=[m]), OFFICERS),
        (reverse("multiagency:action_done", args=[action.pk]), OFFICERS | {"member"}),
        (reverse("multiagency:secondment_end", args=[team.pk, secondment.pk]), {"leader"}),
    ]
    return {"users": users, "get": get_pages, "post": post_pages, "meeting": meeting}


def expected(name: str, allowed: set[str]) -> int:
    if name == "expired":
        return 403
    return 200 if name in allowed else 404


def test_every_page_for_every_kind_of_user(matrix, sign_in) -> None:
    clients = {name: sign_in(Client(), user) for name, user in matrix["users"].items()}
    anonymous = Client()
    for url, allowed in matrix["get"]:
        assert anonymous.get(url).status_code == 302, url
        for name, client in clients.items():
            assert client.get(url).status_code == expected(name, allowed), (url, name)


def test_every_action_refuses_everyone_else(matrix, sign_in) -> None:
    """POST-only actions: 404 for anyone not allowed (nothing changes), 405 to a GET from someone allowed."""
    clients = {name: sign_in(Client(), user) for name, user in matrix["users"].items()}
    for url, allowed in matrix["post"]:
        assert Client().post(url).status_code == 302, url
        for name, client in clients.items():
            if name in allowed:
                assert client.get(url).status_code == 405, (url, name)
            else:
                assert client.post(url, {"held_on": clock.today().isoformat()}).status_code == expected(name, set()), (
                    url,
                    name,
                )
    meeting = matrix["meeting"]
    meeting.refresh_from_db()
    assert not meeting.is_finalised and meeting.items.count() == 2


def test_missing_objects_answer_404(matrix, sign_in) -> None:
    chair = sign_in(Client(), matrix["users"]["chair"])
    missing = str(uuid.uuid4())
    for url, _ in matrix["get"]:
        for part in url.strip("/").split("/"):
            try:
                uuid.UUID(part)
            except ValueError:
                continue
            assert chair.get(url.replace(part, missing)).status_code == 404, url

"""Who is told of a referral: the service's own team, only people who pass the child-data gates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.consent.tests.factories import give_consent
from ecm.core import clock
from ecm.core.actors import SystemActor
from ecm.multiagency.services import secondment_end, secondment_start, team_create
from ecm.notifications.models import Notification
from ecm.referrals.selectors import referral_check, referral_recipients
from ecm.referrals.services import ReferralError, referral_send, referral_withdraw, service_team_set

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


def told(referral_subject: str) -> set[int]:
    return set(Notification.objects.filter(subject__contains=referral_subject).values_list("recipient_id", flat=True))


def send(world: Any) -> Any:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    return referral_send(actor=world.referrer, child=world.child, service=world.service, reason="Help with routines")


def staff(world: Any, *roles: str, **fields: Any) -> Any:
    return UserFactory(organisation=world.provider, roles=list(roles) or [Role.PRACTITIONER], **fields)


def test_without_a_team_the_managers_are_told_not_everyone(world: Any) -> None:
    manager = staff(world, Role.MANAGER, Role.PRACTITIONER)
    send(world)
    assert told("New referral") == {manager.pk}  # not world.receiver, a practitioner


def test_the_services_team_is_told_and_only_those_who_pass_the_gates(world: Any) -> None:
    today = clock.today()
    leader = staff(world, Role.MANAGER, Role.PRACTITIONER)
    member = staff(world)
    expired = staff(world, vetting_checked_on=today - dt.timedelta(days=365 * 3 + 5))
    left = staff(world)
    elsewhere = UserFactory(roles=[Role.PRACTITIONER])  # seconded in from another organisation
    outside_team = staff(world, Role.MANAGER)
    team = team_create(
        actor=ACTOR, name="Family support team", local_authority=world.provider.local_authority, leader=leader
    )
    start = today - dt.timedelta(days=30)
    for person in (member, expired, left, elsewhere):
        secondment_start(actor=leader, team=team, user=person, role_in_team="Family worker", starts_on=start)
    secondment_end(actor=leader, secondment=team.secondments.get(user=left), ends_on=today - dt.timedelta(days=1))
    service_team_set(actor=ACTOR, service=world.service, team=team)

    assert {p.pk for p in referral_recipients(service=world.service, organisation=world.provider)} == {
        leader.pk,
        member.pk,
    }
    referral = send(world)
    assert told("New referral") == {leader.pk, member.pk}
    assert not {expired.pk, left.pk, elsewhere.pk, outside_team.pk, world.receiver.pk} & told("New referral")
    referral_withdraw(actor=world.referrer, referral=referral, reason="Family moved away")
    assert told("was withdrawn") == {leader.pk, member.pk}


def test_a_team_with_nobody_from_the_organisation_is_refused(world: Any) -> None:
    leader = UserFactory(roles=[Role.MANAGER])
    team = team_create(
        actor=ACTOR, name="Elsewhere team", local_authority=leader.organisation.local_authority, leader=leader
    )
    with pytest.raises(ReferralError, match="Nobody in Elsewhere team works for"):
        service_team_set(actor=ACTOR, service=world.service, team=team)


def test_nobody_able_to_receive_means_no_referral_with_a_way_forward(world: Any) -> None:
    world.receiver.vetting_checked_on = clock.today() - dt.timedelta(days=365 * 4)
    world.receiver.save()
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    check = referral_check(child=world.child, service=world.service)
    assert not check.allowed and "Nobody at" in check.problem and "How to refer" in check.next_step


def test_the_referral_emails_name_no_child(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send(world)
    assert [m.to for m in mail.outbox] == [[world.receiver.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    for detail in (world.child.given_name, world.child.family_name, "Help with routines", world.service.name):
        assert detail not in body
    assert "://" in body


def test_a_manager_chooses_the_team_for_a_service(world: Any, user_client: Any) -> None:
    from django.urls import reverse

    from conftest import page_text
    from ecm.referrals.models import ServiceTeam

    manager = staff(world, Role.MANAGER, Role.PRACTITIONER)
    team = team_create(
        actor=ACTOR, name="Parenting team", local_authority=world.provider.local_authority, leader=manager
    )
    client = user_client(manager)
    assert "Choose who is told of referrals" in page_text(client.get(reverse("referrals:home")))
    listing = page_text(client.get(reverse("referrals:service_teams")))
    assert "Parenting course" in listing and "Your organisation's managers" in listing
    url = reverse("referrals:service_team_edit", args=[world.service.pk])
    assert "Parenting team" in page_text(client.get(url))
    response = client.post(url, {"team": str(team.pk)})
    assert response.status_code == 302
    assert ServiceTeam.objects.get(service=world.service).team == team
    assert "Parenting team" in page_text(client.get(reverse("referrals:service_teams")))
    client.post(url, {"team": ""})
    assert not ServiceTeam.objects.filter(service=world.service).exists()
    # A practitioner, or a manager elsewhere, cannot reach it.
    assert user_client(world.receiver).get(url).status_code == 404
    assert user_client(UserFactory(roles=[Role.MANAGER])).get(url).status_code == 404

"""The consent register page: who sees it, what it shows, and withdrawal from it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.consent.choices import GivenBy
from ecm.consent.services import consent_withdraw
from ecm.consent.tests.factories import give_consent
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory, involvement

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    recorder = UserFactory(first_name="Rae", last_name="Recorder")
    involved = UserFactory()
    stranger = UserFactory()
    privacy = UserFactory(roles=[Role.PRIVACY_OFFICER])
    dm = UserFactory(roles=[Role.DATA_MANAGER])
    allowed, excluded = UserFactory().organisation, UserFactory().organisation
    child = ChildFactory(given_name="Maya", family_name="Reed")
    involvement(child, involved)
    standing = give_consent(
        recorder,
        child,
        allowed_organisations=[allowed],
        excluded_organisations=[excluded],
        given_by=GivenBy.CHILD,
        competence_judgement="Understands who will see it and why; asked good questions",
    )
    due = give_consent(
        recorder, child, given_on=clock.today() - dt.timedelta(days=200), review_on=clock.today() - dt.timedelta(days=1)
    )
    gone = give_consent(recorder, child)
    consent_withdraw(actor=recorder, consent=gone, reason="Mother phoned to withdraw")
    return locals()


def test_the_register_lists_every_consent_with_its_state(world, user_client) -> None:
    page = user_client(world["involved"]).get(reverse("consent:register", args=[world["child"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Standing" in html and "Due for review" in html and "Withdrawn" in html
    assert "Understands who will see it and why" in html
    assert world["allowed"].name in html and world["excluded"].name in html
    assert "Mother phoned to withdraw" in html and "Rae Recorder" in html
    assert html.count(">Withdraw<span") == 2  # the standing and the due ones, not the withdrawn one
    assert AuditEvent.objects.filter(action="consent.register_viewed", actor_id=str(world["involved"].pk)).exists()


def test_who_may_see_it(world, user_client) -> None:
    url = reverse("consent:register", args=[world["child"].pk])
    for who in ("recorder", "involved", "privacy", "dm"):
        assert user_client(world[who]).get(url).status_code == 200, who
    assert user_client(world["stranger"]).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="consent.register_denied", actor_id=str(world["stranger"].pk)).exists()
    assert user_client(world["dm"]).get(reverse("consent:register", args=[uuid.uuid4()])).status_code == 404


def test_withdrawal_from_the_page(world, user_client) -> None:
    child, consent = world["child"], world["standing"]
    url = reverse("consent:withdraw", args=[child.pk, consent.pk])
    client = user_client(world["involved"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Enter" in response.content.decode()
    response = client.post(url, {"reason": "Maya asked for the youth club to be told nothing more"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and "youth club" in consent.withdrawn_reason
    assert AuditEvent.objects.filter(action="consent.withdrawn", object_id=str(consent.pk)).exists()
    assert client.get(url).status_code == 404  # already withdrawn


def test_privacy_officers_and_strangers_cannot_withdraw(world, user_client) -> None:
    url = reverse("consent:withdraw", args=[world["child"].pk, world["standing"].pk])
    assert user_client(world["privacy"]).post(url, {"reason": "x y z"}).status_code == 404
    assert user_client(world["stranger"]).get(url).status_code == 404
    other = ChildFactory()
    assert (
        user_client(world["dm"]).get(reverse("consent:withdraw", args=[other.pk, world["standing"].pk])).status_code
        == 404
    )
    world["standing"].refresh_from_db()
    assert world["standing"].withdrawn_at is None


def test_the_child_record_links_to_the_register_for_someone_involved(world, user_client) -> None:
    from ecm.index.reasons import SESSION_KEY

    client = user_client(world["involved"])
    session = client.session
    session[SESSION_KEY] = {str(world["child"].pk): {"code": "safeguarding", "text": "", "at": clock.now().isoformat()}}
    session.save()
    html = client.get(reverse("index:record", args=[world["child"].pk])).content.decode()
    assert reverse("consent:register", args=[world["child"].pk]) in html

"""A provider's manager chooses which team is told of referrals to a service; axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.core.actors import SystemActor
from ecm.multiagency.services import team_create
from ecm.referrals.models import ServiceTeam

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def test_manager_gives_a_service_to_a_team(page: Any, browser_sign_in: Any, world: Any) -> None:
    manager = UserFactory(organisation=world.provider, roles=[Role.MANAGER, Role.PRACTITIONER])
    team = team_create(
        actor=SystemActor("test"), name="Parenting team", local_authority=world.provider.local_authority, leader=manager
    )
    browser_sign_in(page, manager, TEST_PASSWORD)
    page.goto("/referrals/")
    page.get_by_role("link", name="Choose who is told of referrals to your organisation's services").click()
    expect(page.get_by_role("heading", name="Who is told of referrals to your services")).to_be_visible()
    page.get_by_role("link", name="Change who is told of referrals to Parenting course").click()
    expect(page.get_by_role("group", name="Who should be told of referrals to this service?")).to_be_visible()
    page.get_by_label("Parenting team").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Referrals to Parenting course will be sent to Parenting team.")).to_be_visible()
    expect(page.get_by_role("cell", name="Parenting team", exact=True)).to_be_visible()
    assert ServiceTeam.objects.get(service=world.service).team == team

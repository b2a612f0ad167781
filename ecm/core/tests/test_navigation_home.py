"""Exactly one current navigation item; home pages promise the index only to roles that use it."""

from __future__ import annotations

import pytest

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "path"),
    [
        ([Role.PRACTITIONER], "/"),
        ([Role.PRACTITIONER], "/index/"),
        ([Role.PRACTITIONER, Role.MANAGER], "/caf/"),
        ([Role.PRACTITIONER, Role.MANAGER], "/budgets/allocations/"),
        ([Role.DIRECTORY_EDITOR], "/directory/team/"),
        ([Role.PRIVACY_OFFICER], "/misuse/staff/"),
    ],
)
def test_one_current_navigation_item(user_client, roles, path):
    response = user_client(UserFactory(roles=roles)).get(path)
    if response.status_code != 200:
        pytest.skip(f"{path} answers {response.status_code} for these roles")
    html = response.content.decode()
    assert html.count("govuk-service-navigation__item--active") == 1, path


def test_home_promises_the_index_only_to_index_roles(user_client):
    coordinator = page_text(user_client(UserFactory(roles=[Role.CAF_COORDINATOR])).get("/"))
    assert "you can use the child index" not in coordinator and "Your checks are up to date" in coordinator
    practitioner = page_text(user_client(UserFactory()).get("/"))
    assert "you can use the child index" in practitioner

"""A referral world: a provider organisation linked to a directory service, a referrer, a receiver, a child."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.core.actors import SystemActor
from ecm.directory.services import organization_link_provider
from ecm.directory.tests import factories as df
from ecm.index.tests.factories import ChildFactory


@dataclass
class World:
    provider: Any  # the accounts organisation receiving referrals
    organization: Any  # the directory organisation linked to it
    service: Any
    referrer: Any
    receiver: Any
    child: Any


@pytest.fixture
def world(db: Any) -> World:
    provider = OrganisationFactory(name="Harehills Family Support")
    organization = df.OrganizationFactory(name="Harehills Family Support (directory)")
    organization_link_provider(actor=SystemActor("test"), organization=organization, provider=provider)
    service = df.ServiceFactory(organization=organization, name="Parenting course")
    referrer = UserFactory(roles=[Role.PRACTITIONER], first_name="Helen", last_name="Wright")
    receiver = UserFactory(roles=[Role.PRACTITIONER], organisation=provider, first_name="Sam", last_name="Okafor")
    child = ChildFactory(given_name="Lily", family_name="Ashworth")
    return World(provider, organization, service, referrer, receiver, child)


def give_reason(client: Any, child: Any) -> Any:
    return client.post(reverse("index:reason", args=[child.pk]), {"reason_code": "find_practitioners"})

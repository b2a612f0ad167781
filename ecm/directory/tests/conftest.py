"""Directory fixtures: the Leeds demo directory, people in the directory team and a provider."""

from __future__ import annotations

from typing import Any

import pytest

from ecm.core.actors import SystemActor

SEED = SystemActor("directory-test")


@pytest.fixture
def demo(db: Any) -> Any:
    """The full Leeds demo directory (155 services)."""
    from ecm.directory.demo import seed_directory_demo

    seed_directory_demo(actor=SEED)
    return SEED


@pytest.fixture
def team_user(db: Any) -> Any:
    from ecm.accounts.choices import Role
    from ecm.accounts.tests.factories import UserFactory

    return UserFactory(roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def practitioner(db: Any) -> Any:
    from ecm.accounts.tests.factories import UserFactory

    return UserFactory()

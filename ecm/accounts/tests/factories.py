"""Factories for areas, organisations and practitioners (Faker, en_GB)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.models import LocalAuthority, Organisation, RoleAssignment, User
from ecm.core import clock

factory.Faker._DEFAULT_LOCALE = "en_GB"

TEST_PASSWORD = "a-long-test-password-2026"
_HASHED: list[str] = []


def hashed_test_password() -> str:
    """Argon2 is slow on purpose; hash the shared test password once per run."""
    if not _HASHED:
        from django.contrib.auth.hashers import make_password

        _HASHED.append(make_password(TEST_PASSWORD))
    return _HASHED[0]


class LocalAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E0{8000000 + n}")
    name = factory.Faker("city")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.organisation_type.title()} {n}")
    organisation_type = OrganisationType.SCHOOL
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    accredited_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=365))
    email = factory.Faker("company_email")
    phone = factory.Faker("phone_number")


class UserFactory(DjangoModelFactory):
    """A practitioner who passes every gate by default; pass ``roles=[...]`` to change roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    job_title = "Practitioner"
    organisation = factory.SubFactory(OrganisationFactory)
    vetting_checked_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=200))
    training_completed_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=190))
    agreement_signed_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=190))
    password = factory.LazyFunction(lambda: hashed_test_password())

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        roles = [Role.PRACTITIONER] if extracted is None else list(extracted)
        if create:
            RoleAssignment.objects.bulk_create([RoleAssignment(user=self, role=r) for r in roles])
            self.__dict__.pop("_role_codes", None)

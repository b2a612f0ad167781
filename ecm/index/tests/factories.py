"""Factories for children, carers and involvements (Faker en_GB). Children are made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from ecm.accounts.choices import OrganisationType
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index import services
from ecm.index.choices import CarerRelationship, Gender, ServiceCategory
from ecm.index.models import Child, Involvement

factory.Faker._DEFAULT_LOCALE = "en_GB"


class ChildFactory(factory.Factory):
    """A child on the index, created with ``child_create`` (so keys and audit are real)."""

    class Meta:
        model = Child

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=365 * 8))
    gender = Gender.FEMALE
    address = factory.LazyFunction(lambda: {"address_line_1": "1 Test Street", "postcode": "LS1 4AP", "town": "Leeds"})
    carers = factory.LazyAttribute(
        lambda o: [
            {
                "given_name": "Parent",
                "family_name": o.family_name,
                "relationship": CarerRelationship.MOTHER,
                "phone": "0113 496 0999",
                "email": "parent@example.com",
            }
        ]
    )

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Child:
        actor = kwargs.pop("actor", SYSTEM_COMMAND)
        shielded = kwargs.pop("shielded", False)
        child = services.child_create(actor=actor, **kwargs)
        if shielded:
            services.child_shield_set(actor=SYSTEM_COMMAND, child=child, reason="Test shield")
        return child

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Child:
        raise NotImplementedError("Children are only created through services.child_create")


def school(**kwargs: Any) -> Any:
    return OrganisationFactory(organisation_type=OrganisationType.SCHOOL, **kwargs)


def gp_practice(**kwargs: Any) -> Any:
    return OrganisationFactory(organisation_type=OrganisationType.GP_PRACTICE, **kwargs)


def involvement(child: Child, practitioner: Any = None, **kwargs: Any) -> Involvement:
    practitioner = practitioner or UserFactory()
    values: dict[str, Any] = {"service": "Health visiting", "service_category": ServiceCategory.HEALTH, **kwargs}
    return services.involvement_add(actor=SYSTEM_COMMAND, child=child, practitioner=practitioner, **values)


SEARCH_BIRTH_DATE = dt.date(2016, 4, 12)


def search_smith(client: Any, **extra: str) -> Any:
    """POST the index search form for family name Smith born on ``SEARCH_BIRTH_DATE``; ``extra`` overrides fields."""
    from django.urls import reverse

    data = {
        "family_name": "Smith",
        "date_of_birth_0": SEARCH_BIRTH_DATE.day,
        "date_of_birth_1": SEARCH_BIRTH_DATE.month,
        "date_of_birth_2": SEARCH_BIRTH_DATE.year,
        "given_name": "",
        "postcode": "",
        "gender": "",
        **extra,
    }
    return client.post(reverse("index:search"), data)

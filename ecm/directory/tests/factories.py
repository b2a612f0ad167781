"""Factories for directory records (Faker, en_GB). Places are real Leeds coordinates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from ecm.core import clock
from ecm.directory import models as m

factory.Faker._DEFAULT_LOCALE = "en_GB"

# Real places in Leeds (latitude, longitude).
LEEDS_CIVIC_HALL = (53.8017, -1.5491)
HAREHILLS = (53.8130, -1.5110)
BEESTON = (53.7745, -1.5620)
MORLEY = (53.7440, -1.6010)
OTLEY = (53.9050, -1.6920)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = m.Organization

    name = factory.Faker("company")
    description = factory.Faker("sentence")


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = m.Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n:04d}")
    description = factory.Faker("sentence")
    eligibility_description = "Families living in Leeds."
    application_process = "Phone us to refer."
    last_reviewed_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=30))


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = m.Location

    name = factory.Sequence(lambda n: f"Venue {n}")
    latitude, longitude = LEEDS_CIVIC_HALL


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = m.Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Faker("street_address")
    city = "Leeds"
    state_province = "West Yorkshire"
    postal_code = "LS1 1UR"


class ServiceAtLocationFactory(DjangoModelFactory):
    class Meta:
        model = m.ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> m.ServiceAtLocation:
        from ecm.directory.services.search_index import fill_search_columns

        sal = fill_search_columns(model_class(*args, **kwargs))
        sal.save()
        return sal


class TaxonomyFactory(DjangoModelFactory):
    class Meta:
        model = m.Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")
    description = "Test taxonomy"


class TermFactory(DjangoModelFactory):
    class Meta:
        model = m.TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    name = factory.Sequence(lambda n: f"Need {n}")
    description = "A need"


def tag(service: m.Service, term: m.TaxonomyTerm) -> m.Attribute:
    return m.Attribute.objects.create(link_id=service.id, link_entity="service", taxonomy_term=term)


def schedule(service: m.Service, byday: str, opens: str, closes: str) -> m.Schedule:
    return m.Schedule.objects.create(
        service=service, byday=byday, opens_at=dt.time.fromisoformat(opens), closes_at=dt.time.fromisoformat(closes)
    )


def placed(name: str, point: tuple[float, float], **service_fields: Any) -> m.ServiceAtLocation:
    """A service delivered at one location at ``point``."""
    service = ServiceFactory(name=name, **service_fields)
    location = LocationFactory(name=f"{name} venue", latitude=point[0], longitude=point[1])
    return ServiceAtLocationFactory(service=service, location=location)

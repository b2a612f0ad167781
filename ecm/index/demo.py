"""Synthetic demo children for the demo area (called by ``seed_demo``). Idempotent; no real people.

About 300 children with carers, schools that fit their age (primary 4-10, secondary 11-16)
and GP practices from the given organisations, and involvements of the given practitioners
only where a practitioner of that kind would work with a child of that age (health visitors
and children's centres with the under-fives, a school with its own pupils, youth justice
from 10); among them one sensitive-service
involvement, one shielded child, and twelve children called Smith born on
12 April 2016 so that "too many matches" can be shown (search: Smith, 12 4 2016).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from faker import Faker

from ecm.accounts.choices import OrganisationType
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index import services
from ecm.index.choices import CarerRelationship, ContactReason, Gender, SensitiveBasis, ServiceCategory
from ecm.index.models import Child

DEMO_CHILDREN = 300
COMMON_SURNAME, COMMON_BIRTHDAY, COMMON_COUNT = "Smith", dt.date(2016, 4, 12), 12
SHIELDED = ("Maya", "Hartley", dt.date(2014, 11, 3))
SENSITIVE = ("Jade", "Rowntree", dt.date(2009, 7, 21))
POSTCODES = ["LS7 3AB", "LS8 2QT", "LS9 6NP", "LS6 1HE", "LS11 5DL", "LS12 3PT", "LS14 1AD", "LS17 6JU"]
STREETS = [
    "Chapeltown Road",
    "Harehills Lane",
    "Roundhay Road",
    "Kirkstall Road",
    "Dewsbury Road",
    "Tong Road",
    "Seacroft Avenue",
    "Alwoodley Lane",
]
SERVICES = {
    OrganisationType.NHS_TRUST: ("Health visiting", ServiceCategory.HEALTH),
    OrganisationType.SCHOOL: ("Pastoral support", ServiceCategory.EDUCATION),
    OrganisationType.CHILDRENS_CENTRE: ("Family outreach", ServiceCategory.EARLY_YEARS),
    OrganisationType.LOCAL_AUTHORITY_SERVICE: ("Children's social work", ServiceCategory.SOCIAL_CARE),
    OrganisationType.YOUTH_OFFENDING_TEAM: ("Youth justice", ServiceCategory.YOUTH_JUSTICE),
    OrganisationType.POLICE: ("Safeguarding unit", ServiceCategory.POLICE),
    OrganisationType.VOLUNTARY: ("Family support", ServiceCategory.VOLUNTARY),
}


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _is_primary(school: Any) -> bool:
    return any(word in school.name.lower() for word in ("primary", "infant", "junior"))


def _school_for(rng: random.Random, schools: list[Any], age: int) -> Any:
    """A school the child's age fits: primary from 4 to 10, secondary from 11 to 16, none before or after."""
    if 4 <= age <= 10:
        fitting = [s for s in schools if _is_primary(s)] or schools
    elif 11 <= age <= 16:
        fitting = [s for s in schools if not _is_primary(s)] or schools
    else:
        return None
    return rng.choice(fitting) if fitting else None


def _fits(practitioner: Any, child: Child, today: dt.date) -> bool:
    """Whether a practitioner's service would plausibly work with this child (age, school)."""
    kind = practitioner.organisation.organisation_type
    age = _age(child.date_of_birth, today) if child.date_of_birth else 0
    if kind == OrganisationType.SCHOOL:
        return child.school_id == practitioner.organisation_id
    if kind in (OrganisationType.NHS_TRUST, OrganisationType.CHILDRENS_CENTRE):
        return age < 5  # health visiting and children's centres: the under-fives
    if kind == OrganisationType.YOUTH_OFFENDING_TEAM:
        return age >= 10  # the age of criminal responsibility
    return True


def _label(actor: Actor) -> str:
    return str(actor)


def _address(rng: random.Random) -> dict[str, str]:
    return {
        "address_line_1": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        "town": "Leeds",
        "postcode": rng.choice(POSTCODES),
    }


def _carers(fake: Faker, rng: random.Random, family: str) -> list[dict[str, Any]]:
    mother = {
        "given_name": fake.first_name_female(),
        "family_name": family,
        "relationship": CarerRelationship.MOTHER,
        "phone": f"07700 900{rng.randint(100, 999)}",
        "email": f"parent{rng.randint(1000, 9999)}@example.com",
    }
    carers = [mother]
    if rng.random() < 0.6:
        carers.append(
            {
                "given_name": fake.first_name_male(),
                "family_name": family,
                "relationship": CarerRelationship.FATHER,
                "phone": f"07700 900{rng.randint(100, 999)}",
            }
        )
    return carers


@transaction.atomic
def seed_index_demo(*, actor: Actor, organisations: Iterable[Any], practitioners: Iterable[Any]) -> str:
    """Create the demo children once; a second run finds them and changes nothing."""
    if Child.objects.filter(created_by_label=_label(actor)).exists():
        return "child index demo data already present"
    organisations = list(organisations)
    practitioners = [p for p in practitioners if p.organisation_id]
    schools = [o for o in organisations if o.organisation_type == OrganisationType.SCHOOL]
    gps = [o for o in organisations if o.organisation_type == OrganisationType.GP_PRACTICE]
    area = next((o.local_authority for o in organisations if o.local_authority_id), None)
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    rng = random.Random(2026)
    today = clock.today()

    def make(given: str, family: str, born: dt.date, gender: str, **extra: Any) -> Child:
        return services.child_create(
            actor=actor,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            gender=gender,
            address=_address(rng),
            carers=_carers(fake, rng, family),
            local_authority=area,
            school=_school_for(rng, schools, _age(born, today)),
            gp_practice=rng.choice(gps) if gps and rng.random() < 0.95 else None,
            **extra,
        )

    children = []
    for _ in range(DEMO_CHILDREN - COMMON_COUNT - 2):
        gender = rng.choice([Gender.FEMALE, Gender.MALE])
        given = fake.first_name_female() if gender == Gender.FEMALE else fake.first_name_male()
        born = today - dt.timedelta(days=rng.randint(30, 17 * 365))
        children.append(make(given, fake.last_name(), born, gender))
    for _ in range(COMMON_COUNT):
        gender = rng.choice([Gender.FEMALE, Gender.MALE])
        given = fake.first_name_female() if gender == Gender.FEMALE else fake.first_name_male()
        children.append(make(given, COMMON_SURNAME, COMMON_BIRTHDAY, gender))
    shielded = make(SHIELDED[0], SHIELDED[1], SHIELDED[2], Gender.FEMALE)
    services.child_shield_set(actor=actor, child=shielded, reason="Demo: domestic violence risk")
    sensitive = make(SENSITIVE[0], SENSITIVE[1], SENSITIVE[2], Gender.FEMALE)
    children.append(sensitive)

    involvements = 0
    sexual_health = next((p for p in practitioners if "sexual health" in p.organisation.name.lower()), None)
    if sexual_health:
        services.involvement_add(
            actor=actor,
            child=sensitive,
            practitioner=sexual_health,
            service="Young people's sexual health clinic",
            service_category=ServiceCategory.SEXUAL_HEALTH,
            sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
            started_on=today - dt.timedelta(days=60),
        )
        involvements += 1
    workers = [p for p in practitioners if p.organisation.organisation_type in SERVICES and p is not sexual_health]
    for child in children[::3]:
        fitting = [p for p in workers if _fits(p, child, today)]
        for practitioner in rng.sample(fitting, k=min(len(fitting), rng.randint(1, 2))):
            service, category = SERVICES[practitioner.organisation.organisation_type]
            made = services.involvement_add(
                actor=actor,
                child=child,
                practitioner=practitioner,
                service=service,
                service_category=category,
                started_on=today - dt.timedelta(days=rng.randint(10, 700)),
                wishes_to_be_contacted=rng.random() < 0.3,
                contact_reason=ContactReason.INFORMATION_TO_SHARE,
            )
            lead_taken = child.involvements.filter(is_lead_professional=True, ended_on__isnull=True).exists()
            if rng.random() < 0.15 and not lead_taken:  # one lead professional per child
                services.involvement_set_flags(
                    actor=actor, involvement=made, is_lead_professional=True, has_undertaken_caf=True
                )
            involvements += 1
    return (
        f"{len(children) + 1} children ({COMMON_COUNT} called {COMMON_SURNAME} born "
        f"{COMMON_BIRTHDAY:%-d %B %Y}; {SHIELDED[0]} {SHIELDED[1]} shielded), {involvements} involvements"
    )

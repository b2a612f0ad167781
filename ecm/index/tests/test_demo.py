"""The demo data: idempotent, and it shows too-many-matches, a shielded child and a sensitive service."""

from __future__ import annotations

import pytest

from ecm.accounts.choices import OrganisationType
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.core.actors import SYSTEM_SEED
from ecm.index.demo import COMMON_BIRTHDAY, COMMON_SURNAME, seed_index_demo
from ecm.index.models import Child, Involvement
from ecm.index.search.criteria import SearchCriteria
from ecm.index.selectors import child_search

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_demonstrates_the_rules():
    orgs = [
        OrganisationFactory(organisation_type=t)
        for t in (OrganisationType.SCHOOL, OrganisationType.GP_PRACTICE, OrganisationType.NHS_TRUST)
    ]
    clinic = OrganisationFactory(organisation_type=OrganisationType.NHS_TRUST, name="Leeds Sexual Health Service")
    people = [UserFactory(organisation=o) for o in [*orgs, clinic]]
    seed_index_demo(actor=SYSTEM_SEED, organisations=[*orgs, clinic], practitioners=people)
    count = Child.objects.count()
    assert 290 <= count <= 310
    assert "already" in seed_index_demo(actor=SYSTEM_SEED, organisations=orgs, practitioners=people)
    assert Child.objects.count() == count
    assert Child.objects.filter(is_shielded=True).count() == 1
    assert Involvement.objects.filter(service_category="sexual_health").count() == 1
    result = child_search(
        actor=people[0], criteria=SearchCriteria(family_name=COMMON_SURNAME, birth_date=COMMON_BIRTHDAY)
    )
    assert result.too_many

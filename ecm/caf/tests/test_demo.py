"""The demo CAF loads once, through the services."""

from __future__ import annotations

import pytest

from ecm.accounts.demo import seed_accounts_demo
from ecm.accounts.models import Organisation, User
from ecm.caf.choices import CafStatus
from ecm.caf.demo import seed_caf_demo
from ecm.caf.models import Assessment
from ecm.core.actors import SYSTEM_SEED
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_seed_caf_demo_is_idempotent() -> None:
    assert seed_caf_demo(actor=SYSTEM_SEED).startswith("skipped")
    seed_accounts_demo()
    ChildFactory()
    summary = seed_caf_demo(actor=SYSTEM_SEED)
    assert summary.startswith("CAF ")
    assert seed_caf_demo(actor=SYSTEM_SEED) == "already loaded"
    assessment = Assessment.objects.get()
    assert assessment.status == CafStatus.COMPLETED and assessment.author == User.objects.get(username="teacher")
    assert assessment.leads.get().member.user == User.objects.get(username="practitioner")
    assert Organisation.objects.get(code="WYP") in assessment.consent.excluded_organisations.all()

"""The demo requests load once, through the services."""

from __future__ import annotations

import pytest

from ecm.accounts.demo import seed_accounts_demo
from ecm.caf.demo import seed_caf_demo
from ecm.core.actors import SYSTEM_SEED
from ecm.index.tests.factories import ChildFactory
from ecm.rights.demo import seed_rights_demo
from ecm.rights.models import AccessRequest, RectificationRequest

pytestmark = pytest.mark.django_db


def test_seed_rights_demo_is_idempotent() -> None:
    assert seed_rights_demo(actor=SYSTEM_SEED).startswith("skipped")
    seed_accounts_demo()
    ChildFactory()
    seed_caf_demo(actor=SYSTEM_SEED)
    assert seed_rights_demo(actor=SYSTEM_SEED).startswith("2 subject access")
    assert seed_rights_demo(actor=SYSTEM_SEED) == "already loaded"
    assert AccessRequest.objects.count() == 2 and RectificationRequest.objects.count() == 1
    assert AccessRequest.objects.filter(extended_due_on__isnull=False).count() == 1

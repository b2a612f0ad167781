"""The demo sharing data loads once, through the services."""

from __future__ import annotations

import pytest

from ecm.accounts.demo import seed_accounts_demo
from ecm.accounts.models import User
from ecm.core.actors import SYSTEM_SEED
from ecm.index.tests.factories import ChildFactory
from ecm.sharing.choices import DraftStatus
from ecm.sharing.demo import seed_sharing_demo
from ecm.sharing.models import DecisionDraft, Disclosure, SharingAdviser, SharingDecision
from ecm.sharing.selectors import advice_waiting_for, countersignatures_waiting_for

pytestmark = pytest.mark.django_db


def test_seed_sharing_demo_is_idempotent() -> None:
    assert seed_sharing_demo(actor=SYSTEM_SEED).startswith("skipped")
    seed_accounts_demo()
    ChildFactory()
    ChildFactory()
    assert "waiting for the manager's review" in seed_sharing_demo(actor=SYSTEM_SEED)
    assert seed_sharing_demo(actor=SYSTEM_SEED) == "already loaded"
    manager = User.objects.get(username="manager")
    assert SharingDecision.objects.count() == 1 and SharingAdviser.objects.count() == 1
    assert DecisionDraft.objects.get().status == DraftStatus.WAITING_FOR_ADVICE
    adviser = User.objects.get(username="socialworker")
    assert len(countersignatures_waiting_for(manager)) == 1 and len(advice_waiting_for(adviser)) == 1
    urgent = SharingDecision.objects.get()
    assert urgent.urgent and urgent.in_force and Disclosure.objects.get().decision == urgent

"""The demo referral loads once, through the services, after the accounts, index, CAF and directory demos."""

from __future__ import annotations

import pytest

from ecm.accounts.demo import seed_accounts_demo
from ecm.accounts.models import Organisation, User
from ecm.caf.demo import seed_caf_demo
from ecm.core.actors import SYSTEM_SEED
from ecm.directory.demo import seed_directory_demo
from ecm.index.tests.factories import ChildFactory
from ecm.referrals.choices import ReferralStatus
from ecm.referrals.demo import seed_referrals_demo
from ecm.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_seed_referrals_demo_is_idempotent() -> None:
    assert seed_referrals_demo(actor=SYSTEM_SEED).startswith("skipped")
    seed_accounts_demo()
    ChildFactory()
    seed_caf_demo(actor=SYSTEM_SEED)
    seed_directory_demo(actor=SYSTEM_SEED)
    summary = seed_referrals_demo(actor=SYSTEM_SEED)
    assert summary.startswith("provider linked; 1 referral to "), summary
    assert seed_referrals_demo(actor=SYSTEM_SEED) == "already loaded"
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.referrer == User.objects.get(username="teacher")
    assert referral.receiving_organisation == Organisation.objects.get(code="RY6")
    assert referral.assessment is not None

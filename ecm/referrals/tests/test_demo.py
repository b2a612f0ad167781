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


def test_most_demo_providers_can_receive_referrals_through_their_team() -> None:
    from ecm.directory.models import Service
    from ecm.referrals.models import ServiceTeam
    from ecm.referrals.selectors import referral_recipients

    seed_accounts_demo()
    seed_directory_demo(actor=SYSTEM_SEED, provider=Organisation.objects.get(code="VOL-BRN"))
    seed_referrals_demo(actor=SYSTEM_SEED)
    services = list(Service.objects.select_related("organization__provider"))
    linked = [s for s in services if s.organization.provider_id]
    assert len(linked) > 0.8 * len(services)
    for service in linked:
        assert ServiceTeam.objects.filter(service=service).exists(), service.name
        assert referral_recipients(service=service, organisation=service.organization.provider), service.name
    trust_service = next(s for s in linked if s.organization.provider.code == "RY6")
    told = {
        p.username for p in referral_recipients(service=trust_service, organisation=trust_service.organization.provider)
    }
    assert {"manager", "practitioner"} <= told and "expired" not in told
    before = ServiceTeam.objects.count()
    seed_referrals_demo(actor=SYSTEM_SEED)
    assert ServiceTeam.objects.count() == before

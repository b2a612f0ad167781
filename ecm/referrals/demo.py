"""Demo referrals (called by ``seed_demo`` after the directory and the CAF). Idempotent; synthetic data.

Links the directory's Leeds Community Healthcare NHS Trust to the demo NHS trust (RY6), whose
health visitors the demo CAF's consent allows, and sends one referral from the demo learning
mentor ("teacher") to one of its services, so the demo health visitor ("practitioner") has a
referral waiting. The directory's Leeds Family Support Network is linked to VOL-BRN by the
directory demo already.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.models import Organisation, User
from ecm.caf.models import Assessment
from ecm.directory.choices import ServiceStatus
from ecm.directory.demo import uid
from ecm.directory.models import Organization, Service
from ecm.directory.services import organization_link_provider
from ecm.referrals.models import Referral
from ecm.referrals.selectors import referral_check
from ecm.referrals.services import referral_send

DEMO_REASON = (
    "{name}'s mother would like help with mornings and healthy routines; the Team Around the Child "
    "agreed a referral at the first meeting."
)


@transaction.atomic
def seed_referrals_demo(*, actor: Any) -> str:
    """Link the demo health trust and send one demo referral to it."""
    trust = Organisation.objects.filter(code="RY6").first()
    directory_trust = Organization.objects.filter(pk=uid("org", "lch")).first()
    author = User.objects.filter(username="teacher").first()
    if trust is None or directory_trust is None or author is None:
        return "skipped (no demo directory or organisations)"
    if directory_trust.provider_id is None:
        organization_link_provider(actor=actor, organization=directory_trust, provider=trust)
    if Referral.objects.filter(referrer=author).exists():
        return "already loaded"
    assessment = Assessment.objects.filter(author=author).select_related("child").first()
    if assessment is None:
        return "provider linked; no demo CAF to refer from"
    for service in Service.objects.filter(organization=directory_trust, status=ServiceStatus.ACTIVE).order_by("name"):
        if referral_check(child=assessment.child, service=service).allowed:
            referral_send(
                actor=author,
                child=assessment.child,
                service=service,
                reason=DEMO_REASON.format(name=assessment.child.given_name),
                assessment=assessment,
            )
            return f"provider linked; 1 referral to {service.name}"
    return "provider linked; no service the demo consent allows"

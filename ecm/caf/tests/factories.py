"""CAFs made through the services, as practitioners make them."""

from __future__ import annotations

from typing import Any

from ecm.caf import services
from ecm.caf.models import Assessment
from ecm.consent.tests.factories import give_consent

FULL_SECTIONS = {
    "reason": "Poor attendance and low mood",
    "present": "Mother, child and school nurse",
    "general_health__needs": "Frequent headaches",
    "emotional_warmth__strengths": "Warm relationship with mother",
    "conclusions": "Support with attendance and a referral to the school nurse",
    "child_comments": "I want to go to football club",
    "parent_comments": "We need help with mornings",
}


def start_caf(author: Any, child: Any, *, allowed: list[Any] | None = None, **consent: Any) -> Assessment:
    record = give_consent(author, child, allowed_organisations=allowed or [], **consent)
    return services.assessment_start(actor=author, child=child, consent=record)


def complete_caf(author: Any, child: Any, **kwargs: Any) -> Assessment:
    assessment = start_caf(author, child, **kwargs)
    services.assessment_save_section(actor=author, assessment=assessment, values=FULL_SECTIONS)
    return services.assessment_complete(actor=author, assessment=assessment, consent_confirmed=True)

"""Consent made through the service, as a practitioner records it."""

from __future__ import annotations

from typing import Any

from ecm.consent import services
from ecm.consent.choices import ConsentForm, GivenBy, ParentRelationship
from ecm.consent.models import ConsentRecord


def give_consent(practitioner: Any, child: Any, **overrides: Any) -> ConsentRecord:
    values: dict[str, Any] = {
        "given_by": GivenBy.PARENT,
        "parent_name": "Parent Test",
        "parent_relationship": ParentRelationship.MOTHER,
        "form": ConsentForm.WRITTEN,
        "undertake": True,
        "record": True,
        "share": True,
        "share_purpose": "To plan support with the agencies named, while the CAF is open",
        "family_informed": True,
        **overrides,
    }
    return services.consent_record(actor=practitioner, child=child, **values)

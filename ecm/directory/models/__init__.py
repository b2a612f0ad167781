"""The service directory's models: the HSDS 3.0 entities and the moderation, freshness and analytics records.

No model here points at a child, so nothing the public API serves can leak one.
"""

from ecm.directory.models.details import (
    Accessibility,
    Attribute,
    Contact,
    CostOption,
    Language,
    Metadata,
    Phone,
    Schedule,
    ServiceArea,
    Taxonomy,
    TaxonomyTerm,
)
from ecm.directory.models.entities import (
    Address,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
)
from ecm.directory.models.workflow import (
    FreshnessReminder,
    ProblemReport,
    SearchEvent,
    ServiceChange,
)

__all__ = [
    "Accessibility",
    "Address",
    "Attribute",
    "Contact",
    "CostOption",
    "FreshnessReminder",
    "Language",
    "Location",
    "Metadata",
    "Organization",
    "Phone",
    "ProblemReport",
    "Schedule",
    "SearchEvent",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceChange",
    "Taxonomy",
    "TaxonomyTerm",
]

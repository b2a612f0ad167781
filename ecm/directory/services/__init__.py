"""Writes to the service directory. Every function takes ``actor``, runs in one
transaction and records an audit event in it."""

from ecm.directory.services.analytics import search_event_record
from ecm.directory.services.freshness import freshness_reminders_send, service_review_confirm
from ecm.directory.services.importing import hsds_import
from ecm.directory.services.moderation import (
    EDITABLE_FIELDS,
    ModerationError,
    organization_link_provider,
    service_change_approve,
    service_change_propose,
    service_change_return,
)
from ecm.directory.services.reports import problem_report_create, problem_report_resolve

__all__ = [
    "EDITABLE_FIELDS",
    "ModerationError",
    "freshness_reminders_send",
    "hsds_import",
    "organization_link_provider",
    "problem_report_create",
    "problem_report_resolve",
    "search_event_record",
    "service_change_approve",
    "service_change_propose",
    "service_change_return",
    "service_review_confirm",
]

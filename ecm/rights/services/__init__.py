"""Writes for subject access and rectification. Every function is atomic and audited.

Facts are corrected through the index's own service (``child_update``), which keeps the old
name or address as history; opinions in an assessment are annotated, never changed.
"""

from ecm.rights.services.common import ICO_COMPLAINT, RightsError
from ecm.rights.services.rectification import (
    current_fact,
    rectification_approve,
    rectification_log,
    rectification_reject,
)
from ecm.rights.services.subject_access import (
    access_package_compile,
    access_request_extend,
    access_request_identity_confirm,
    access_request_log,
    access_request_refuse,
    access_request_release,
    redaction_add,
    redaction_remove,
)

__all__ = [
    "ICO_COMPLAINT",
    "RightsError",
    "access_package_compile",
    "access_request_extend",
    "access_request_identity_confirm",
    "access_request_log",
    "access_request_refuse",
    "access_request_release",
    "current_fact",
    "rectification_approve",
    "rectification_log",
    "rectification_reject",
    "redaction_add",
    "redaction_remove",
]

"""Every write of the sharing app: decisions, countersignatures, corrections, drafts, advice, disclosures.

Each is atomic and audited; notifications go after commit.
"""

from ecm.sharing.services.common import SharingError
from ecm.sharing.services.decisions import (
    countersigners_for,
    sharing_decision_correct,
    sharing_decision_countersign,
    sharing_decision_record,
)
from ecm.sharing.services.disclosures import disclosure_record, disclosure_share_record
from ecm.sharing.services.drafts import (
    advice_give,
    adviser_add,
    adviser_end,
    advisers_for,
    draft_abandon,
    draft_answer,
    draft_details_set,
    draft_park,
    draft_position,
    draft_record,
    draft_start,
)

__all__ = [
    "SharingError",
    "advice_give",
    "adviser_add",
    "adviser_end",
    "advisers_for",
    "countersigners_for",
    "disclosure_record",
    "disclosure_share_record",
    "draft_abandon",
    "draft_answer",
    "draft_details_set",
    "draft_park",
    "draft_position",
    "draft_record",
    "draft_start",
    "sharing_decision_correct",
    "sharing_decision_countersign",
    "sharing_decision_record",
]

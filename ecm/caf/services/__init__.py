"""Every write of the CAF. Views, commands and jobs call these and nothing else."""

from ecm.caf.services.assessment import (
    assessment_complete,
    assessment_consent_withdraw,
    assessment_save_section,
    assessment_start,
    checklist_link_child,
    checklist_save,
    completion_problems,
    family_copy_set,
    latest_data,
    safeguarding_escalate,
)
from ecm.caf.services.closure import (
    assessment_close,
    assessment_step_up,
    review_reminders_send,
    specialist_referral_record,
    transfer_accept,
    transfer_request,
)
from ecm.caf.services.common import SYSTEM_CAF, CafError
from ecm.caf.services.requests import caf_request_answer, caf_request_send
from ecm.caf.services.team import (
    action_add,
    action_progress_set,
    current_lead,
    lead_professional_appoint,
    meeting_record,
    review_interval_set,
    review_record,
    team_member_add,
    team_member_remove,
)

__all__ = [
    "SYSTEM_CAF",
    "CafError",
    "action_add",
    "action_progress_set",
    "caf_request_answer",
    "caf_request_send",
    "assessment_close",
    "assessment_complete",
    "assessment_consent_withdraw",
    "assessment_save_section",
    "assessment_start",
    "assessment_step_up",
    "checklist_link_child",
    "checklist_save",
    "completion_problems",
    "current_lead",
    "family_copy_set",
    "latest_data",
    "lead_professional_appoint",
    "meeting_record",
    "review_interval_set",
    "review_record",
    "review_reminders_send",
    "safeguarding_escalate",
    "specialist_referral_record",
    "team_member_add",
    "team_member_remove",
    "transfer_accept",
    "transfer_request",
]

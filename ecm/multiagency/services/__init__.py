"""Every write of multi-agency working. Views, commands and the demo seed call these and nothing else."""

from ecm.multiagency.services.caseloads import case_reallocate
from ecm.multiagency.services.common import MultiagencyError
from ecm.multiagency.services.meetings import (
    agenda_build,
    agenda_item_remove,
    attendance_record,
    family_invite,
    meeting_finalise,
    meeting_plan,
    outcome_record,
    panel_action_add,
    panel_action_done,
)
from ecm.multiagency.services.panels import (
    agencies_not_covered,
    panel_create,
    panel_member_add,
    panel_member_remove,
    panel_referral_make,
    panel_schedule_set,
)
from ecm.multiagency.services.teams import secondment_end, secondment_start, team_create

__all__ = [
    "MultiagencyError",
    "agencies_not_covered",
    "agenda_build",
    "agenda_item_remove",
    "attendance_record",
    "case_reallocate",
    "family_invite",
    "meeting_finalise",
    "meeting_plan",
    "outcome_record",
    "panel_action_add",
    "panel_action_done",
    "panel_create",
    "panel_member_add",
    "panel_member_remove",
    "panel_referral_make",
    "panel_schedule_set",
    "secondment_end",
    "secondment_start",
    "team_create",
]

"""Multi-agency panels (their members, referrals, meetings, agendas, outcomes and actions) and
multi-agency teams with the practitioners seconded into them.

A secondment never changes the practitioner's own record: their home organisation and line
manager (``User.organisation`` and ``User.manager``) stay as they are, so employment,
supervision, vetting and misuse alerts still go home.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from ecm.accounts.models import LocalAuthority, Organisation, User
from ecm.core.models import BaseModel
from ecm.index.models import Child
from ecm.multiagency.choices import AgendaSection, MeetingStatus, PanelOutcome, ReferralStatus, Weekday

USER = settings.AUTH_USER_MODEL


class Panel(BaseModel):
    """A multi-agency panel: member agencies and practitioners, a chair, an administrator and a schedule.

    The schedule is "every ``interval_weeks`` weeks on ``weekday``", counted from ``schedule_starts_on``.
    """

    name = models.CharField(max_length=200)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="panels")
    description = models.TextField(blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="panels")
    chair = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="panels_chaired")
    administrator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="panels_administered")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.TUESDAY)
    interval_weeks = models.PositiveSmallIntegerField(default=4)
    schedule_starts_on = models.DateField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def meeting_dates(self, *, on_or_after: dt.date, count: int) -> list[dt.date]:
        """The next ``count`` scheduled dates on or after a day."""
        first = self.schedule_starts_on + dt.timedelta(days=(self.weekday - self.schedule_starts_on.weekday()) % 7)
        step = dt.timedelta(weeks=self.interval_weeks)
        if on_or_after > first:
            periods = -(-(on_or_after - first).days // step.days)
            first += step * periods
        return [first + step * i for i in range(count)]

    @property
    def schedule_label(self) -> str:
        every = "week" if self.interval_weeks == 1 else f"{self.interval_weeks} weeks"
        return f"Every {every} on {Weekday(self.weekday).label}"


class PanelMember(BaseModel):
    """A practitioner sitting on a panel for their agency (which must be one of the panel's agencies)."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="panel_memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on"]

    def __str__(self) -> str:
        return f"{self.user} on {self.panel}"


class PanelReferral(BaseModel):
    """A child referred to a panel: the panel case. Members see it only while it is open."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="referrals")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="panel_referrals")
    referrer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="panel_referrals_made")
    referrer_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    referred_on = models.DateField()
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED)
    review_on = models.DateField(null=True, blank=True)
    lead_professional = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    key_worker = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    closure_note = models.TextField(blank=True)

    class Meta:
        ordering = ["referred_on", "created_at"]

    def __str__(self) -> str:
        return f"Referral to {self.panel_id} on {self.referred_on}"

    @property
    def is_open(self) -> bool:
        return self.status != ReferralStatus.CLOSED


class PanelMeeting(BaseModel):
    """One meeting of a panel: its agenda, who attended, the outcomes, and (once finalised) the minutes."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    attendees = models.ManyToManyField(User, related_name="+", blank=True)
    others_present = models.TextField(
        blank=True, help_text="Parents, carers and guests, as the administrator wrote them"
    )
    finalised_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on"]
        constraints = [models.UniqueConstraint(fields=["panel", "held_on"], name="multiagency_one_meeting_a_day")]

    def __str__(self) -> str:
        return f"{self.panel} on {self.held_on}"

    @property
    def is_finalised(self) -> bool:
        return self.status == MeetingStatus.FINALISED


class AgendaItem(BaseModel):
    """One child on one meeting's agenda, and what the panel decided for them."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="items")
    referral = models.ForeignKey(PanelReferral, on_delete=models.PROTECT, related_name="agenda_items")
    section = models.CharField(max_length=10, choices=AgendaSection.choices)
    family_invited = models.CharField(max_length=200, blank=True, help_text="The parent or carer invited, if any")
    discussion = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=PanelOutcome.choices, blank=True)
    allocated = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["section", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "referral"], name="multiagency_child_once_per_agenda")
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.referral_id}"


class PanelAction(BaseModel):
    """An action a panel agreed for a child: what, whose, by when."""

    referral = models.ForeignKey(PanelReferral, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="actions")
    what = models.TextField()
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="panel_actions")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.what[:50]


class Team(BaseModel):
    """A multi-agency team (a youth offending team, a behaviour and education support team) with a leader."""

    name = models.CharField(max_length=200)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="teams")
    leader = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="teams_led")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Secondment(BaseModel):
    """A practitioner seconded into a team from their home organisation, for a period, in a role.

    ``home_organisation`` copies the practitioner's organisation when the secondment began, for the record;
    the practitioner's own organisation and manager are never changed by it.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="secondments")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="secondments")
    home_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role_in_team = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.user} seconded to {self.team}"

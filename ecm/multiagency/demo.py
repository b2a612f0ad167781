"""Demo multi-agency working for the demo area (called by ``seed_demo``). Idempotent; synthetic data.

A youth inclusion and support panel of four agencies, chaired by the demo youth justice officer
("youthworker") and run by the demo manager ("manager"), meeting every four weeks on Tuesdays:
two past meetings with outcomes and minutes, and the next meeting planned with its agenda built.
A youth offending team led by "youthworker" with two practitioners seconded from their home
agencies. Past meetings are written with the clock moved back to their dates, and put back after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from ecm.accounts.models import LocalAuthority, Organisation, User
from ecm.audit.services import audit_record
from ecm.consent.choices import ConsentForm, GivenBy, ParentRelationship
from ecm.consent.services import consent_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import ChildStatus
from ecm.index.models import Child
from ecm.index.selectors import lead_held_elsewhere
from ecm.multiagency import services
from ecm.multiagency.choices import PanelOutcome, Weekday
from ecm.multiagency.models import Panel, PanelMeeting, Team

PANEL_NAME = "Leeds North Youth Inclusion and Support Panel"
TEAM_NAME = "Leeds North Youth Offending Team"
AGENCIES = ("RY6", "107999", "YOS-LDS", "LA-CSC")
USERNAMES = ("youthworker", "manager", "practitioner", "teacher", "socialworker")


@contextmanager
def _on(day: dt.date) -> Iterator[None]:
    """Run with the clock moved back to ``day`` (at the same time of day), then put it back exactly."""
    shift = dt.datetime.combine(day, dt.time()) - dt.datetime.combine(clock.today(), dt.time())
    clock.advance(shift)
    try:
        yield
    finally:
        clock.advance(-shift)


def _children(count: int) -> list[Child]:
    return list(
        Child.objects.filter(status=ChildStatus.ACTIVE, is_shielded=False, date_of_birth__isnull=False)
        .exclude(caf_assessments__isnull=False)
        .exclude(panel_referrals__isnull=False)
        .exclude(involvements__has_undertaken_caf=True)
        .order_by("index_number")[:count]
    )


def _hold(
    meeting: PanelMeeting, admin: User, attendees: list[User], outcomes: dict[Any, dict[str, Any]], others: str
) -> None:
    services.agenda_build(actor=admin, meeting=meeting)
    services.attendance_record(actor=admin, meeting=meeting, attendees=attendees, others_present=others)
    for item in meeting.items.select_related("referral"):
        plan = outcomes[item.referral.child_id]
        for what, owner in plan.get("actions", []):
            services.panel_action_add(
                actor=admin, item=item, what=what, owner=owner, due_on=meeting.held_on + dt.timedelta(days=21)
            )
        services.outcome_record(
            actor=admin,
            item=item,
            outcome=plan["outcome"],
            discussion=plan["discussion"],
            allocated=plan.get("allocated"),
        )
    services.meeting_finalise(actor=admin, meeting=meeting)


@transaction.atomic
def seed_multiagency_demo(*, actor: Actor) -> str:
    """Load the demo panel (two past meetings, the next one's agenda) and the demo team with secondees."""
    if Panel.objects.filter(name=PANEL_NAME).exists():
        return "already loaded"
    people = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    agencies = list(Organisation.objects.filter(code__in=AGENCIES))
    area = LocalAuthority.objects.filter(code="E08000035").first()
    if len(people) < len(USERNAMES) or len(agencies) < len(AGENCIES) or area is None:
        return "skipped (no demo area)"
    chair, admin = people["youthworker"], people["manager"]
    hv, teacher, sw = people["practitioner"], people["teacher"], people["socialworker"]
    children = _children(4)
    if len(children) < 4:
        return "skipped (not enough demo children)"
    today = clock.today()
    panel = services.panel_create(
        actor=actor,
        name=PANEL_NAME,
        local_authority=area,
        organisations=agencies,
        chair=chair,
        administrator=admin,
        weekday=Weekday.TUESDAY,
        interval_weeks=4,
        schedule_starts_on=today - dt.timedelta(weeks=10),
        description="Practitioners from health, school, youth justice and social care meet to plan early help "
        "for children at risk of exclusion or offending.",
    )
    for member in (hv, teacher, sw):
        services.panel_member_add(actor=actor, panel=panel, user=member)
    past = [d for d in panel.meeting_dates(on_or_after=panel.schedule_starts_on, count=4) if d < today][-2:]
    a, b, c, d = children
    with _on(past[0] - dt.timedelta(days=10)):
        for child in children:
            consent_record(
                actor=teacher,
                child=child,
                given_by=GivenBy.PARENT,
                parent_name="Parent of the demo child",
                parent_relationship=ParentRelationship.MOTHER,
                form=ConsentForm.WRITTEN,
                undertake=True,
                record=True,
                share=True,
                share_purpose="Discussion at the youth inclusion and support panel",
                family_informed=True,
                allowed_organisations=agencies,
            )
        services.panel_referral_make(actor=teacher, panel=panel, child=a, reason="Attendance 78%, two exclusions.")
        services.panel_referral_make(actor=hv, panel=panel, child=b, reason="Young carer for her mother; tired.")
    with _on(past[0]):
        first = services.meeting_plan(actor=admin, panel=panel, held_on=past[0])
        _hold(
            first,
            admin,
            [chair, admin, teacher, sw],
            {
                a.pk: {
                    "outcome": PanelOutcome.CONTINUE,
                    "discussion": "Mentoring at school and a youth club place agreed.",
                    "actions": [("Weekly mentoring session at school", teacher), ("Youth club taster", chair)],
                },
                b.pk: {
                    "outcome": PanelOutcome.KEY_WORKER,
                    "discussion": "Young carers' assessment needed; social care will key work.",
                    "allocated": sw,
                },
            },
            "Parent of the first child (mother)",
        )
    with _on(past[1] - dt.timedelta(days=5)):
        services.panel_referral_make(actor=sw, panel=panel, child=c, reason="Missing episodes; low mood at home.")
    with _on(past[1]):
        second = services.meeting_plan(actor=admin, panel=panel, held_on=past[1])
        _hold(
            second,
            admin,
            [chair, admin, hv, teacher, sw],
            {
                a.pk: {"outcome": PanelOutcome.CLOSED, "discussion": "Attendance 95%: needs met at school."},
                b.pk: {
                    # One lead professional per child: if the index already shows one, the panel asks for a
                    # key worker instead.
                    "outcome": PanelOutcome.KEY_WORKER if lead_held_elsewhere(b, hv) else PanelOutcome.LEAD,
                    "discussion": "Health needs of the family predominate: the health visitor will lead.",
                    "allocated": hv,
                },
                c.pk: {
                    "outcome": PanelOutcome.CAF,
                    "discussion": "A full CAF is needed to understand the needs at home.",
                    "allocated": teacher,
                },
            },
            "",
        )
    with _on(today - dt.timedelta(days=2)):
        services.panel_referral_make(actor=teacher, panel=panel, child=d, reason="Anxiety; refusing to come in.")
    upcoming = panel.meeting_dates(on_or_after=today, count=1)[0]
    next_meeting = services.meeting_plan(actor=admin, panel=panel, held_on=upcoming)
    services.agenda_build(actor=admin, meeting=next_meeting)

    team = Team.objects.filter(name=TEAM_NAME).first() or services.team_create(
        actor=actor,
        name=TEAM_NAME,
        local_authority=area,
        leader=chair,
        description="Works with young people at risk of offending and their families.",
    )
    services.secondment_start(
        actor=chair, team=team, user=hv, role_in_team="Health worker", starts_on=today - dt.timedelta(days=60)
    )
    services.secondment_start(
        actor=chair, team=team, user=sw, role_in_team="Social worker", starts_on=today - dt.timedelta(days=30)
    )
    audit_record(actor=actor, action="multiagency.demo_seeded", target=panel, data={"meetings": 3, "referrals": 4})
    return f"{PANEL_NAME} (2 meetings held, next on {upcoming:%-d %B %Y}); {TEAM_NAME} with 2 secondees"

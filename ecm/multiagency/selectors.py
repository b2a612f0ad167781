"""Reads of multi-agency working. Every read that names children is audited in the same transaction.

A child's identifying summary comes from the index's own selector (``child_record_open``), so the
index records the view with its reason and applies shielding. CAF data is read through
``ecm.caf.selectors`` where it has what is needed, and otherwise read-only from the CAF models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from ecm.accounts.choices import Role
from ecm.accounts.models import LocalAuthority, Organisation, User
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus, Progress
from ecm.caf.models import Assessment, LeadProfessional, PlanAction, TeamMember
from ecm.caf.selectors import overdue_for_practitioner
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import AccessReason
from ecm.index.selectors import ChildRecord, child_record_open
from ecm.index.visibility import children_visible
from ecm.multiagency.access import can_see_case, is_current_member
from ecm.multiagency.choices import AgendaSection, ReferralStatus
from ecm.multiagency.models import AgendaItem, Panel, PanelAction, PanelMeeting, PanelReferral, Secondment, Team

# Panels ---------------------------------------------------------------------------------------


def panels_all() -> list[Panel]:
    return list(
        Panel.objects.select_related("local_authority", "chair", "administrator").prefetch_related("organisations")
    )


def panels_of(user: Any) -> list[Panel]:
    """Panels the user currently sits on."""
    return list(Panel.objects.filter(members__user=user, members__left_on__isnull=True).distinct())


def current_members(panel: Panel) -> list[Any]:
    return list(panel.members.filter(left_on__isnull=True).select_related("user", "organisation"))


def upcoming_dates(panel: Panel, count: int = 3) -> list[dt.date]:
    """The next scheduled dates that have no meeting planned yet."""
    planned = set(panel.meetings.values_list("held_on", flat=True))
    dates = panel.meeting_dates(on_or_after=clock.today(), count=count + len(planned))
    return [d for d in dates if d not in planned][:count]


def meetings_of(panel: Panel) -> list[PanelMeeting]:
    return list(panel.meetings.all())


@transaction.atomic
def open_cases_listed(*, actor: Actor, panel: Panel) -> list[PanelReferral]:
    """The panel's open referrals the actor may see, the listing audited with the children shown."""
    rows = [
        r
        for r in panel.referrals.exclude(status=ReferralStatus.CLOSED).select_related("child", "panel")
        if can_see_case(actor, r)
    ]
    if rows:
        audit_record(
            actor=actor,
            action="multiagency.cases_listed",
            target=panel,
            data={"child_ids": [str(r.child_id) for r in rows]},
        )
    return rows


def own_referrals(user: Any) -> list[PanelReferral]:
    return list(
        PanelReferral.objects.filter(children_visible(user, "child__"), referrer=user)
        .select_related("panel", "child")
        .order_by("-referred_on")
    )


@dataclass
class CaseView:
    referral: PanelReferral
    record: ChildRecord
    items: list[AgendaItem]
    actions: list[PanelAction]
    lead: Any = None  # the child's one lead professional, as the index shows it (an Involvement)


def case_open(*, actor: Actor, referral: PanelReferral) -> CaseView:
    """A panel case: the child's identifying summary through the index (audited there, with the panel as the
    reason), the agenda history and the actions; the case view itself is audited here too."""
    with transaction.atomic():
        record = child_record_open(
            actor=actor,
            child=referral.child,
            reason_code=AccessReason.OTHER,
            reason_text=f"Multi-agency panel case ({referral.panel.name})",
        )
        audit_record(
            actor=actor,
            action="multiagency.case_viewed",
            target=referral,
            data={"child_id": str(referral.child_id), "status": referral.status},
        )
    items = list(referral.agenda_items.select_related("meeting", "allocated").order_by("-meeting__held_on"))
    actions = list(referral.actions.select_related("owner", "item__meeting"))
    lead = next(
        (
            v.involvement
            for v in getattr(record, "involvements", []) or []
            if not getattr(v, "unspecified", False)
            and v.involvement.is_lead_professional
            and v.involvement.ended_on is None
        ),
        None,
    )
    return CaseView(referral=referral, record=record, items=items, actions=actions, lead=lead)


@dataclass
class AgendaRow:
    item: AgendaItem
    visible: bool
    actions: list[PanelAction] = field(default_factory=list)


@dataclass
class AgendaSectionRows:
    code: str
    label: str
    rows: list[AgendaRow]


def agenda_open(*, actor: Actor, meeting: PanelMeeting, page: str) -> list[AgendaSectionRows]:
    """The meeting's agenda by section. A child is named only to someone who may see the case now;
    the others appear as "a child whose referral has closed" with no detail. Audited."""
    items = list(
        meeting.items.select_related("referral", "referral__child", "referral__panel", "allocated").prefetch_related(
            "actions__owner"
        )
    )
    rows = [AgendaRow(item=i, visible=can_see_case(actor, i.referral), actions=list(i.actions.all())) for i in items]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"multiagency.{page}_viewed",
            target=meeting,
            data={"child_ids": [str(r.item.referral.child_id) for r in rows if r.visible]},
        )
    return [
        AgendaSectionRows(code, str(label), [r for r in rows if r.item.section == code])
        for code, label in AgendaSection.choices
    ]


def attendees_of(meeting: PanelMeeting) -> list[User]:
    return list(meeting.attendees.select_related("organisation").order_by("last_name", "first_name"))


def allocation_choices(referral: PanelReferral) -> list[tuple[str, str]]:
    """Who may own an action or be allocated: current members and the referrer."""
    from ecm.multiagency.services.meetings import may_take_on

    people = {m.user.pk: m.user for m in current_members(referral.panel)}
    people.setdefault(referral.referrer.pk, referral.referrer)
    return [
        (str(u.pk), f"{u.get_full_name()}, {u.organisation.name if u.organisation else ''}")
        for u in sorted(people.values(), key=lambda u: (u.last_name, u.first_name))
        if may_take_on(referral, u)
    ]


def my_open_actions(user: Any) -> list[PanelAction]:
    """The user's open actions on cases they can still open (``can_see_case``, as the case page asks).

    An owner who has since left the panel, or whose agency the family no longer shares with, would
    otherwise be shown a link that answers 404; the panel's chair still sees the action on the case.
    """
    actions = (
        PanelAction.objects.filter(children_visible(user, "referral__child__"), owner=user, done_on__isnull=True)
        .exclude(referral__status=ReferralStatus.CLOSED)
        .select_related("referral__panel", "referral__child")
    )
    return [action for action in actions if can_see_case(user, action.referral)]


# Choices --------------------------------------------------------------------------------------


def area_choices() -> list[tuple[str, str]]:
    return [(str(a.pk), a.name) for a in LocalAuthority.objects.order_by("name")]


def area_by_id(area_id: Any) -> LocalAuthority | None:
    return LocalAuthority.objects.filter(pk=area_id).first() if area_id else None


def organisation_choices() -> list[tuple[str, str]]:
    return [(str(o.pk), o.name) for o in Organisation.objects.order_by("name")]


def organisations_by_ids(ids: list[str]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=ids)) if ids else []


def practitioners(*, organisations: list[Any] | None = None) -> list[User]:
    rows = User.objects.filter(
        role_assignments__role__in=[Role.PRACTITIONER, Role.MANAGER], is_active=True
    ).select_related("organisation")
    if organisations is not None:
        rows = rows.filter(organisation__in=organisations)
    return list(rows.order_by("last_name", "first_name").distinct())


def practitioner_choices(*, organisations: list[Any] | None = None) -> list[tuple[str, str]]:
    return [
        (str(p.pk), f"{p.get_full_name() or p.username}, {p.organisation.name if p.organisation else ''}")
        for p in practitioners(organisations=organisations)
    ]


def user_by_id(user_id: Any) -> User | None:
    try:
        return User.objects.select_related("organisation", "manager").filter(pk=int(user_id)).first()
    except (TypeError, ValueError):
        return None


def child_by_index_number(number: str) -> Any:
    from ecm.caf.selectors import child_by_index_number as find

    return find(number)


# Teams and caseloads ------------------------------------------------------------------------


def teams_all() -> list[Team]:
    return list(Team.objects.select_related("leader", "local_authority"))


def teams_of(user: Any) -> list[Team]:
    today = clock.today()
    return list(
        Team.objects.filter(
            Q(leader=user)
            | Q(secondments__user=user, secondments__starts_on__lte=today)
            & (Q(secondments__ends_on__isnull=True) | Q(secondments__ends_on__gte=today))
        ).distinct()
    )


def current_secondments(team: Team) -> list[Secondment]:
    today = clock.today()
    return list(
        team.secondments.filter(starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .select_related("user", "user__manager", "home_organisation")
    )


def past_and_future_secondments(team: Team) -> list[Secondment]:
    current = {s.pk for s in current_secondments(team)}
    return [s for s in team.secondments.select_related("user", "home_organisation") if s.pk not in current]


@dataclass
class Caseload:
    """One practitioner's cases, by what the CAF and the panels record (references and dates, not content)."""

    user: User
    cafs_open: list[Assessment]
    lead_roles: list[Assessment]
    tac_memberships: list[Assessment]
    panel_cases: list[PanelReferral]
    overdue_reviews: list[Any]
    overdue_actions: list[Any]
    reallocatable: list[Assessment] = field(default_factory=list)

    @property
    def total_cases(self) -> int:
        ids = {a.pk for a in [*self.cafs_open, *self.lead_roles, *self.tac_memberships]}
        return len(ids) + len(self.panel_cases)


def caseload_of(user: User) -> Caseload:
    today = clock.today()
    open_cafs = Assessment.objects.filter(children_visible(user, "child__")).exclude(status=CafStatus.CLOSED)
    authored = list(open_cafs.filter(author=user).select_related("child"))
    leads = [
        lp.assessment
        for lp in LeadProfessional.objects.filter(
            ended_on__isnull=True, member__user=user, assessment__in=open_cafs
        ).select_related("assessment")
    ]
    tac = [
        m.assessment
        for m in TeamMember.objects.filter(user=user, removed_on__isnull=True, assessment__in=open_cafs)
        .exclude(assessment__author=user)
        .select_related("assessment")
    ]
    panel_cases = list(
        PanelReferral.objects.exclude(status=ReferralStatus.CLOSED)
        .filter(children_visible(user, "child__"))
        .filter(Q(lead_professional=user) | Q(key_worker=user) | Q(referrer=user))
        .select_related("panel")
        .distinct()
    )
    overdue_reviews: list[Any] = [
        *overdue_for_practitioner(user),
        *PanelReferral.objects.filter(status=ReferralStatus.SUPPORTED, review_on__lt=today)
        .filter(children_visible(user, "child__"))
        .filter(Q(lead_professional=user) | Q(key_worker=user))
        .select_related("panel"),
    ]
    overdue_actions: list[Any] = [
        *PlanAction.objects.filter(responsible__user=user, due_on__lt=today, assessment__in=open_cafs)
        .exclude(progress=Progress.ACHIEVED)
        .select_related("assessment"),
        *PanelAction.objects.filter(owner=user, done_on__isnull=True, due_on__lt=today)
        .filter(children_visible(user, "referral__child__"))
        .exclude(referral__status=ReferralStatus.CLOSED)
        .select_related("referral__panel"),
    ]
    led = {a.pk for a in leads}
    unled = [a for a in authored if a.pk not in led and not a.leads.filter(ended_on__isnull=True).exists()]
    return Caseload(user, authored, leads, tac, panel_cases, overdue_reviews, overdue_actions, [*leads, *unled])


def staff_of(manager: Any) -> list[User]:
    return list(User.objects.filter(manager=manager, is_active=True).select_related("organisation"))


@transaction.atomic
def caseloads_viewed(*, actor: Actor, people: list[User], page: str) -> list[Caseload]:
    """Caseloads for a manager or a team leader: who holds which case (references, not content). Audited."""
    loads = [caseload_of(p) for p in people]
    audit_record(
        actor=actor,
        action="multiagency.caseloads_viewed",
        target=None,
        data={"page": page, "practitioners": [p.pk for p in people]},
    )
    return loads


def reallocation_choices(*, manager: Any, assessment: Assessment, practitioner: User) -> list[tuple[str, str]]:
    """Who may take the case: the manager's other staff and the practitioners already in the team."""
    team = [
        m.user
        for m in assessment.members.filter(removed_on__isnull=True, user__isnull=False).select_related(
            "user__organisation"
        )
    ]
    people = {u.pk: u for u in [*staff_of(manager), *team] if u is not None and u.pk != practitioner.pk}
    return [
        (str(u.pk), f"{u.get_full_name() or u.username}, {u.organisation.name if u.organisation else ''}")
        for u in sorted(people.values(), key=lambda u: (u.last_name, u.first_name))
    ]


def is_member_of_panel(user: Any, panel: Panel) -> bool:
    return is_current_member(user, panel)


def agencies_of(panel: Panel) -> list[Organisation]:
    return list(panel.organisations.order_by("name"))

"""Who may reach which multi-agency page and object. Forbidden and missing both answer 404.

Panel cases: the referrer always sees their own referral. A panel member sees a child referred
to their panel only while they are a member, the referral is open, and the family's consent
(or a recorded decision) still covers their agency. Refused attempts at a case are audited.
Meetings and minutes: current members. Running the panel: its chair and administrator.
Teams: the leader and current secondees. Caseloads: a manager, for the staff they manage.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.accounts.models import User
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.visibility import child_readable
from ecm.multiagency.models import (
    AgendaItem,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelMember,
    PanelReferral,
    Secondment,
    Team,
)
from ecm.multiagency.services.common import is_panel_officer
from ecm.sharing.selectors import sharing_allowed

View = Callable[..., HttpResponse]
USER_ROLES = (Role.PRACTITIONER, Role.MANAGER)


def multiagency_user_required(view: View) -> View:
    """Every page: the child-data gate and a practitioner or manager role."""
    return child_data_required(role_required(*USER_ROLES)(view))


def manager_required(view: View) -> View:
    return child_data_required(role_required(Role.MANAGER)(view))


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError):
        return None


def is_current_member(user: Any, panel: Panel) -> bool:
    pk = getattr(user, "pk", None)
    return pk is not None and panel.members.filter(user_id=pk, left_on__isnull=True).exists()


def can_see_case(user: Any, referral: PanelReferral) -> bool:
    if getattr(user, "pk", None) is None or not child_readable(user, referral.child):
        return False
    if user.pk == referral.referrer_id:
        return True
    return (
        referral.is_open
        and is_current_member(user, referral.panel)
        and sharing_allowed(referral.child, user.organisation)
    )


def panel_for(*, actor: Actor, panel_id: Any, officer: bool = False) -> Panel:
    """Any panel (its name, agencies, members and schedule are not child data); with ``officer``, only
    for its chair or administrator."""
    pk = _uuid(panel_id)
    panel = (
        Panel.objects.select_related("local_authority", "chair", "administrator").filter(pk=pk).first() if pk else None
    )
    if panel is None or (officer and not is_panel_officer(actor, panel)):
        raise Http404("No such panel")
    return panel


def _referral(referral_id: Any) -> PanelReferral | None:
    pk = _uuid(referral_id)
    return (
        PanelReferral.objects.select_related("panel", "child", "referrer", "lead_professional", "key_worker")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )


def case_for(*, actor: Actor, referral_id: Any) -> PanelReferral:
    """A panel case the actor may see; 404 otherwise, and a refusal is audited."""
    referral = _referral(referral_id)
    if referral is None:
        raise Http404("No such case")
    if not can_see_case(actor, referral):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="multiagency.access_denied",
                target=referral,
                data={"child_id": str(referral.child_id), "status": referral.status},
            )
        raise Http404("No such case")
    return referral


def meeting_for(*, actor: Actor, meeting_id: Any, officer: bool = False) -> PanelMeeting:
    """A meeting of a panel the actor sits on (or runs, with ``officer``)."""
    pk = _uuid(meeting_id)
    meeting = PanelMeeting.objects.select_related("panel").filter(pk=pk).first() if pk else None
    if meeting is None:
        raise Http404("No such meeting")
    allowed = is_panel_officer(actor, meeting.panel) if officer else is_current_member(actor, meeting.panel)
    if not allowed:
        raise Http404("No such meeting")
    return meeting


def item_for(meeting: PanelMeeting, item_id: Any) -> AgendaItem:
    pk = _uuid(item_id)
    item = (
        AgendaItem.objects.select_related("referral", "referral__child", "referral__panel", "meeting")
        .filter(pk=pk, meeting=meeting)
        .first()
        if pk
        else None
    )
    if item is None:
        raise Http404("No such agenda item")
    return item


def member_for(panel: Panel, member_id: Any) -> PanelMember:
    pk = _uuid(member_id)
    member = panel.members.select_related("user").filter(pk=pk, left_on__isnull=True).first() if pk else None
    if member is None:
        raise Http404("No such member")
    return member


def action_for(*, actor: Actor, action_id: Any) -> PanelAction:
    """A panel action the actor owns, or whose panel they run."""
    pk = _uuid(action_id)
    action = PanelAction.objects.select_related("referral", "referral__panel").filter(pk=pk).first() if pk else None
    if action is None or not (
        getattr(actor, "pk", None) == action.owner_id or is_panel_officer(actor, action.referral.panel)
    ):
        raise Http404("No such action")
    return action


def is_seconded(user: Any, team: Team) -> bool:
    today, pk = clock.today(), getattr(user, "pk", None)
    if pk is None:
        return False
    return team.secondments.filter(user_id=pk, starts_on__lte=today).exclude(ends_on__lt=today).exists()


def team_for(*, actor: Actor, team_id: Any, leader: bool = False) -> Team:
    """A team the actor leads or is seconded to (only leads, with ``leader``)."""
    pk = _uuid(team_id)
    team = Team.objects.select_related("leader", "local_authority").filter(pk=pk).first() if pk else None
    if team is None:
        raise Http404("No such team")
    is_leader = getattr(actor, "pk", None) == team.leader_id
    if not (is_leader or (not leader and is_seconded(actor, team))):
        raise Http404("No such team")
    return team


# Whether a page opens for someone, asked without opening it: what a notification's link may lead to
# (ecm.notifications.links, registered in apps.py). Each asks the view's own role and object rule, shows
# nothing and audits nothing (a refusal asked about is not an attempt at the page).


def _user_of_these_pages(actor: Actor) -> bool:
    """``multiagency_user_required``'s role rule (its child-data gate shows a page of its own, not a 404)."""
    return isinstance(actor, User) and actor.has_any_role(*USER_ROLES)


def _found_for(actor: Actor, lookup: Callable[..., Any], **ids: Any) -> bool:
    """Whether ``lookup`` (a page's own ``*_for``, which answers 404 to everyone else) finds the object."""
    if not _user_of_these_pages(actor):
        return False
    try:
        lookup(actor=actor, **ids)
    except Http404:
        return False
    return True


def team_opens_for(actor: Actor, team_id: Any) -> bool:
    """The team page (``team_for``): its leader and current secondees."""
    return _found_for(actor, team_for, team_id=team_id)


def case_opens_for(actor: Actor, referral_id: Any) -> bool:
    """The panel case (``case_for``, without auditing a refusal): its referrer; members while it is open."""
    referral = _referral(referral_id) if _user_of_these_pages(actor) else None
    return referral is not None and can_see_case(actor, referral)


def meeting_opens_for(actor: Actor, meeting_id: Any) -> bool:
    """A meeting and its minutes (``meeting_for``): the panel's current members."""
    return _found_for(actor, meeting_for, meeting_id=meeting_id)


def secondment_for(team: Team, secondment_id: Any) -> Secondment:
    pk = _uuid(secondment_id)
    secondment = team.secondments.select_related("user").filter(pk=pk).first() if pk else None
    if secondment is None:
        raise Http404("No such secondment")
    return secondment


def practitioner_for_manager(*, actor: Actor, user_id: Any) -> User:
    """One of the staff the actor manages (``User.manager``)."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise Http404("No such practitioner") from None
    user = User.objects.select_related("organisation").filter(pk=pk, manager_id=getattr(actor, "pk", None)).first()
    if user is None:
        raise Http404("No such practitioner")
    return user


def reallocatable_case_for(*, practitioner: User, assessment_id: Any) -> Assessment:
    """An open CAF the practitioner leads, or wrote while no one leads it."""
    pk = _uuid(assessment_id)
    assessment = (
        Assessment.objects.select_related("child").filter(pk=pk).exclude(status=CafStatus.CLOSED).first()
        if pk
        else None
    )
    if assessment is None:
        raise Http404("No such case")
    lead = assessment.leads.filter(ended_on__isnull=True).select_related("member").first()
    leads = lead is not None and lead.member.user_id == practitioner.pk
    if not (leads or (lead is None and assessment.author_id == practitioner.pk)):
        raise Http404("No such case")
    return assessment

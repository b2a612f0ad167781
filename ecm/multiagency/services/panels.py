"""Panels, their members, and children referred to them (checked against consent and recorded decisions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.visibility import ARCHIVED_READ_ONLY, child_writable
from ecm.multiagency.choices import ReferralStatus, Weekday
from ecm.multiagency.models import Panel, PanelMember, PanelReferral
from ecm.multiagency.services.common import MultiagencyError, is_panel_officer, notify, require
from ecm.sharing.choices import DisclosureMode, Information, Method
from ecm.sharing.selectors import share_basis, sharing_allowed
from ecm.sharing.services import disclosure_record

MIN_INTERVAL_WEEKS, MAX_INTERVAL_WEEKS = 1, 12


def agencies_not_covered(child: Child, panel: Panel) -> list[str]:
    """The panel's agencies that neither the family's consent nor a recorded decision lets see the child."""
    return sorted(o.name for o in panel.organisations.all() if not sharing_allowed(child, o))


def _join(*, actor: Actor, panel: Panel, user: Any) -> PanelMember:
    require(user is not None and user.organisation_id is not None, "Choose a practitioner with an organisation.")
    require(
        panel.organisations.filter(pk=user.organisation_id).exists(),
        f"{user.organisation.name} is not one of the panel's agencies: add the agency first.",
    )
    require(not panel.members.filter(user=user, left_on__isnull=True).exists(), "They are already on the panel.")
    member = PanelMember(panel=panel, user=user, organisation=user.organisation, joined_on=clock.today())
    member.stamp(actor, creating=True)
    member.save()
    return member


@transaction.atomic
def panel_create(
    *,
    actor: Actor,
    name: str,
    local_authority: Any,
    organisations: Iterable[Any],
    chair: Any,
    administrator: Any,
    weekday: int,
    interval_weeks: int,
    schedule_starts_on: dt.date,
    description: str = "",
) -> Panel:
    """Set up a panel with its agencies, chair, administrator and schedule; the chair and administrator join it."""
    agencies = list(organisations)
    require(bool(name.strip()), "Enter the panel's name.")
    require(local_authority is not None, "Choose the panel's area.")
    require(len(agencies) >= 2, "Choose at least two agencies: a panel is multi-agency.")
    require(weekday in Weekday.values, "Choose the day of the week the panel meets.")
    require(MIN_INTERVAL_WEEKS <= interval_weeks <= MAX_INTERVAL_WEEKS, "The panel must meet every 1 to 12 weeks.")
    require(chair is not None and administrator is not None, "Choose the chair and the administrator.")
    panel = Panel(
        name=name.strip(),
        local_authority=local_authority,
        description=description.strip(),
        chair=chair,
        administrator=administrator,
        weekday=weekday,
        interval_weeks=interval_weeks,
        schedule_starts_on=schedule_starts_on,
    )
    panel.stamp(actor, creating=True)
    panel.save()
    panel.organisations.set(agencies)
    for person in {chair.pk: chair, administrator.pk: administrator}.values():
        _join(actor=actor, panel=panel, user=person)
    audit_record(
        actor=actor,
        action="multiagency.panel_created",
        target=panel,
        data={"organisations": [str(o.pk) for o in agencies], "chair": chair.pk, "administrator": administrator.pk},
    )
    notify(
        actor=actor,
        recipients=[chair, administrator],
        subject=f"You run the {panel.name}",
        link=f"/multiagency/panels/{panel.pk}/",
    )
    return panel


@transaction.atomic
def panel_schedule_set(
    *, actor: Actor, panel: Panel, weekday: int, interval_weeks: int, schedule_starts_on: dt.date
) -> Panel:
    """Change when the panel meets; meetings already planned keep their dates."""
    require(is_panel_officer(actor, panel), "Only the chair or the administrator can change the schedule.")
    require(weekday in Weekday.values, "Choose the day of the week the panel meets.")
    require(MIN_INTERVAL_WEEKS <= interval_weeks <= MAX_INTERVAL_WEEKS, "The panel must meet every 1 to 12 weeks.")
    panel.weekday, panel.interval_weeks, panel.schedule_starts_on = weekday, interval_weeks, schedule_starts_on
    panel.stamp(actor)
    panel.save()
    audit_record(
        actor=actor,
        action="multiagency.panel_schedule_set",
        target=panel,
        data={"weekday": weekday, "interval_weeks": interval_weeks, "starts_on": str(schedule_starts_on)},
    )
    return panel


@transaction.atomic
def panel_member_add(*, actor: Actor, panel: Panel, user: Any) -> PanelMember:
    """A practitioner of one of the panel's agencies joins it (they stay employed by their agency)."""
    require(is_panel_officer(actor, panel), "Only the chair or the administrator can change the members.")
    member = _join(actor=actor, panel=panel, user=user)
    audit_record(actor=actor, action="multiagency.panel_member_added", target=panel, data={"user": user.pk})
    notify(
        actor=actor,
        recipients=[user],
        subject=f"You are a member of the {panel.name}",
        link=f"/multiagency/panels/{panel.pk}/",
    )
    return member


@transaction.atomic
def panel_member_remove(*, actor: Actor, member: PanelMember) -> PanelMember:
    """A member leaves the panel; from then on they see none of its children."""
    panel = member.panel
    require(is_panel_officer(actor, panel), "Only the chair or the administrator can change the members.")
    require(member.left_on is None, "They have already left the panel.")
    require(
        member.user_id not in (panel.chair_id, panel.administrator_id), "The chair and the administrator stay members."
    )
    member.left_on = clock.today()
    member.stamp(actor)
    member.save()
    audit_record(actor=actor, action="multiagency.panel_member_removed", target=panel, data={"user": member.user_id})
    return member


@transaction.atomic
def panel_referral_make(*, actor: Actor, panel: Panel, child: Child, reason: str) -> PanelReferral:
    """Refer a child to a panel. Discussing a named child at a panel is a share: every agency on the panel
    must be covered by the family's consent to share or by a recorded decision to share without consent."""
    actor = actor_person(actor)
    if actor.organisation_id is None:
        raise MultiagencyError("Your account is not linked to an organisation.")
    require(bool(reason.strip()), "Say why you are referring the child and what you hope the panel will do.")
    require(child_writable(child), ARCHIVED_READ_ONLY)
    require(
        not panel.referrals.filter(child=child).exclude(status=ReferralStatus.CLOSED).exists(),
        "This child is already referred to this panel.",
    )
    missing = agencies_not_covered(child, panel)
    require(
        not missing,
        "The family's consent to share does not cover "
        + ", ".join(missing)
        + " and no decision to share without consent is recorded: the child cannot be discussed at this panel.",
    )
    referral = PanelReferral(
        panel=panel,
        child=child,
        referrer=actor,
        referrer_organisation=actor.organisation,
        reason=reason.strip(),
        referred_on=clock.today(),
    )
    referral.stamp(actor, creating=True)
    referral.save()
    audit_record(
        actor=actor,
        action="multiagency.referral_made",
        target=referral,
        data={"child_id": str(child.pk), "panel": str(panel.pk)},
    )
    # Each agency on the panel (other than the referrer's own) now sees the child: one disclosure each.
    for organisation in panel.organisations.exclude(pk=actor.organisation_id):
        basis = share_basis(child, organisation) or {}
        disclosure_record(
            actor=actor,
            child=child,
            organisation=organisation,
            information=Information.INDEX,
            method=Method.ECM,
            mode=DisclosureMode.MANUAL,
            consent=basis.get("consent"),
            decision=basis.get("decision"),
            reference=str(referral.pk),
            description=f"Referral to the {panel.name}: the child's identifying details and the reason for referral",
        )
    notify(
        actor=actor,
        recipients=[panel.administrator],
        subject=f"A child has been referred to the {panel.name}",
        body="It will go on the agenda of the next meeting as a new referral.",
        link=f"/multiagency/cases/{referral.pk}/",
    )
    return referral

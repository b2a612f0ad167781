"""Panels: the list, setting one up, its page and members, referring a child, and the panel case."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ecm.accounts.choices import Role
from ecm.core import clock
from ecm.index.access import child_for
from ecm.multiagency import selectors, services
from ecm.multiagency.access import (
    case_for,
    is_current_member,
    manager_required,
    member_for,
    multiagency_user_required,
    panel_for,
)
from ecm.multiagency.forms import ExtraMeetingForm, PanelForm, PractitionerForm, ReferralForm, ScheduleForm
from ecm.multiagency.services.common import is_panel_officer
from ecm.multiagency.views.common import form_page, posted


@multiagency_user_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context = {
        "panels": selectors.panels_of(user),
        "referrals": selectors.own_referrals(user),
        "actions": selectors.my_open_actions(user),
        "teams": selectors.teams_of(user),
        "is_manager": user.has_role(Role.MANAGER),
    }
    return render(request, "multiagency/home.html", context)


@multiagency_user_required
def panels(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    mine = {p.pk for p in selectors.panels_of(user)}
    context = {"panels": selectors.panels_all(), "mine": mine, "is_manager": user.has_role(Role.MANAGER)}
    return render(request, "multiagency/panels.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def panel_new(request: HttpRequest) -> HttpResponse:
    form = PanelForm(
        posted(request),
        areas=selectors.area_choices(),
        organisations=selectors.organisation_choices(),
        people=selectors.practitioner_choices(),
    )

    def act(data: dict[str, Any]) -> Any:
        return services.panel_create(
            actor=request.user,
            name=data["name"],
            local_authority=selectors.area_by_id(data["local_authority"]),
            organisations=selectors.organisations_by_ids(data["organisations"]),
            chair=selectors.user_by_id(data["chair"]),
            administrator=selectors.user_by_id(data["administrator"]),
            weekday=data["weekday"],
            interval_weeks=data["interval_weeks"],
            schedule_starts_on=data["schedule_starts_on"],
            description=data["description"],
        )

    return form_page(
        request,
        form,
        act,
        title="Set up a multi-agency panel",
        done="The panel is set up.",
        back=reverse("multiagency:panels"),
        next_url=lambda panel: reverse("multiagency:panel", args=[panel.pk]),
    )


@multiagency_user_required
def panel(request: HttpRequest, panel_id: str) -> HttpResponse:
    found = panel_for(actor=request.user, panel_id=panel_id)
    member = is_current_member(request.user, found)
    context = {
        "panel": found,
        "members": selectors.current_members(found),
        "is_member": member,
        "is_officer": is_panel_officer(request.user, found),
        "upcoming": selectors.upcoming_dates(found),
        "today": clock.today(),
        "today_planned": found.meetings.filter(held_on=clock.today()).first(),
        "extra_form": ExtraMeetingForm(),
        "meetings": selectors.meetings_of(found) if member else [],
        "cases": selectors.open_cases_listed(actor=request.user, panel=found) if member else [],
    }
    return render(request, "multiagency/panel.html", context)


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, panel_id: str) -> HttpResponse:
    found = panel_for(actor=request.user, panel_id=panel_id, officer=True)
    taken = {m.user_id for m in selectors.current_members(found)}
    people = [
        (pk, label)
        for pk, label in selectors.practitioner_choices(organisations=selectors.agencies_of(found))
        if int(pk) not in taken
    ]
    form = PractitionerForm(posted(request), people=people, submit="Add to the panel")

    def act(data: dict[str, Any]) -> Any:
        return services.panel_member_add(
            actor=request.user, panel=found, user=selectors.user_by_id(data["practitioner"])
        )

    return form_page(
        request,
        form,
        act,
        title="Add a member",
        caption=found.name,
        intro="Practitioners of the panel's agencies only. Members stay employed by their own agency.",
        done="They are now a member of the panel.",
        back=reverse("multiagency:panel", args=[found.pk]),
    )


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, panel_id: str) -> HttpResponse:
    found = panel_for(actor=request.user, panel_id=panel_id, officer=True)
    initial = {
        "weekday": found.weekday,
        "interval_weeks": found.interval_weeks,
        "schedule_starts_on": found.schedule_starts_on,
    }
    form = ScheduleForm(posted(request), initial=initial)

    def act(data: dict[str, Any]) -> Any:
        return services.panel_schedule_set(
            actor=request.user,
            panel=found,
            weekday=data["weekday"],
            interval_weeks=data["interval_weeks"],
            schedule_starts_on=data["schedule_starts_on"],
        )

    return form_page(
        request,
        form,
        act,
        title="Change when the panel meets",
        caption=found.name,
        intro="Every so many weeks on one day, counted from the start date. Meetings already planned keep their dates.",
        done="The schedule is saved.",
        back=reverse("multiagency:panel", args=[found.pk]),
    )


@multiagency_user_required
@require_POST
def member_remove(request: HttpRequest, panel_id: str, member_id: str) -> HttpResponse:
    found = panel_for(actor=request.user, panel_id=panel_id, officer=True)
    member = member_for(found, member_id)
    try:
        services.panel_member_remove(actor=request.user, member=member)
    except services.MultiagencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.user} has left the panel.")
    return redirect("multiagency:panel", panel_id=found.pk)


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, panel_id: str) -> HttpResponse:
    found = panel_for(actor=request.user, panel_id=panel_id)
    # From the child's record (``?child=``): the index number filled in, never copied by hand.
    chosen = child_for(actor=request.user, child_id=request.GET["child"]) if request.GET.get("child") else None
    initial = {"index_number": chosen.formatted_index_number} if chosen else None
    form = ReferralForm(posted(request), initial=initial)

    def act(data: dict[str, Any]) -> Any:
        child = selectors.child_by_index_number(data["index_number"])
        if child is None:
            raise services.MultiagencyError("No child has that index number: check it on the child's index record.")
        child = child_for(actor=request.user, child_id=child.pk)
        return services.panel_referral_make(actor=request.user, panel=found, child=child, reason=data["reason"])

    agencies = ", ".join(o.name for o in selectors.agencies_of(found))
    return form_page(
        request,
        form,
        act,
        title=f"Refer {chosen.display_name} to the panel" if chosen else "Refer a child to the panel",
        caption=found.name,
        intro=(
            f"Discussing a named child at a panel is sharing information with its agencies: {agencies}. "
            "Each must be covered by the family's consent to share, or by a recorded decision to share without it."
        ),
        done="The child is referred. They will be on the next meeting's agenda.",
        back=reverse("multiagency:panel", args=[found.pk]),
        next_url=lambda referral: reverse("multiagency:case", args=[referral.pk]),
    )


@multiagency_user_required
def case(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = case_for(actor=request.user, referral_id=referral_id)
    view = selectors.case_open(actor=request.user, referral=referral)
    context = {"case": view, "referral": referral, "record": view.record, "user_id": request.user.pk}
    return render(request, "multiagency/case.html", context)

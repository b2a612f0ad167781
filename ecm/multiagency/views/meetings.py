"""Panel meetings: planning one, the agenda, attendance, invitations, actions and outcomes, finalising,
and the minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ecm.core import clock
from ecm.multiagency import selectors, services
from ecm.multiagency.access import action_for, case_for, item_for, meeting_for, multiagency_user_required, panel_for
from ecm.multiagency.forms import ActionForm, AttendanceForm, ExtraMeetingForm, InviteForm, OutcomeForm
from ecm.multiagency.services.common import is_panel_officer
from ecm.multiagency.views.common import form_page, posted


def _back(meeting: Any) -> str:
    return reverse("multiagency:meeting", args=[meeting.pk])


@multiagency_user_required
@require_POST
def meeting_plan(request: HttpRequest, panel_id: str) -> HttpResponse:
    """Plan a scheduled meeting (a date from the schedule), call one for today, or call an extra one."""
    found = panel_for(actor=request.user, panel_id=panel_id, officer=True)
    try:
        if request.POST.get("held_on"):
            held_on = dt.date.fromisoformat(request.POST["held_on"])
        else:
            form = ExtraMeetingForm(request.POST)
            if not form.is_valid():
                errors = form.errors.get("held_on", ["Choose a meeting date."])
                messages.error(request, "; ".join(str(e) for e in errors))
                return redirect("multiagency:panel", panel_id=found.pk)
            held_on = form.cleaned_data["held_on"]
        meeting = services.meeting_plan(actor=request.user, panel=found, held_on=held_on)
    except ValueError as exc:  # MultiagencyError is a ValueError, as is a malformed date
        messages.error(request, str(exc) if isinstance(exc, services.MultiagencyError) else "Choose a meeting date.")
        return redirect("multiagency:panel", panel_id=found.pk)
    if held_on == clock.today():
        messages.success(request, "Today's meeting is called. Build its agenda, then record who came and each outcome.")
    else:
        messages.success(request, "The meeting is planned. Build its agenda when referrals are in.")
    return redirect("multiagency:meeting", meeting_id=meeting.pk)


@multiagency_user_required
def meeting(request: HttpRequest, meeting_id: str) -> HttpResponse:
    found = meeting_for(actor=request.user, meeting_id=meeting_id)
    context = {
        "meeting": found,
        "panel": found.panel,
        "sections": selectors.agenda_open(actor=request.user, meeting=found, page="agenda"),
        "attendees": selectors.attendees_of(found),
        "is_officer": is_panel_officer(request.user, found.panel),
    }
    return render(request, "multiagency/meeting.html", context)


@multiagency_user_required
@require_POST
def agenda_build(request: HttpRequest, meeting_id: str) -> HttpResponse:
    found = meeting_for(actor=request.user, meeting_id=meeting_id, officer=True)
    try:
        added = services.agenda_build(actor=request.user, meeting=found)
    except services.MultiagencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{len(added)} child{'ren' if len(added) != 1 else ''} added to the agenda.")
    return redirect("multiagency:meeting", meeting_id=found.pk)


@multiagency_user_required
@require_POST
def item_remove(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    found = meeting_for(actor=request.user, meeting_id=meeting_id, officer=True)
    try:
        services.agenda_item_remove(actor=request.user, item=item_for(found, item_id))
    except services.MultiagencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Taken off the agenda.")
    return redirect("multiagency:meeting", meeting_id=found.pk)


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, meeting_id: str) -> HttpResponse:
    found = meeting_for(actor=request.user, meeting_id=meeting_id, officer=True)
    members = [(str(m.user.pk), f"{m.user}, {m.organisation.name}") for m in selectors.current_members(found.panel)]
    initial = {"attendees": [str(u.pk) for u in selectors.attendees_of(found)], "others_present": found.others_present}
    form = AttendanceForm(posted(request), members=members, initial=initial)

    def act(data: dict[str, Any]) -> Any:
        people = [u for u in (selectors.user_by_id(pk) for pk in data["attendees"]) if u is not None]
        return services.attendance_record(
            actor=request.user, meeting=found, attendees=people, others_present=data["others_present"]
        )

    return form_page(
        request,
        form,
        act,
        title="Who attended",
        caption=f"{found.panel.name}, {found.held_on:%-d %B %Y}",
        done="Attendance saved.",
        back=_back(found),
    )


def _item(request: HttpRequest, meeting_id: str, item_id: str) -> Any:
    """An agenda item for the panel's chair or administrator, who must still be able to see the case."""
    found = meeting_for(actor=request.user, meeting_id=meeting_id, officer=True)
    item = item_for(found, item_id)
    case_for(actor=request.user, referral_id=item.referral_id)
    return found, item


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    found, item = _item(request, meeting_id, item_id)
    form = InviteForm(posted(request))

    def act(data: dict[str, Any]) -> Any:
        return services.family_invite(actor=request.user, item=item, name=data["name"])

    return form_page(
        request,
        form,
        act,
        title="Invite a parent or carer",
        caption=item.referral.child.display_name,
        done="The invitation is recorded.",
        back=_back(found),
    )


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    found, item = _item(request, meeting_id, item_id)
    form = ActionForm(posted(request), people=selectors.allocation_choices(item.referral))

    def act(data: dict[str, Any]) -> Any:
        return services.panel_action_add(
            actor=request.user,
            item=item,
            what=data["what"],
            owner=selectors.user_by_id(data["owner"]),
            due_on=data["due_on"],
        )

    return form_page(
        request,
        form,
        act,
        title="Add an action",
        caption=item.referral.child.display_name,
        done="The action is added and its owner told.",
        back=_back(found),
    )


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    found, item = _item(request, meeting_id, item_id)
    form = OutcomeForm(posted(request), people=selectors.allocation_choices(item.referral))

    def act(data: dict[str, Any]) -> Any:
        return services.outcome_record(
            actor=request.user,
            item=item,
            outcome=data["outcome"],
            discussion=data["discussion"],
            allocated=selectors.user_by_id(data["allocated"]) if data.get("allocated") else None,
            next_review_on=data.get("next_review_on"),
            handover_note=data.get("handover_note") or "",
        )

    return form_page(
        request,
        form,
        act,
        title="Record the outcome",
        caption=item.referral.child.display_name,
        intro="A lead professional allocated here also becomes the lead professional of the child's open CAF.",
        done="The outcome is recorded.",
        back=_back(found),
    )


@multiagency_user_required
@require_POST
def finalise(request: HttpRequest, meeting_id: str) -> HttpResponse:
    found = meeting_for(actor=request.user, meeting_id=meeting_id, officer=True)
    try:
        services.meeting_finalise(actor=request.user, meeting=found)
    except services.MultiagencyError as exc:
        messages.error(request, str(exc))
        return redirect("multiagency:meeting", meeting_id=found.pk)
    messages.success(request, "The meeting is finalised and the minutes are sent to every member.")
    return redirect("multiagency:minutes", meeting_id=found.pk)


@multiagency_user_required
def minutes(request: HttpRequest, meeting_id: str) -> HttpResponse:
    found = meeting_for(actor=request.user, meeting_id=meeting_id)
    if not found.is_finalised:
        raise Http404("No minutes yet")
    context = {
        "meeting": found,
        "panel": found.panel,
        "sections": selectors.agenda_open(actor=request.user, meeting=found, page="minutes"),
        "attendees": selectors.attendees_of(found),
    }
    return render(request, "multiagency/minutes.html", context)


@multiagency_user_required
@require_POST
def action_done(request: HttpRequest, action_id: str) -> HttpResponse:
    action = action_for(actor=request.user, action_id=action_id)
    try:
        services.panel_action_done(actor=request.user, action=action)
    except services.MultiagencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The action is marked done.")
    return redirect("multiagency:home")

"""Team Around the Child, meetings, the lead professional, the plan, reviews, closure, step-up and transfer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecm.caf import selectors, services
from ecm.caf.access import action_for, caf_user_required, can_edit, member_of, transfer_for
from ecm.caf.choices import Progress
from ecm.caf.forms.plan import (
    ActionForm,
    CloseForm,
    IntervalForm,
    LeadForm,
    LeadOfferAnswerForm,
    MeetingForm,
    MeetingMinuteForm,
    MeetingScheduleForm,
    MemberForm,
    ProgressForm,
    RemoveMemberForm,
    ReviewForm,
    SpecialistForm,
    StepUpForm,
    TransferForm,
    outcome_progress_of,
)
from ecm.caf.models import Assessment
from ecm.caf.views.assessment import opened
from ecm.caf.views.start import posted
from ecm.core import clock


def _member_choices(assessment: Assessment) -> list[tuple[str, str]]:
    return [(str(m.pk), m.label) for m in selectors.current_members(assessment)]


def _members(assessment: Assessment, ids: list[str]) -> list[Any]:
    return [m for m in (member_of(assessment, i) for i in ids) if m is not None]


def _form_page(
    request: HttpRequest,
    assessment: Assessment,
    form: Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    done: str,
    back: str,
) -> HttpResponse:
    """The shared shape of a one-form page: valid → one service → message → back; a rule broken → error summary."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except services.CafError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(back, assessment_id=assessment.pk)
    return render(request, "caf/form_page.html", {"assessment": assessment, "form": form, "title": title, "back": back})


@caf_user_required
def team(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "team")
    context = {
        "assessment": assessment,
        "members": selectors.current_members(assessment),
        "leads": selectors.lead_history(assessment),
        "lead_offer": services.open_lead_offer(assessment),
        "meetings": selectors.meetings_of(assessment),
        "can_edit": can_edit(request.user, assessment),
        "today": clock.today(),
    }
    return render(request, "caf/team.html", context)


@caf_user_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "member_add", edit=True)
    people = selectors.eligible_practitioners(assessment)
    choices = [(str(p.pk), f"{p.get_full_name()}, {p.organisation.name if p.organisation else ''}") for p in people]
    form = MemberForm(posted(request), practitioners=choices)

    def act(data: dict[str, Any]) -> Any:
        user = selectors.user_by_id(data["practitioner"]) if data["kind"] == "practitioner" else None
        return services.team_member_add(
            actor=request.user, assessment=assessment, kind=data["kind"], user=user, name=data["name"]
        )

    return _form_page(
        request,
        assessment,
        form,
        act,
        title="Add to the Team Around the Child",
        done="Added to the team.",
        back="caf:team",
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, assessment_id: str, member_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "member_remove", edit=True)
    member = member_of(assessment, member_id)
    if member is None:
        raise Http404("No such member")
    form = RemoveMemberForm(posted(request))

    def act(data: dict[str, Any]) -> Any:
        return services.team_member_remove(actor=request.user, member=member, reason=data["reason"])

    title = f"Take {member.name} off the team"
    return _form_page(
        request, assessment, form, act, title=title, done="They are no longer in the team.", back="caf:team"
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "meeting_add", edit=True)
    form = MeetingForm(posted(request), members=_member_choices(assessment))

    def act(data: dict[str, Any]) -> Any:
        return services.meeting_record(
            actor=request.user,
            assessment=assessment,
            held_on=data["held_on"],
            invitees=_members(assessment, data["invitees"]),
            attendees=_members(assessment, data["attendees"]),
            notes=data["notes"],
        )

    return _form_page(
        request, assessment, form, act, title="Record a TAC meeting", done="The meeting is recorded.", back="caf:team"
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "meeting_schedule", edit=True)
    form = MeetingScheduleForm(posted(request), members=_member_choices(assessment))

    def act(data: dict[str, Any]) -> Any:
        return services.meeting_schedule(
            actor=request.user,
            assessment=assessment,
            held_on=data["held_on"],
            starts_at=data["starts_at"],
            place=data["place"],
            invitees=_members(assessment, data["invitees"]),
        )

    return _form_page(
        request,
        assessment,
        form,
        act,
        title="Plan a TAC meeting",
        done="The meeting is planned and the practitioners invited have been told.",
        back="caf:team",
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def meeting_minute(request: HttpRequest, assessment_id: str, meeting_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "meeting_minute", edit=True)
    meeting = selectors.meeting_by_id(assessment, meeting_id)
    if meeting is None or not meeting.is_planned:
        raise Http404("No such meeting")
    invited = selectors.meeting_invitee_ids(meeting)
    form = MeetingMinuteForm(posted(request), members=_member_choices(assessment), initial={"attendees": invited})

    def act(data: dict[str, Any]) -> Any:
        return services.meeting_minute(
            actor=request.user, meeting=meeting, attendees=_members(assessment, data["attendees"]), notes=data["notes"]
        )

    return _form_page(
        request,
        assessment,
        form,
        act,
        title=f"Record the TAC meeting of {meeting.held_on:%-d %B %Y}",
        done="The meeting is recorded and its notes sent to the team.",
        back="caf:team",
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def lead_appoint(request: HttpRequest, assessment_id: str) -> HttpResponse:
    """Choose the lead professional: they are asked, and the current lead stays until they accept."""
    assessment = opened(request, assessment_id, "lead_appoint", edit=True)
    current = selectors.current_members(assessment)
    members = [(str(m.pk), m.label) for m in current if m.user_id or m.kind != "practitioner"]
    practitioners = [(str(m.pk), m.label) for m in current if m.user_id and m.kind == "practitioner"]
    meetings = [(str(m.pk), f"{m.held_on:%-d %B %Y}") for m in selectors.meetings_of(assessment)]
    form = LeadForm(posted(request), members=members, meetings=meetings, practitioners=practitioners)

    def act(data: dict[str, Any]) -> Any:
        member = member_of(assessment, data["member"])
        if member is None:
            raise services.CafError("Choose a member of this team.")
        supporting = member_of(assessment, data["supporting_member"]) if data.get("supporting_member") else None
        return services.lead_professional_offer(
            actor=request.user,
            assessment=assessment,
            member=member,
            supporting_member=supporting if member.kind != "practitioner" else None,
            meeting=selectors.meeting_by_id(assessment, data["meeting"]),
            reason=data["reason"],
            handover_note=data["handover_note"],
        )

    return _form_page(
        request,
        assessment,
        form,
        act,
        title="Choose the lead professional",
        done="Saved. If you chose someone else, they have been asked to accept; the current lead professional "
        "stays until they do.",
        back="caf:team",
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def lead_offer(request: HttpRequest, assessment_id: str, offer_id: str) -> HttpResponse:
    """The person asked to be the lead professional (or to support a family lead) accepts or declines."""
    assessment = opened(request, assessment_id, "lead_offer")
    offer = selectors.lead_offer_for(assessment, offer_id)
    if offer is None or offer.acceptor_member.user_id != request.user.pk:
        raise Http404("No such offer")
    form = LeadOfferAnswerForm(posted(request))
    if request.method == "POST" and offer.status == "offered" and form.is_valid():
        try:
            if form.cleaned_data["answer"] == "accept":
                services.lead_offer_accept(actor=request.user, offer=offer)
                messages.success(request, "You are now the lead professional. The team has been told.")
            else:
                services.lead_offer_decline(actor=request.user, offer=offer, note=form.cleaned_data["note"])
                messages.success(request, "You declined. The current lead professional stays.")
        except services.CafError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("caf:team", assessment_id=assessment.pk)
    context = {
        "assessment": assessment,
        "offer": offer,
        "current": services.current_lead(assessment),
        "form": form,
    }
    return render(request, "caf/lead_offer.html", context)


@caf_user_required
def plan(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "plan")
    actions = [a for a in selectors.actions_of(assessment) if a.progress != Progress.ACHIEVED]
    context = {"assessment": assessment, "actions": actions, "can_edit": can_edit(request.user, assessment)}
    return render(request, "caf/plan.html", context)


@caf_user_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "action_add", edit=True)
    form = ActionForm(posted(request), members=_member_choices(assessment))

    def act(data: dict[str, Any]) -> Any:
        responsible = member_of(assessment, data["responsible"])
        if responsible is None:
            raise services.CafError("Choose who is responsible.")
        return services.action_add(
            actor=request.user,
            assessment=assessment,
            what=data["what"],
            responsible=responsible,
            due_on=data["due_on"],
            outcome_wanted=data["outcome_wanted"],
            outcome=data["outcome"],
        )

    return _form_page(
        request, assessment, form, act, title="Add an action", done="The action is added.", back="caf:plan"
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def action_progress(request: HttpRequest, assessment_id: str, action_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "action_progress", edit=True)
    action = action_for(assessment, action_id)
    form = ProgressForm(posted(request), initial={"progress": action.progress, "comments": action.comments})

    def act(data: dict[str, Any]) -> Any:
        return services.action_progress_set(
            actor=request.user, action=action, progress=data["progress"], comments=data["comments"]
        )

    title = f"Progress: {action.what[:60]}"
    return _form_page(request, assessment, form, act, title=title, done="Progress saved.", back="caf:plan")


@caf_user_required
def reviews(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "reviews")
    context = {
        "assessment": assessment,
        "reviews": selectors.reviews_of(assessment),
        "closure_progress": selectors.closure_progress_of(assessment),
        "can_edit": can_edit(request.user, assessment),
    }
    return render(request, "caf/reviews.html", context)


@caf_user_required
@require_http_methods(["GET", "POST"])
def review_add(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "review_add", edit=True)
    actions = [a for a in selectors.actions_of(assessment) if a.progress != Progress.ACHIEVED]
    form = ReviewForm(posted(request), outcomes=services.plan_outcomes(assessment), actions=actions)

    def act(data: dict[str, Any]) -> Any:
        per_action = form.action_progress()
        progress = outcome_progress_of(data)
        return services.review_record(
            actor=request.user, assessment=assessment, outcome_progress=progress, action_progress=per_action, **data
        )

    return _form_page(
        request, assessment, form, act, title="Record a review", done="The review is recorded.", back="caf:reviews"
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def interval(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "interval", edit=True)
    form = IntervalForm(posted(request), initial={"weeks": assessment.review_interval_weeks})

    def act(data: dict[str, Any]) -> Any:
        return services.review_interval_set(actor=request.user, assessment=assessment, weeks=data["weeks"])

    return _form_page(
        request,
        assessment,
        form,
        act,
        title="How often to review",
        done="The review interval is changed.",
        back="caf:reviews",
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "close", edit=True)
    form = CloseForm(posted(request), outcomes=services.plan_outcomes(assessment))

    def act(data: dict[str, Any]) -> Any:
        return services.assessment_close(
            actor=request.user,
            assessment=assessment,
            reason=data["reason"],
            notes=data["notes"],
            outcome_progress=outcome_progress_of(data),
            family_feedback_rating=data["family_feedback_rating"],
            family_feedback=data["family_feedback"],
        )

    return _form_page(
        request, assessment, form, act, title="Close the CAF", done="The CAF is closed.", back="caf:detail"
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "step_up", edit=True)
    form = StepUpForm(posted(request))

    def act(data: dict[str, Any]) -> Any:
        return services.assessment_step_up(actor=request.user, assessment=assessment, **data)

    return _form_page(
        request,
        assessment,
        form,
        act,
        title="Step up to children's social care",
        done="The step-up is recorded.",
        back="caf:detail",
    )


@caf_user_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "transfer", edit=True)
    people = selectors.practitioners_elsewhere(assessment)
    choices = [(str(p.pk), f"{p.get_full_name()}, {p.organisation.name if p.organisation else ''}") for p in people]
    form = TransferForm(posted(request), practitioners=choices)

    def act(data: dict[str, Any]) -> Any:
        to_user = selectors.user_by_id(data["to_user"])
        if to_user is None:
            raise services.CafError("Choose who will receive the CAF.")
        return services.transfer_request(
            actor=request.user, assessment=assessment, to_user=to_user, consent_confirmed=data["consent_confirmed"]
        )

    return _form_page(
        request,
        assessment,
        form,
        act,
        title="Transfer to another area",
        done="The transfer is offered. You stay lead professional until it is accepted.",
        back="caf:detail",
    )


@caf_user_required
@require_POST
def transfer_accept(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "transfer_accept")
    services.transfer_accept(actor=request.user, transfer=transfer_for(actor=request.user, assessment=assessment))
    messages.success(request, "You have accepted the CAF and are now its lead professional.")
    return redirect("caf:detail", assessment_id=assessment.pk)


@caf_user_required
@require_http_methods(["GET", "POST"])
def specialist_add(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "specialist_add", edit=True)
    form = SpecialistForm(posted(request))

    def act(data: dict[str, Any]) -> Any:
        return services.specialist_referral_record(actor=request.user, assessment=assessment, **data)

    return _form_page(
        request,
        assessment,
        form,
        act,
        title="Specialist assessment",
        done="The specialist assessment is recorded.",
        back="caf:detail",
    )

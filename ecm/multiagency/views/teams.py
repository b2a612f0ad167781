"""Multi-agency teams: the list, setting one up, the team page with its caseload, and secondments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ecm.accounts.choices import Role
from ecm.multiagency import selectors, services
from ecm.multiagency.access import manager_required, multiagency_user_required, secondment_for, team_for
from ecm.multiagency.forms import SecondmentForm, TeamForm
from ecm.multiagency.views.common import form_page, posted


@multiagency_user_required
def teams(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    mine = {t.pk for t in selectors.teams_of(user)}
    context = {"teams": selectors.teams_all(), "mine": mine, "is_manager": user.has_role(Role.MANAGER)}
    return render(request, "multiagency/teams.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest) -> HttpResponse:
    form = TeamForm(posted(request), areas=selectors.area_choices(), people=selectors.practitioner_choices())

    def act(data: dict[str, Any]) -> Any:
        return services.team_create(
            actor=request.user,
            name=data["name"],
            local_authority=selectors.area_by_id(data["local_authority"]),
            leader=selectors.user_by_id(data["leader"]),
            description=data["description"],
        )

    return form_page(
        request,
        form,
        act,
        title="Set up a multi-agency team",
        done="The team is set up.",
        back=reverse("multiagency:teams"),
        next_url=lambda team: reverse("multiagency:team", args=[team.pk]),
    )


@multiagency_user_required
def team(request: HttpRequest, team_id: str) -> HttpResponse:
    found = team_for(actor=request.user, team_id=team_id)
    current = selectors.current_secondments(found)
    people = [found.leader, *[s.user for s in current]]
    context = {
        "team": found,
        "secondments": current,
        "others": selectors.past_and_future_secondments(found),
        "caseloads": selectors.caseloads_viewed(actor=request.user, people=people, page="team"),
        "is_leader": request.user.pk == found.leader_id,
    }
    return render(request, "multiagency/team.html", context)


@multiagency_user_required
@require_http_methods(["GET", "POST"])
def secondment_add(request: HttpRequest, team_id: str) -> HttpResponse:
    found = team_for(actor=request.user, team_id=team_id, leader=True)
    form = SecondmentForm(posted(request), people=selectors.practitioner_choices())

    def act(data: dict[str, Any]) -> Any:
        return services.secondment_start(
            actor=request.user,
            team=found,
            user=selectors.user_by_id(data["practitioner"]),
            role_in_team=data["role_in_team"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
        )

    return form_page(
        request,
        form,
        act,
        title="Second a practitioner to the team",
        caption=found.name,
        intro="Their home organisation stays their employer, supervisor and the place their vetting and any "
        "misuse alert go. The team gains their caseload.",
        done="The secondment is recorded; they and their manager are told.",
        back=reverse("multiagency:team", args=[found.pk]),
    )


@multiagency_user_required
@require_POST
def secondment_end(request: HttpRequest, team_id: str, secondment_id: str) -> HttpResponse:
    found = team_for(actor=request.user, team_id=team_id, leader=True)
    secondment = secondment_for(found, secondment_id)
    try:
        services.secondment_end(actor=request.user, secondment=secondment)
    except services.MultiagencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{secondment.user}'s secondment ends today.")
    return redirect("multiagency:team", team_id=found.pk)

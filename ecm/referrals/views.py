"""Referral pages: choose a service for a child, send, see sent and received referrals, answer, withdraw.

Thin: access, one service call, render. A referral starts from the child's index record, so
the practitioner has already given a reason for opening it (held in the session).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ecm.index.access import child_for
from ecm.index.reasons import reason_for
from ecm.index.visibility import child_visibility
from ecm.referrals import selectors
from ecm.referrals.access import is_receiver, is_referrer, referral_for, referrals_user_required, service_for
from ecm.referrals.choices import Decision, ReferralStatus
from ecm.referrals.forms import DecisionForm, ReferralForm, ServiceSearchForm, ServiceTeamForm, WithdrawForm
from ecm.referrals.services import (
    ReferralError,
    referral_accept,
    referral_decline,
    referral_send,
    referral_withdraw,
    service_team_set,
)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _child_with_reason(request: HttpRequest, child_id: str) -> Any:
    """The child, if the actor may open the record and this session gave a reason for it; else None."""
    child = child_for(actor=request.user, child_id=child_id)
    return child if reason_for(request, child) is not None else None


@referrals_user_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "referrals/home.html",
        {
            "sent": selectors.referrals_sent_by(user),
            "received": selectors.referrals_received_by(user.organisation, actor=user),
            "perms_manager": user.has_any_role("manager"),
        },
    )


@referrals_user_required
def choose_service(request: HttpRequest, child_id: str) -> HttpResponse:
    child = _child_with_reason(request, child_id)
    if child is None:
        return redirect("index:reason", child_id=child_id)
    form = ServiceSearchForm(request.GET if "q" in request.GET else None)
    services = selectors.service_choices(form.cleaned_data["q"]) if form.is_bound and form.is_valid() else []
    return render(
        request,
        "referrals/choose_service.html",
        {"child": child, "form": form, "services": services, "searched": form.is_bound},
    )


@referrals_user_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, child_id: str, service_id: str) -> HttpResponse:
    child = _child_with_reason(request, child_id)
    if child is None:
        return redirect("index:reason", child_id=child_id)
    service = service_for(service_id)
    check = selectors.referral_check(child=child, service=service)
    if not check.allowed:
        return render(request, "referrals/not_allowed.html", {"child": child, "service": service, "check": check})
    form = ReferralForm(_posted(request), cafs=selectors.team_cafs(actor=request.user, child=child))
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_send(
                actor=request.user,
                child=child,
                service=service,
                reason=form.cleaned_data["reason"],
                assessment=form.chosen_assessment(),
            )
        except ReferralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Referral sent to {service.name}. You will be told when they answer.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/new.html", {"child": child, "service": service, "check": check, "form": form})


@referrals_user_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = referral_for(actor=request.user, referral_id=referral_id)
    receiver = is_receiver(request.user, referral)
    shareable = selectors.still_shareable(referral)
    form = DecisionForm(_posted(request)) if receiver and referral.is_open else None
    if request.method == "POST":
        if form is None:
            return redirect("referrals:detail", referral_id=referral.pk)
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == Decision.ACCEPT:
                    referral_accept(actor=request.user, referral=referral, note=form.cleaned_data["reason"])
                    messages.success(request, "You accepted the referral. The referrer has been told.")
                else:
                    referral_decline(actor=request.user, referral=referral, reason=form.cleaned_data["reason"])
                    messages.success(request, "You declined the referral. The referrer has been told why.")
            except ReferralError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("referrals:detail", referral_id=referral.pk)
    selectors.referral_open(actor=request.user, referral=referral, as_receiver=receiver)
    child = referral.child
    visibility = child_visibility(request.user, child)
    # The receiver sees the child's details only while sharing with them is still allowed.
    show_child = not receiver or shareable
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "child": child,
            "receiver": receiver,
            "referrer": is_referrer(request.user, referral),
            "shareable": shareable,
            "show_child": show_child,
            "restricted": visibility.restricted,
            "address": selectors.current_address(child) if show_child and visibility.shows_whereabouts else None,
            "carers": selectors.carers_of(child) if show_child else [],
            "form": form,
            "can_withdraw": is_referrer(request.user, referral) and referral.status == ReferralStatus.SENT,
        },
    )


@referrals_user_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = referral_for(actor=request.user, referral_id=referral_id)
    if not is_referrer(request.user, referral) or not referral.is_open:
        return redirect("referrals:detail", referral_id=referral.pk)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            referral_withdraw(actor=request.user, referral=referral, reason=form.cleaned_data["reason"])
        except ReferralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The referral is withdrawn. The service has been told.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/withdraw.html", {"referral": referral, "form": form})


def _own_services_required(view: Any) -> Any:
    from ecm.accounts.access import role_required
    from ecm.accounts.choices import Role

    return referrals_user_required(role_required(Role.MANAGER)(view))


@_own_services_required
def service_teams(request: HttpRequest) -> HttpResponse:
    """A manager sees who is told of referrals to each of their organisation's directory services."""
    user: Any = request.user
    return render(
        request,
        "referrals/service_teams.html",
        {"services": selectors.services_of_organisation(user.organisation)},
    )


@_own_services_required
@require_http_methods(["GET", "POST"])
def service_team_edit(request: HttpRequest, service_id: str) -> HttpResponse:
    user: Any = request.user
    service = next((s for s in selectors.services_of_organisation(user.organisation) if str(s.pk) == service_id), None)
    if service is None:
        from django.http import Http404

        raise Http404("Page not found")
    teams = selectors.teams_for_organisation(user.organisation)
    current = getattr(getattr(service, "referral_team", None), "team_id", None)
    form = ServiceTeamForm(_posted(request), teams=teams, initial={"team": str(current) if current else ""})
    if request.method == "POST" and form.is_valid():
        team = next((t for t in teams if str(t.pk) == form.cleaned_data["team"]), None)
        try:
            service_team_set(actor=user, service=service, team=team)
        except ReferralError as exc:
            form.add_error("team", str(exc))
        else:
            who = team.name if team else "your organisation's managers"
            messages.success(request, f"Referrals to {service.name} will be sent to {who}.")
            return redirect("referrals:service_teams")
    return render(request, "referrals/service_team_edit.html", {"service": service, "form": form})

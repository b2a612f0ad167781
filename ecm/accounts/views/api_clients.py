"""API clients for system administrators: the list with status and last use, expiry, revoke and rotate."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ecm.accounts.access import admin_required, api_client_for_admin, api_client_gaps
from ecm.accounts.forms import ApiClientExpiryForm, ReasonForm
from ecm.accounts.selectors import api_client_list
from ecm.accounts.services import AccountsError, api_client_revoke, api_client_rotate, api_client_set_expiry


@admin_required
def api_client_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/admin/api_client_list.html", {"clients": api_client_list()})


@admin_required
def api_client_detail_view(request: HttpRequest, client_id: str) -> HttpResponse:
    client = api_client_for_admin(actor=request.user, client_id=client_id)
    form = ApiClientExpiryForm(request.POST or None, initial={"expires_on": client.expires_on})
    if request.method == "POST" and form.is_valid():
        try:
            api_client_set_expiry(actor=request.user, client=client, expires_on=form.cleaned_data["expires_on"])
        except AccountsError as exc:
            form.add_error("expires_on", str(exc))
        else:
            messages.success(request, f"Expiry date of {client.name} saved.")
            return redirect("accounts:api_client_detail", client_id=client.pk)
    return render(
        request,
        "accounts/admin/api_client_detail.html",
        {"client": client, "gaps": api_client_gaps(client), "form": form},
    )


@admin_required
def api_client_revoke_view(request: HttpRequest, client_id: str) -> HttpResponse:
    client = api_client_for_admin(actor=request.user, client_id=client_id)
    form = ReasonForm(request.POST or None, submit="Revoke API client")
    if request.method == "POST" and form.is_valid():
        try:
            api_client_revoke(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        except AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{client.name} is revoked: its token no longer works.")
            return redirect("accounts:api_client_detail", client_id=client.pk)
    return render(request, "accounts/admin/api_client_confirm.html", {"client": client, "form": form, "act": "revoke"})


@admin_required
def api_client_rotate_view(request: HttpRequest, client_id: str) -> HttpResponse:
    client = api_client_for_admin(actor=request.user, client_id=client_id)
    form = ReasonForm(request.POST or None, submit="Give it a new token")
    if request.method == "POST" and form.is_valid():
        try:
            client, token = api_client_rotate(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        except AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            # The new token is shown on this answer only: never stored, never in a redirect or a cache.
            response = render(request, "accounts/admin/api_client_token.html", {"client": client, "token": token})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/admin/api_client_confirm.html", {"client": client, "form": form, "act": "rotate"})

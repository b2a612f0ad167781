"""The directory team links each directory organisation to the ECM organisation that receives its referrals."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ecm.accounts.selectors import organisation_list
from ecm.directory import access
from ecm.directory.forms import ProviderLinkForm
from ecm.directory.selectors.places import organizations_with_providers
from ecm.directory.services import organization_link_provider

PER_PAGE = 50


@access.directory_team_required
def provider_links(request: HttpRequest) -> HttpResponse:
    """Every directory organisation and the ECM organisation it is linked to, unlinked ones first to hand."""
    search = request.GET.get("q", "").strip()[:100]
    unlinked_only = request.GET.get("unlinked") == "1"
    qs = organizations_with_providers(search, unlinked_only=unlinked_only)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/team/providers.html",
        {"page": page, "search": search, "unlinked_only": unlinked_only},
    )


@access.directory_team_required
def provider_link(request: HttpRequest, organization_id: str) -> HttpResponse:
    organization = access.organization_for_team(actor=request.user, organization_id=organization_id)
    organisations = list(organisation_list())
    initial = {"provider": str(organization.provider_id) if organization.provider_id else "none"}
    form = ProviderLinkForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        organization_link_provider(actor=request.user, organization=organization, provider=chosen)
        if chosen is None:
            messages.success(request, f"{organization.name} is no longer linked to an organisation in ECM.")
        else:
            messages.success(request, f"{organization.name} is now linked to {chosen.name}.")
        return redirect(reverse("directory:provider_links"))
    return render(request, "directory/team/provider_link.html", {"organization": organization, "form": form})

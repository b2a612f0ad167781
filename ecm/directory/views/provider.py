"""Provider self-service: staff of a linked organisation propose changes and confirm reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ecm.directory import access
from ecm.directory.forms import ServiceChangeForm
from ecm.directory.selectors import records
from ecm.directory.services import (
    EDITABLE_FIELDS,
    ModerationError,
    service_change_propose,
    service_review_confirm,
)


@login_required
def provider_home(request: HttpRequest) -> HttpResponse:
    services = records.services_for_provider(organisation=getattr(request.user, "organisation", None))
    return render(
        request,
        "directory/provider/home.html",
        {"services": services, "is_team": access.is_directory_team(request.user)},
    )


@login_required
def provider_service(request: HttpRequest, service_id: str) -> HttpResponse:
    service = access.service_for_provider(actor=request.user, service_id=service_id)
    initial = {name: getattr(service, name) for name in EDITABLE_FIELDS}
    form = ServiceChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data.get(name) for name in EDITABLE_FIELDS if name in form.cleaned_data}
        changes = {k: ("" if v is None and k != "maximum_age_months" else v) for k, v in changes.items()}
        try:
            service_change_propose(
                actor=request.user, service=service, changes=changes, note=form.cleaned_data.get("provider_note", "")
            )
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Your changes have been sent to the directory team. They will check them before they are published.",
            )
            return redirect(reverse("directory:provider_service", args=[service.id]))
    return render(
        request,
        "directory/provider/service.html",
        {"service": service, "form": form, "changes": records.changes_for_service(service)[:10]},
    )


@login_required
@require_POST
def provider_review(request: HttpRequest, service_id: str) -> HttpResponse:
    service = access.service_for_provider(actor=request.user, service_id=service_id)
    service_review_confirm(actor=request.user, service=service)
    messages.success(request, f"Thank you. {service.name} is marked as reviewed today.")
    return redirect(reverse("directory:provider_service", args=[service.id]))

"""Administration of areas, organisations and practitioners (system administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecm.accounts import saved_forms
from ecm.accounts.access import (
    admin_required,
    child_data_gaps,
    organisation_for_admin,
    practitioner_for_admin,
)
from ecm.accounts.choices import SessionEndReason
from ecm.accounts.forms import LocalAuthorityForm, OrganisationForm, PractitionerForm, ReasonForm
from ecm.accounts.selectors import (
    local_authority_list,
    organisation_list,
    practitioner_list,
    second_factors_for,
    sessions_for,
)
from ecm.accounts.services import (
    AccountsError,
    local_authority_create,
    organisation_create,
    organisation_update,
    practitioner_create,
    practitioner_reinstate,
    practitioner_send_set_password_link,
    practitioner_suspend,
    practitioner_update,
    sessions_end_for_user,
)
from ecm.core import clock

PRACTITIONER_EDITABLE = (
    "first_name",
    "last_name",
    "email",
    "job_title",
    "phone",
    "professional_registration",
    "organisation",
    "manager",
    "vetting_checked_on",
    "training_completed_on",
    "agreement_signed_on",
    "leaver_date",
)


def _form_data(request: HttpRequest) -> tuple[Any, bool]:
    """POST data, or answers kept from a session that timed out (offered back once)."""
    if request.method == "POST":
        return request.POST, False
    saved = saved_forms.take_saved_form(request)
    if saved:
        return saved_forms.as_form_data(saved), True
    return None, False


@admin_required
def practitioner_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = Paginator(practitioner_list(query=query), 25).get_page(request.GET.get("page"))
    pages = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    context: dict[str, Any] = {"page_obj": page, "query": query, "pages": pages, "ellipsis": page.paginator.ELLIPSIS}
    context["today"] = clock.today()
    return render(request, "accounts/admin/practitioner_list.html", context)


@admin_required
def practitioner_create_view(request: HttpRequest) -> HttpResponse:
    data, restored = _form_data(request)
    form = PractitionerForm(data)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PRACTITIONER_EDITABLE}
        try:
            user = practitioner_create(
                actor=request.user, username=form.cleaned_data["username"], roles=form.cleaned_data["roles"], **fields
            )
        except AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            practitioner_send_set_password_link(actor=request.user, practitioner=user)
            messages.success(request, f"Account created for {user}. We have emailed them a link to set their password.")
            return redirect("accounts:practitioner_detail", practitioner_id=user.pk)
    return render(
        request, "accounts/admin/practitioner_form.html", {"form": form, "restored": restored, "creating": True}
    )


@admin_required
def practitioner_detail_view(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = practitioner_for_admin(actor=request.user, practitioner_id=practitioner_id)
    return render(
        request,
        "accounts/admin/practitioner_detail.html",
        {
            "practitioner": practitioner,
            "gaps": child_data_gaps(practitioner),
            "factors": second_factors_for(user=practitioner),
            "sessions": sessions_for(user=practitioner)[:20],
        },
    )


@admin_required
def practitioner_edit_view(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = practitioner_for_admin(actor=request.user, practitioner_id=practitioner_id)
    data, restored = _form_data(request)
    initial = {name: getattr(practitioner, name) for name in PRACTITIONER_EDITABLE}
    initial["username"] = practitioner.username
    initial["roles"] = sorted(practitioner.role_codes)
    form = PractitionerForm(data, initial=initial, editing=practitioner)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PRACTITIONER_EDITABLE}
        try:
            practitioner_update(
                actor=request.user, practitioner=practitioner, roles=form.cleaned_data["roles"], **fields
            )
        except AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Changes to {practitioner} saved.")
            return redirect("accounts:practitioner_detail", practitioner_id=practitioner.pk)
    return render(
        request,
        "accounts/admin/practitioner_form.html",
        {"form": form, "restored": restored, "creating": False, "practitioner": practitioner},
    )


@admin_required
@require_POST
def practitioner_end_sessions_view(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = practitioner_for_admin(actor=request.user, practitioner_id=practitioner_id)
    count = sessions_end_for_user(actor=request.user, user=practitioner, reason=SessionEndReason.ENDED_BY_ADMIN)
    messages.success(request, f"{count} session{'s' if count != 1 else ''} of {practitioner} signed out.")
    return redirect("accounts:practitioner_detail", practitioner_id=practitioner.pk)


@admin_required
def practitioner_suspend_view(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = practitioner_for_admin(actor=request.user, practitioner_id=practitioner_id)
    lifting = practitioner.suspended_at is not None
    form = ReasonForm(request.POST or None, submit="Lift suspension" if lifting else "Suspend account")
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if lifting:
            practitioner_reinstate(actor=request.user, practitioner=practitioner, reason=reason)
            messages.success(request, f"The suspension of {practitioner} has been lifted.")
        else:
            practitioner_suspend(actor=request.user, practitioner=practitioner, reason=reason)
            messages.success(request, f"{practitioner} is suspended and signed out everywhere.")
        return redirect("accounts:practitioner_detail", practitioner_id=practitioner.pk)
    return render(
        request,
        "accounts/admin/practitioner_suspend.html",
        {"form": form, "practitioner": practitioner, "lifting": lifting},
    )


@admin_required
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/admin/organisation_list.html",
        {"organisations": organisation_list(), "areas": local_authority_list()},
    )


ORGANISATION_EDITABLE = (
    "code",
    "name",
    "organisation_type",
    "local_authority",
    "accredited_on",
    "email",
    "phone",
    "address",
)


@admin_required
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    data, restored = _form_data(request)
    form = OrganisationForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            org = organisation_create(actor=request.user, **{k: form.cleaned_data[k] for k in ORGANISATION_EDITABLE})
        except AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{org.name} added.")
            return redirect("accounts:organisation_list")
    return render(
        request, "accounts/admin/organisation_form.html", {"form": form, "restored": restored, "creating": True}
    )


@admin_required
def organisation_edit_view(request: HttpRequest, organisation_id: str) -> HttpResponse:
    org = organisation_for_admin(actor=request.user, organisation_id=organisation_id)
    data, restored = _form_data(request)
    initial = {k: getattr(org, k) for k in ORGANISATION_EDITABLE}
    form = OrganisationForm(data, initial=initial, editing=org)
    if request.method == "POST" and form.is_valid():
        organisation_update(
            actor=request.user, organisation=org, **{k: form.cleaned_data[k] for k in ORGANISATION_EDITABLE}
        )
        messages.success(request, f"Changes to {org.name} saved.")
        return redirect("accounts:organisation_list")
    return render(
        request,
        "accounts/admin/organisation_form.html",
        {"form": form, "restored": restored, "creating": False, "organisation": org},
    )


@admin_required
def local_authority_create_view(request: HttpRequest) -> HttpResponse:
    form = LocalAuthorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area = local_authority_create(
            actor=request.user,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            safeguarding_referral_route=form.cleaned_data["safeguarding_referral_route"],
        )
        messages.success(request, f"{area.name} added.")
        return redirect("accounts:organisation_list")
    return render(request, "accounts/admin/local_authority_form.html", {"form": form})


@admin_required
@require_POST
def practitioner_password_link_view(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = practitioner_for_admin(actor=request.user, practitioner_id=practitioner_id)
    practitioner_send_set_password_link(actor=request.user, practitioner=practitioner)
    messages.success(request, f"We have emailed {practitioner} a link to set their password.")
    return redirect("accounts:practitioner_detail", practitioner_id=practitioner.pk)

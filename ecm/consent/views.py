"""The consent register: one page per child, and withdrawal from it. Thin: access, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ecm.consent.access import can_withdraw, consent_for, register_child_for, register_user_required
from ecm.consent.forms import WithdrawForm
from ecm.consent.selectors import consent_register_open
from ecm.consent.services import ConsentError, consent_withdraw


@register_user_required
def register(request: HttpRequest, child_id: str) -> HttpResponse:
    """Every consent for the child: standing, due for review and withdrawn (the showing is audited)."""
    child = register_child_for(actor=request.user, child_id=child_id)
    consents = consent_register_open(actor=request.user, child=child)
    context = {"child": child, "consents": consents, "can_withdraw": can_withdraw(request.user, child)}
    return render(request, "consent/register.html", context)


@register_user_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, child_id: str, consent_id: str) -> HttpResponse:
    child = register_child_for(actor=request.user, child_id=child_id, withdraw=True)
    consent = consent_for(child=child, consent_id=consent_id)
    if not consent.is_active:
        raise Http404("Already withdrawn")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(actor=request.user, consent=consent, reason=form.cleaned_data["reason"])
        except ConsentError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, "Consent is withdrawn. Sharing that rested on it has stopped.")
            return redirect("consent:register", child_id=child.pk)
    return render(request, "consent/withdraw.html", {"child": child, "consent": consent, "form": form})


"""A user's own account: gates, second factors, sessions, password, and step-up."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import match_token

from ecm.accounts import stepup
from ecm.accounts.access import child_data_gaps, own_session
from ecm.accounts.choices import SessionEndReason
from ecm.accounts.forms import PasswordChangeForm, StepUpForm
from ecm.accounts.models import User
from ecm.accounts.selectors import second_factors_for, sessions_for
from ecm.accounts.services import practitioner_set_password, session_end, step_up_record
from ecm.accounts.views.signin import safe_next


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "gaps": child_data_gaps(user),
            "factors": second_factors_for(user=user),  # type: ignore[arg-type]
            "sessions": sessions_for(user=user)[:20],  # type: ignore[arg-type]
            "current_key": request.session.session_key,
        },
    )


@login_required
@require_POST
def session_end_own(request: HttpRequest, session_id: int) -> HttpResponse:
    target = own_session(actor=request.user, session_id=session_id)
    session_end(actor=request.user, user_session=target, reason=SessionEndReason.ENDED_BY_USER)
    messages.success(request, "That session has been signed out.")
    return redirect("accounts:account")


@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        user = cast(User, request.user)
        practitioner_set_password(actor=user, practitioner=user, password=form.cleaned_data["new_password"])
        update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
        messages.success(request, "Your password has been changed.")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@never_cache
def step_up(request: HttpRequest) -> HttpResponse:
    """Confirm it's you: password and a fresh code, before a sensitive action."""
    form = StepUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        password_ok = user.check_password(form.cleaned_data["password"])  # type: ignore[union-attr]
        device = match_token(user, form.cleaned_data["code"]) if password_ok else None
        if device is None:
            step_up_record(user=user, success=False, purpose=safe_next(request))  # type: ignore[arg-type]
            form.add_error(None, "Your password or security code is not right")
        else:
            stepup.mark_stepped_up(request)
            step_up_record(user=user, success=True, purpose=safe_next(request))  # type: ignore[arg-type]
            return redirect(safe_next(request))
    return render(request, "accounts/step_up.html", {"form": form, "next": safe_next(request, "/")})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Set a password from an emailed one-time link (new accounts, or a reset)."""

    template_name = "accounts/set_password.html"
    post_reset_login = False

    def get_success_url(self) -> str:
        messages.success(self.request, "Your password is set. Sign in with it now.")
        return str(reverse_lazy("accounts:sign_in"))

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        # Save through the service so the change is audited (the form's own save is not used).
        user = cast(User, self.user)
        practitioner_set_password(actor=user, practitioner=user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())

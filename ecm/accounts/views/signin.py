"""Sign in with a password, then a second factor; sign out; lock-out page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token

from ecm.accounts import saved_forms
from ecm.accounts.choices import SecondFactorKind
from ecm.accounts.forms import CodeForm, SignInForm
from ecm.accounts.models import RecoveryCodeDevice
from ecm.accounts.selectors import has_second_factor
from ecm.accounts.services import (
    second_factor_record,
    sign_in_record_failure,
    sign_in_record_success,
    sign_out_record,
)


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when the username and address are locked out."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@never_cache
@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        # Keep anything kept from a timed-out session across the login() session cycle.
        kept = request.session.get(saved_forms.SESSION_KEY)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            sign_in_record_failure(username=username, request=request, locked_out=True)
            return locked_out(request)
        if user is None:
            sign_in_record_failure(username=username, request=request, locked_out=False)
            error = "Enter a correct username and password. Both are case-sensitive."
        else:
            login(request, user, backend="ecm.accounts.backends.PractitionerBackend")
            if kept:
                request.session[saved_forms.SESSION_KEY] = kept
            sign_in_record_success(user=user, request=request)  # type: ignore[arg-type]
            target = "accounts:verify" if has_second_factor(user=user) else "accounts:enrol"  # type: ignore[arg-type]
            from urllib.parse import urlencode

            from django.urls import reverse

            return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': safe_next(request)})}")
    if error:
        form.add_error(None, error)
    return render(request, "accounts/sign_in.html", {"form": form, "next": safe_next(request, "")})


@never_cache
@sensitive_post_parameters("code")
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app, a recovery code, or a security key."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:sign_in")
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(safe_next(request))
    if not has_second_factor(user=user):  # type: ignore[arg-type]
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is None:
            second_factor_record(user=user, kind="code", success=False)  # type: ignore[arg-type]
            form.add_error(
                "code",
                "The code is not right, or has been used already. Wait for a new code in your app and try again",
            )
        else:
            kind = SecondFactorKind.RECOVERY_CODE if isinstance(device, RecoveryCodeDevice) else SecondFactorKind.TOTP
            otp_login(request, device)
            second_factor_record(user=user, kind=kind, success=True)  # type: ignore[arg-type]
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(
                    request,
                    f"You used a recovery code. You have {device.remaining} left. "
                    "Set up new codes from 'Your account' if you are running low.",
                )
            return redirect(safe_next(request))
    return render(request, "accounts/verify.html", {"form": form, "next": safe_next(request, "")})


@never_cache
def sign_out_confirm(request: HttpRequest) -> HttpResponse:
    """A page with a sign-out button, so that signing out is a POST (no CSRF sign-outs)."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    return render(request, "accounts/sign_out.html")


@never_cache
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("accounts:sign_out_confirm")
    if request.user.is_authenticated:
        sign_out_record(user=request.user, session_key=request.session.session_key)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")

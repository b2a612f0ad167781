"""Second-factor enrolment: an authenticator app (TOTP) or a security key, then recovery codes."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp_webauthn import views as webauthn_views

from ecm.accounts.choices import SecondFactorKind
from ecm.accounts.forms import TotpConfirmForm
from ecm.accounts.selectors import has_second_factor, pending_totp_device
from ecm.accounts.services import (
    recovery_codes_issue,
    second_factor_record,
    security_key_record_enrolled,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from ecm.accounts.views.signin import safe_next

PENDING_TOTP = "ecm_pending_totp_device"
NEW_CODES = "ecm_new_recovery_codes"


def _may_enrol(request: HttpRequest) -> bool:
    """Enrolment is open to a user with no second factor yet, or one already verified (adding another)."""
    user = request.user
    return user.is_authenticated and (user.is_verified() or not has_second_factor(user=user))  # type: ignore[union-attr,arg-type]


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if not _may_enrol(request):
        return redirect("accounts:verify")
    suffix = f"?next={safe_next(request, '/')}"
    return render(
        request,
        "accounts/enrol.html",
        {
            "totp_url": reverse("accounts:enrol_totp") + suffix,
            "key_url": reverse("accounts:enrol_security_key") + suffix,
        },
    )


@never_cache
def enrol_totp(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if not _may_enrol(request):
        return redirect("accounts:verify")
    user = request.user
    device = pending_totp_device(user=user, device_id=request.session.get(PENDING_TOTP))  # type: ignore[arg-type]
    if device is None:
        device = totp_enrolment_start(actor=user)
        request.session[PENDING_TOTP] = device.pk
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_enrolment_confirm(actor=user, device=device, token=form.cleaned_data["code"]):
            del request.session[PENDING_TOTP]
            first_factor = not request.user.is_verified()  # type: ignore[union-attr]
            otp_login(request, device)
            if first_factor:
                second_factor_record(user=user, kind=SecondFactorKind.TOTP, success=True)  # type: ignore[arg-type]
            request.session[NEW_CODES] = recovery_codes_issue(actor=user)
            return redirect(f"{reverse('accounts:recovery_codes')}?next={safe_next(request, '/')}")
        form.add_error("code", "The code is not right. Check the time on your phone is correct and try the newest code")
    secret = base64.b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
    return render(
        request,
        "accounts/enrol_totp.html",
        {
            "form": form,
            "secret_html": format_html(
                '<p class="govuk-body">Choose to enter a set-up key in the app and type this key:</p>'
                '<p class="govuk-body ecm-code" id="totp-secret">{}</p>',
                " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            ),
            "qr_svg": qr_svg,
            "next": safe_next(request, ""),
        },
    )


@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shown once, straight after they are made."""
    if not request.user.is_authenticated or not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:sign_in")
    codes = request.session.pop(NEW_CODES, None)
    if request.method == "POST":
        codes = recovery_codes_issue(actor=request.user)
        messages.success(request, "Your old recovery codes no longer work. Keep these new ones safe.")
    if not codes:
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": safe_next(request, "/")})


@never_cache
def enrol_security_key(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if not _may_enrol(request):
        return redirect("accounts:verify")
    return render(
        request,
        "accounts/enrol_security_key.html",
        {"next": safe_next(request, "/"), "rp_id": settings.OTP_WEBAUTHN_RP_ID},
    )


class AuditedRegistrationComplete(webauthn_views.CompleteCredentialRegistrationView):
    """The package's registration, plus our audit event; a first key also verifies the session."""

    def post(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        user = self.request.user
        first_factor = user.is_authenticated and not user.is_verified()  # type: ignore[union-attr]
        # The package marks the session verified with the new key when it is the first factor.
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            security_key_record_enrolled(actor=user, credential_name="Security key")
            if first_factor:
                second_factor_record(user=user, kind=SecondFactorKind.SECURITY_KEY, success=True)  # type: ignore[arg-type]
                self.request.session[NEW_CODES] = recovery_codes_issue(actor=user)
        return response


class AuditedAuthenticationComplete(webauthn_views.CompleteCredentialAuthenticationView):
    """Security-key verification as a second factor only (never passwordless), audited."""

    def complete_auth(self, device):  # type: ignore[no-untyped-def]
        if not self.request.user.is_authenticated or device.user_id != self.request.user.pk:
            from django_otp_webauthn import exceptions

            raise exceptions.UserDisabled()
        otp_login(self.request, device)
        second_factor_record(user=self.request.user, kind=SecondFactorKind.SECURITY_KEY, success=True)  # type: ignore[arg-type]

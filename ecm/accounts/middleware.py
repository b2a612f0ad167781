"""Session rules: idle and absolute timeouts, ended sessions, leavers, and the mandatory second factor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import router
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware

from ecm.accounts import saved_forms
from ecm.accounts.choices import SessionEndReason
from ecm.core import clock

TOUCH_EVERY = dt.timedelta(seconds=60)

END_MESSAGES: dict[str, str] = {
    SessionEndReason.IDLE_TIMEOUT: "You were signed out because you had not done anything for {idle} minutes.",
    SessionEndReason.ABSOLUTE_TIMEOUT: "You were signed out because you had been signed in for {hours} hours.",
    SessionEndReason.LEAVER: "Your account has been disabled. Speak to your manager if you think this is wrong.",
    SessionEndReason.SUSPENDED: "Your account has been suspended. Your manager has been told.",
    SessionEndReason.ENDED_BY_ADMIN: "Your session was ended. Sign in again to continue.",
}


def _parse(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def session_end_reason(request: HttpRequest) -> str | None:
    """Why this signed-in session must end now, or None."""
    from ecm.accounts.selectors import session_is_open
    from ecm.accounts.sessions import open_as_loaded

    user = request.user
    if getattr(user, "suspended_at", None) is not None:
        return SessionEndReason.SUSPENDED
    if getattr(user, "is_leaver", False) or not user.is_active:
        return SessionEndReason.LEAVER
    is_open = open_as_loaded(request.session)  # read with the session row, when it was
    if is_open is None:
        is_open = session_is_open(request.session.session_key or "")
    if not is_open:
        return SessionEndReason.ENDED_BY_ADMIN
    now = clock.now()
    signed_in_at = _parse(request.session.get("ecm_signed_in_at"))
    last_activity = _parse(request.session.get("ecm_last_activity"))
    if signed_in_at is None or now - signed_in_at > settings.ECM_ABSOLUTE_TIMEOUT:
        return SessionEndReason.ABSOLUTE_TIMEOUT
    if last_activity is None or now - last_activity > settings.ECM_IDLE_TIMEOUT:
        return SessionEndReason.IDLE_TIMEOUT
    return None


class SecondFactorDeviceMiddleware(OTPMiddleware):
    """django-otp's ``OTPMiddleware`` (``request.user.is_verified()`` and ``otp_device``), taking an
    authenticator-app device from the user's own statement (``PractitionerBackend.get_user``) and any
    other device with one fixed statement, instead of building the ORM query on every request. The
    binding to the user and the confirmation are still checked by django-otp's own ``_finalize_device``."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        """As django-otp's, but an authenticator-app device comes from the user's own statement
        (``PractitionerBackend.get_user`` reads the user's confirmed devices with the user)."""
        from django_otp import DEVICE_ID_SESSION_KEY

        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = self._device_of(user, persistent_id) if persistent_id else None
            user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device_of(self, user: Any, persistent_id: str) -> Any:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        held = getattr(user, "_confirmed_totp_devices", None)
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        if held is None or label != TOTPDevice._meta.label_lower:
            return self._device_from_persistent_id(persistent_id)  # another kind (a passkey), or another backend
        # Not among the user's confirmed devices: another user's, unconfirmed or gone, which
        # django-otp's own check would refuse too.
        return held.get(int(device_id)) if device_id.isdigit() else None

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        from django.apps import apps
        from django_otp.models import Device

        from ecm.core import rows

        try:
            model_label, device_id = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            model: type[Model] = apps.get_model(*model_label.split("."))
            pk = int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device):
            return None
        alias = router.db_for_read(model)
        sql = f"SELECT {rows.columns(model)} FROM {rows.table(model)} WHERE {rows.table(model)}.id = %s"  # noqa: S608
        found = rows.fetch(model, sql, [pk], using=alias)
        return found[0] if found else None


class SessionPolicyMiddleware:
    """Ends sessions that timed out or belong to a disabled account, keeping any form that was sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            reason = session_end_reason(request)
            if reason:
                return self._end(request, reason)
            self._touch(request)
        elif user is not None and hasattr(request, "session") and self._unknown_cookie(request):
            response = self.get_response(request)
            if not request.session.session_key:
                response.delete_cookie(settings.SESSION_COOKIE_NAME)
            return response
        return self.get_response(request)

    def _unknown_cookie(self, request: HttpRequest) -> bool:
        """A session cookie we did not issue (forged) or no longer hold (ended): audit it, say so plainly."""
        sent = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not sent or request.session.session_key == sent:
            return False
        from ecm.audit.services import audit_security_event

        audit_security_event(request=request, action="security.unknown_session_cookie", data={"path": request.path})
        messages.info(request, "Your session was not recognised or has ended. Sign in to continue.")
        return True

    def _touch(self, request: HttpRequest) -> None:
        """Record activity at most once a TOUCH_EVERY: the session row is not rewritten on every request.

        The idle timeout is therefore measured from a moment at most TOUCH_EVERY before the
        last request, so a session may end up to that much early; never late.
        """
        from ecm.accounts.services import session_touch

        now = clock.now()
        last = _parse(request.session.get("ecm_last_activity"))
        if last is None or now - last >= TOUCH_EVERY:
            request.session["ecm_last_activity"] = now.isoformat()
            session_touch(session_key=request.session.session_key or "")

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        from ecm.accounts.services import sign_out_record

        kept = saved_forms.keep_posted_form(request)
        sign_out_record(user=request.user, session_key=request.session.session_key, reason=reason)  # type: ignore[arg-type]
        logout(request)
        if kept:
            request.session[saved_forms.SESSION_KEY] = kept
        text = END_MESSAGES.get(reason, "Your session ended. Sign in again.").format(
            idle=int(settings.ECM_IDLE_TIMEOUT.total_seconds() // 60),
            hours=int(settings.ECM_ABSOLUTE_TIMEOUT.total_seconds() // 3600),
        )
        if kept:
            text += " We kept what you had entered: sign in again and you can check it and send it."
        messages.warning(request, text)
        next_path = kept["path"] if kept else (request.get_full_path() if request.method == "GET" else "/")
        return HttpResponseRedirect(f"{reverse('accounts:sign_in')}?{urlencode({'next': next_path})}")


# Paths a signed-in user may reach before the second factor is verified.
UNVERIFIED_ALLOWED_PREFIXES = ("/sign-in/", "/sign-out/", "/webauthn/", "/assets/", "/favicon.ico")
# Pages anyone may reach, signed in or not (public directory, API for systems, rights information).
PUBLIC_PREFIXES = ("/directory/families/", "/openreferral/", "/fhir/", "/assets/", "/your-data/")


class SecondFactorRequiredMiddleware:
    """A signed-in user without a verified second factor reaches only verification or enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(UNVERIFIED_ALLOWED_PREFIXES)
            and not request.path.startswith(PUBLIC_PREFIXES)
        ):
            from ecm.accounts.selectors import has_second_factor

            target = "accounts:verify" if has_second_factor(user=user) else "accounts:enrol"
            return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

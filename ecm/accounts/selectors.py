"""Reads for accounts pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ecm.accounts.models import ApiClient, LocalAuthority, Organisation, RecoveryCodeDevice, User, UserSession


def has_second_factor(*, user: User) -> bool:
    """A confirmed authenticator app or security key (recovery codes alone do not count)."""
    return any(not isinstance(device, RecoveryCodeDevice) for device in devices_for_user(user, confirmed=True))


def second_factors_for(*, user: User) -> dict[str, Any]:
    recovery = RecoveryCodeDevice.objects.filter(user=user).first()
    return {
        "totp": list(TOTPDevice.objects.filter(user=user, confirmed=True)),
        "keys": list(WebAuthnCredential.objects.filter(user=user, confirmed=True)),
        "recovery_remaining": recovery.remaining if recovery else 0,
    }


def sessions_for(*, user: User, active_only: bool = True) -> QuerySet[UserSession]:
    qs = UserSession.objects.filter(user=user)
    return qs.filter(ended_at__isnull=True) if active_only else qs


def practitioner_list(*, query: str = "", organisation_id: str = "") -> QuerySet[User]:
    qs = User.objects.select_related("organisation").prefetch_related("role_assignments")
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("last_name", "first_name")


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("local_authority").order_by("name")


def local_authority_list() -> QuerySet[LocalAuthority]:
    return LocalAuthority.objects.order_by("name")


def manager_choices(*, exclude: User | None = None) -> QuerySet[User]:
    """People who can be chosen as someone's line manager."""
    qs = User.objects.filter(role_assignments__role="manager").distinct().order_by("last_name", "first_name")
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def organisation_code_taken(code: str, *, exclude: Organisation | None = None) -> bool:
    qs = Organisation.objects.filter(code=code)
    return (qs.exclude(pk=exclude.pk) if exclude is not None else qs).exists()


def local_authority_code_taken(code: str) -> bool:
    return LocalAuthority.objects.filter(code=code).exists()


def pending_totp_device(*, user: User, device_id: Any) -> TOTPDevice | None:
    """The authenticator set-up this user started in this session, if still unconfirmed."""
    if not device_id:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def practitioners_matching(
    *,
    organisation: Organisation,
    user_id: int | None = None,
    emails: set[str] | frozenset[str] = frozenset(),
    registrations: set[str] | frozenset[str] = frozenset(),
) -> QuerySet[User]:
    """Active staff of ``organisation`` with this id, or any of these e-mails or registration numbers.

    E-mails compare without case; registration numbers without case or spaces. At most three
    rows are read, enough to tell none, one and more than one apart.
    """
    staff = User.objects.filter(organisation=organisation, is_active=True)
    if user_id is not None:
        return staff.filter(pk=user_id)[:1]
    match = Q(pk__in=[])
    for email in emails:
        match |= Q(email__iexact=email.strip())
    for number in registrations:
        normal = normalise_registration(number)
        if normal:
            match |= Q(professional_registration=normal)
    return staff.filter(match).distinct()[:3]


def normalise_registration(number: str) -> str:
    return "".join(str(number).split()).upper()


def api_client_list() -> QuerySet[ApiClient]:
    """Every API client with its organisation, newest first within each name."""
    return ApiClient.objects.select_related("organisation").order_by("organisation__name", "name", "-created_at")


def safeguarding_route_for(user: Any) -> str:
    """The local referral route for a child at risk of significant harm: the user's area's, else the service's."""
    from django.conf import settings

    organisation = getattr(user, "organisation", None)
    area = getattr(organisation, "local_authority", None) if organisation is not None else None
    route = getattr(area, "safeguarding_referral_route", "") if area is not None else ""
    return route or settings.ECM_SAFEGUARDING_CONTACT


def session_is_open(session_key: str) -> bool:
    """Whether this session is tracked and not ended (every signed-in request asks: one fixed statement)."""
    from django.db import router

    from ecm.core import rows

    sql = f"SELECT ended_at FROM {rows.table(UserSession)} WHERE session_key = %s"  # noqa: S608
    found = rows.select(sql, [session_key], using=router.db_for_read(UserSession))
    return bool(found) and found[0][0] is None

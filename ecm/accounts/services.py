"""Writes for areas, organisations, practitioners, sessions, second factors and API clients.

Every function takes ``actor``, runs in one transaction and writes its audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecm.accounts.access import actor_person
from ecm.accounts.choices import SecondFactorKind, SessionEndReason
from ecm.accounts.models import (
    RECOVERY_CODE_LENGTH,
    ApiClient,
    LocalAuthority,
    Organisation,
    RecoveryCode,
    RecoveryCodeDevice,
    RoleAssignment,
    User,
    UserSession,
    hash_recovery_code,
)
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.core.middleware import client_ip


class AccountsError(ValueError):
    """A business rule was broken; the message is shown to the user as it is."""


def _changes(instance: Any, fields: dict[str, Any]) -> dict[str, list[str]]:
    """Apply ``fields`` to ``instance``; return {field: [old, new]} for the audit."""
    changed: dict[str, list[str]] = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(instance, name, value)
    return changed


# Areas and organisations ----------------------------------------------------


@transaction.atomic
def local_authority_create(
    *, actor: Actor, code: str, name: str, safeguarding_referral_route: str = ""
) -> LocalAuthority:
    """Add a local authority area (with its safeguarding referral route, shown to practitioners)."""
    if LocalAuthority.objects.filter(code=code).exists():
        raise AccountsError(f"An area with code {code} already exists.")
    area = LocalAuthority(code=code, name=name, safeguarding_referral_route=safeguarding_referral_route.strip())
    area.stamp(actor, creating=True)
    area.save()
    audit_record(actor=actor, action="admin.local_authority.created", target=area, data={"code": code, "name": name})
    return area


@transaction.atomic
def local_authority_update(*, actor: Actor, area: LocalAuthority, **fields: Any) -> LocalAuthority:
    """Change an area's code or name."""
    changes = _changes(area, fields)
    if changes:
        area.stamp(actor)
        area.save()
        audit_record(actor=actor, action="admin.local_authority.updated", target=area, data={"changes": changes})
    return area


ORGANISATION_FIELDS = (
    "code",
    "name",
    "organisation_type",
    "local_authority",
    "accredited_on",
    "email",
    "phone",
    "address",
)


@transaction.atomic
def organisation_create(*, actor: Actor, **fields: Any) -> Organisation:
    """Add an organisation (school, practice, trust, service...)."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise AccountsError(f"Unknown organisation fields: {', '.join(sorted(unknown))}")
    if Organisation.objects.filter(code=fields.get("code")).exists():
        raise AccountsError(f"An organisation with code {fields.get('code')} already exists.")
    org = Organisation(**fields)
    org.stamp(actor, creating=True)
    org.save()
    audit_record(
        actor=actor,
        action="admin.organisation.created",
        target=org,
        data={k: str(v) if v is not None else "" for k, v in fields.items()},
    )
    return org


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's details or accreditation date."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise AccountsError(f"Unknown organisation fields: {', '.join(sorted(unknown))}")
    changes = _changes(organisation, fields)
    if changes:
        organisation.stamp(actor)
        organisation.save()
        audit_record(actor=actor, action="admin.organisation.updated", target=organisation, data={"changes": changes})
    return organisation


# Practitioners ----------------------------------------------------------------

PRACTITIONER_FIELDS = (
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


@transaction.atomic
def practitioner_create(
    *, actor: Actor, username: str, password: str | None = None, roles: Iterable[str] = (), **fields: Any
) -> User:
    """Create an account. Without a password the account cannot sign in until one is set."""
    unknown = set(fields) - set(PRACTITIONER_FIELDS)
    if unknown:
        raise AccountsError(f"Unknown practitioner fields: {', '.join(sorted(unknown))}")
    if fields.get("professional_registration"):  # stored without spaces, upper case, as matched
        fields["professional_registration"] = "".join(str(fields["professional_registration"]).split()).upper()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountsError(f"The username {username} is already taken.")
    user = User(username=username, **fields)
    user.password = make_password(password)  # None gives an unusable password
    user.is_active = not user.is_leaver
    user.save()
    role_list = sorted(set(roles))
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role) for role in role_list])
    audit_record(
        actor=actor,
        action="admin.practitioner.created",
        target=user,
        data={
            "username": username,
            "roles": role_list,
            **{k: str(v) if v is not None else "" for k, v in fields.items()},
        },
    )
    return user


@transaction.atomic
def practitioner_update(*, actor: Actor, practitioner: User, roles: Iterable[str] | None = None, **fields: Any) -> User:
    """Change a practitioner's details, gates (vetting, training, agreement), roles or leaver date.

    A leaver date on or before today disables the account and ends its sessions at once.
    """
    unknown = set(fields) - set(PRACTITIONER_FIELDS)
    if unknown:
        raise AccountsError(f"Unknown practitioner fields: {', '.join(sorted(unknown))}")
    if fields.get("professional_registration"):  # stored without spaces, upper case, as matched
        fields["professional_registration"] = "".join(str(fields["professional_registration"]).split()).upper()
    if "manager" in fields and fields["manager"] is not None and fields["manager"].pk == practitioner.pk:
        raise AccountsError("A practitioner cannot be their own manager.")
    changes = _changes(practitioner, fields)
    if roles is not None:
        new_roles = set(roles)
        old_roles = set(practitioner.role_assignments.values_list("role", flat=True))
        if new_roles != old_roles:
            practitioner.role_assignments.exclude(role__in=new_roles).delete()
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(user=practitioner, role=role) for role in sorted(new_roles - old_roles)]
            )
            changes["roles"] = [",".join(sorted(old_roles)), ",".join(sorted(new_roles))]
            practitioner.__dict__.pop("_role_codes", None)
    if "leaver_date" in changes:
        practitioner.is_active = not practitioner.is_leaver and practitioner.suspended_at is None
        changes["is_active"] = ["", str(practitioner.is_active)]
    if not changes:
        return practitioner
    practitioner.save()
    audit_record(actor=actor, action="admin.practitioner.updated", target=practitioner, data={"changes": changes})
    if practitioner.is_leaver:
        sessions_end_for_user(actor=actor, user=practitioner, reason=SessionEndReason.LEAVER)
    return practitioner


@transaction.atomic
def practitioner_suspend(*, actor: Actor, practitioner: User, reason: str) -> User:
    """Suspend an account at once (e.g. a misuse alert escalated); its sessions end now."""
    if not reason.strip():
        raise AccountsError("Give the reason for suspending the account.")
    practitioner.suspended_at = clock.now()
    practitioner.suspension_reason = reason
    practitioner.is_active = False
    practitioner.save(update_fields=["suspended_at", "suspension_reason", "is_active"])
    audit_record(actor=actor, action="admin.practitioner.suspended", target=practitioner, reason=reason)
    sessions_end_for_user(actor=actor, user=practitioner, reason=SessionEndReason.SUSPENDED)
    return practitioner


@transaction.atomic
def practitioner_reinstate(*, actor: Actor, practitioner: User, reason: str) -> User:
    """Lift a suspension."""
    if not reason.strip():
        raise AccountsError("Give the reason for lifting the suspension.")
    practitioner.suspended_at = None
    practitioner.suspension_reason = ""
    practitioner.is_active = not practitioner.is_leaver
    practitioner.save(update_fields=["suspended_at", "suspension_reason", "is_active"])
    audit_record(actor=actor, action="admin.practitioner.reinstated", target=practitioner, reason=reason)
    return practitioner


@transaction.atomic
def practitioner_set_password(*, actor: Actor, practitioner: User, password: str) -> User:
    """Set a new password (validated by the caller's form)."""
    practitioner.set_password(password)
    practitioner.save(update_fields=["password"])
    audit_record(actor=actor, action="account.password_set", target=practitioner)
    return practitioner


@transaction.atomic
def leavers_disable(*, actor: Actor) -> int:
    """Daily job: disable every account whose leaver date has come, ending its sessions."""
    count = 0
    for user in User.objects.filter(leaver_date__lte=clock.today(), is_active=True):
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="admin.practitioner.leaver_disabled", target=user)
        sessions_end_for_user(actor=actor, user=user, reason=SessionEndReason.LEAVER)
        count += 1
    return count


# Sign-in and sessions ---------------------------------------------------------


@transaction.atomic
def sign_in_record_success(*, user: User, request: HttpRequest) -> UserSession:
    """The password was right: track the session. The second factor is still to come."""
    if not request.session.session_key:
        request.session.save()
    session = UserSession.objects.create(
        user=user,
        session_key=request.session.session_key or "",
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    request.session["ecm_signed_in_at"] = clock.now().isoformat()
    request.session["ecm_last_activity"] = clock.now().isoformat()
    audit_record(actor=user, action="sign_in.password_ok", target=user, data={"session": session.pk})
    return session


@transaction.atomic
def sign_in_record_failure(*, username: str, request: HttpRequest, locked_out: bool) -> None:
    """A wrong username or password; or the lock-out threshold reached."""
    from ecm.core.actors import SYSTEM_SIGN_IN

    audit_record(
        actor=SYSTEM_SIGN_IN,
        action="sign_in.locked_out" if locked_out else "sign_in.failed",
        object_type="accounts.user",
        object_id=username[:64],
        data={"username": username[:150]},
        ip_address=client_ip(request),
    )


@transaction.atomic
def second_factor_record(*, user: User, kind: str, success: bool, detail: str = "") -> None:
    """A second-factor attempt (app code, security key or recovery code), right or wrong."""
    audit_record(
        actor=user,
        action="sign_in.second_factor_ok" if success else "sign_in.second_factor_failed",
        target=user,
        data={"kind": kind, "detail": detail},
    )


@transaction.atomic
def sign_out_record(*, user: User, session_key: str | None, reason: str = SessionEndReason.SIGNED_OUT) -> None:
    """The user signed out, or a timeout ended the session."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=clock.now(), ended_reason=reason
        )
    audit_record(actor=user, action="sign_out", target=user, data={"reason": reason})


def _kill(session_key: str) -> None:
    Session.objects.filter(session_key=session_key).delete()


@transaction.atomic
def session_end(*, actor: Actor, user_session: UserSession, reason: str) -> UserSession:
    """End one session now: the browser holding it is signed out on its next request."""
    if user_session.ended_at is None:
        user_session.ended_at = clock.now()
        user_session.ended_reason = reason
        user_session.save(update_fields=["ended_at", "ended_reason"])
        _kill(user_session.session_key)
        audit_record(
            actor=actor,
            action="session.ended",
            target=user_session.user,
            data={"session": user_session.pk, "reason": reason},
        )
    return user_session


@transaction.atomic
def sessions_end_for_user(*, actor: Actor, user: User, reason: str) -> int:
    """End every active session of ``user`` (leaver, suspension, administrator's request)."""
    active = list(UserSession.objects.filter(user=user, ended_at__isnull=True))
    for user_session in active:
        user_session.ended_at = clock.now()
        user_session.ended_reason = reason
        user_session.save(update_fields=["ended_at", "ended_reason"])
        _kill(user_session.session_key)
    audit_record(actor=actor, action="session.ended_all", target=user, data={"count": len(active), "reason": reason})
    return len(active)


def session_touch(*, session_key: str) -> None:
    """Note activity on a tracked session (bookkeeping for the sessions page, not audited)."""
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(last_seen_at=clock.now())


@transaction.atomic
def step_up_record(*, user: User, success: bool, purpose: str = "") -> None:
    """Re-authentication before a sensitive action."""
    audit_record(
        actor=user, action="step_up.ok" if success else "step_up.failed", target=user, data={"purpose": purpose}
    )


# Second factors ---------------------------------------------------------------


@transaction.atomic
def totp_enrolment_start(*, actor: Actor) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device (replacing any earlier unconfirmed one)."""
    actor = actor_person(actor)
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)
    audit_record(actor=actor, action="second_factor.totp_enrolment_started", target=actor)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a code from the app; only then does it count."""
    actor = actor_person(actor)
    if device.user_id != actor.pk or device.confirmed:
        raise AccountsError("That authenticator set-up has expired. Start again.")
    if not device.verify_token(token):
        audit_record(actor=actor, action="second_factor.totp_enrolment_failed", target=actor)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=actor, action="second_factor.enrolled", target=actor, data={"kind": SecondFactorKind.TOTP})
    return True


@transaction.atomic
def recovery_codes_issue(*, actor: Actor, count: int = 10) -> list[str]:
    """Replace the user's recovery codes with ``count`` new ones, returned once in plain text."""
    actor = actor_person(actor)
    RecoveryCodeDevice.objects.filter(user=actor).delete()
    device = RecoveryCodeDevice.objects.create(user=actor, name="Recovery codes", confirmed=True)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(RECOVERY_CODE_LENGTH)) for _ in range(count)]
    rows = []
    for code in codes:
        salt = secrets.token_hex(8)
        rows.append(RecoveryCode(device=device, salt=salt, code_hash=hash_recovery_code(salt, code)))
    RecoveryCode.objects.bulk_create(rows)
    audit_record(actor=actor, action="second_factor.recovery_codes_issued", target=actor, data={"count": count})
    return [f"{code[:5]}-{code[5:]}" for code in codes]


@transaction.atomic
def second_factor_remove(*, actor: Actor, user: User, device: Any) -> None:
    """Remove a second factor (the user's own, or by an administrator resetting it)."""
    kind = type(device).__name__
    device.delete()
    audit_record(actor=actor, action="second_factor.removed", target=user, data={"device": kind})


@transaction.atomic
def security_key_record_enrolled(*, actor: Actor, credential_name: str) -> None:
    """A WebAuthn security key was registered (the package's view did the cryptography)."""
    actor = actor_person(actor)
    audit_record(
        actor=actor,
        action="second_factor.enrolled",
        target=actor,
        data={"kind": SecondFactorKind.SECURITY_KEY, "name": credential_name},
    )


# API clients ------------------------------------------------------------------


@transaction.atomic
def api_client_create(
    *, actor: Actor, organisation: Organisation, name: str, is_system: bool = True, requests_per_minute: int = 120
) -> tuple[ApiClient, str]:
    """Register an API client; returns it and its bearer token, which is never shown again."""
    if not name.strip():
        raise AccountsError("Give the API client a name.")
    token, prefix, digest = _new_token()
    client = ApiClient(
        name=name,
        organisation=organisation,
        token_prefix=prefix,
        token_hash=digest,
        is_system=is_system,
        requests_per_minute=requests_per_minute,
    )
    client.stamp(actor, creating=True)
    client.save()
    audit_record(
        actor=actor,
        action="admin.api_client.created",
        target=client,
        data={"name": name, "organisation": organisation.code, "system": is_system},
    )
    return client, token


def _new_token() -> tuple[str, str, str]:
    """(token, prefix, SHA-256 hex digest): only the prefix and the digest are stored."""
    token = "ecm_" + secrets.token_urlsafe(32)
    return token, token[:12], hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_revoke(*, actor: Actor, client: ApiClient, reason: str = "") -> ApiClient:
    """Stop a client's token working, at once and for good (every request reads this row)."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise AccountsError(f"{client.name} is already revoked.")
    client.is_active = False
    client.revoked_at = clock.now()
    client.revoked_reason = reason.strip()
    client.stamp(actor)
    client.save()
    audit_record(actor=actor, action="admin.api_client.revoked", target=client, reason=reason.strip())
    return client


@transaction.atomic
def api_client_rotate(*, actor: Actor, client: ApiClient, reason: str = "") -> tuple[ApiClient, str]:
    """Give a client a new token (returned once, never stored); the old token stops working at once."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise AccountsError(f"{client.name} is revoked: create a new client instead.")
    token, client.token_prefix, client.token_hash = _new_token()
    client.rotated_at = clock.now()
    client.stamp(actor)
    client.save()
    audit_record(
        actor=actor,
        action="admin.api_client.rotated",
        target=client,
        reason=reason.strip(),
        data={"token_prefix": client.token_prefix},
    )
    return client, token


@transaction.atomic
def api_client_set_expiry(*, actor: Actor, client: ApiClient, expires_on: dt.date | None) -> ApiClient:
    """Set or clear the day from which the client's token stops working (today or later)."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise AccountsError(f"{client.name} is revoked: its expiry no longer matters.")
    if expires_on is not None and expires_on < clock.today():
        raise AccountsError("The expiry date must be today or in the future.")
    before = client.expires_on
    client.expires_on = expires_on
    client.stamp(actor)
    client.save()
    audit_record(
        actor=actor,
        action="admin.api_client.expiry_set",
        target=client,
        data={
            "before": before.isoformat() if before else None,
            "after": expires_on.isoformat() if expires_on else None,
        },
    )
    return client


LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_client_mark_used(*, client: ApiClient) -> None:
    """Record when a client last called the API, at most once a minute (one UPDATE, no read).

    Bookkeeping, not an action: it is not audited (each API call audits what it did), and it
    writes only this column, so it never races a revoke or a rotation.
    """
    now = clock.now()
    if client.last_used_at is not None and now - client.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiClient.objects.filter(pk=client.pk).filter(
        models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    client.last_used_at = now


def vetting_expiry(checked_on: dt.date | None) -> dt.date | None:
    from django.conf import settings

    from ecm.accounts.models import add_years

    return add_years(checked_on, settings.ECM_VETTING_VALID_YEARS) if checked_on else None


@transaction.atomic
def practitioner_send_set_password_link(*, actor: Actor, practitioner: User) -> None:
    """E-mail a one-time link with which the practitioner sets their own password.

    Sent by a background job after commit (``accounts.set_password_email``, registered by
    ``ecm.notifications``), which makes the token at sending time so it never waits in the queue.
    """
    from ecm.jobs.services import job_enqueue

    audit_record(actor=actor, action="admin.practitioner.set_password_link_sent", target=practitioner)
    if practitioner.email:
        job_enqueue(actor=actor, name="accounts.set_password_email", arguments={"user_id": practitioner.pk})

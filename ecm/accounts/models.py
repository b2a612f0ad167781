"""Areas, organisations, practitioners and their gates, sessions, second factors and API clients."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django_otp.models import Device

from ecm.accounts.choices import OrganisationType, Role, SessionEndReason
from ecm.core import clock
from ecm.core.models import BaseModel


class LocalAuthority(BaseModel):
    """A local authority area (e.g. a metropolitan borough), by its ONS code."""

    code = models.CharField(max_length=20, unique=True, help_text="ONS code, for example E08000035")
    name = models.CharField(max_length=200)
    safeguarding_referral_route = models.TextField(
        blank=True,
        help_text="Where practitioners refer a child at risk of significant harm: the local children's social "
        "care front door and its out-of-hours number",
    )

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(BaseModel):
    """A school, GP practice, trust, service or voluntary body whose staff use ECM.

    Staff reach child data only once the organisation is accredited. National partners
    belong to no local authority area.
    """

    code = models.CharField(max_length=30, unique=True, help_text="URN, ODS code or local code")
    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=30, choices=OrganisationType.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    accredited_on = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_accredited(self) -> bool:
        return self.accredited_on is not None and self.accredited_on <= clock.today()


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class User(AbstractUser):
    """A practitioner or staff member who signs in.

    Child data needs all of: a vetting check within the last three years, completed
    training, a signed user agreement, an accredited organisation, and no leaver date
    or suspension (see ``ecm.accounts.access.child_data_gaps``).
    """

    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    vetting_checked_on = models.DateField(
        null=True, blank=True, help_text="Date of the enhanced criminal records check"
    )
    training_completed_on = models.DateField(null=True, blank=True)
    agreement_signed_on = models.DateField(null=True, blank=True)
    leaver_date = models.DateField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    professional_registration = models.CharField(
        max_length=40,
        blank=True,
        db_index=True,
        help_text="Professional registration number (GMC, NMC, HCPC, Social Work England...), stored without spaces",
    )

    # Set on each request by django_otp's OTPMiddleware.
    is_verified: Callable[[], bool]

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("_role_codes", None)
        super().refresh_from_db(*args, **kwargs)

    # Roles ---------------------------------------------------------------
    @property
    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_codes

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [Role(code).label for code in Role.values if code in self.role_codes]

    # Gates ----------------------------------------------------------------
    @property
    def vetting_expires_on(self) -> dt.date | None:
        if self.vetting_checked_on is None:
            return None
        return add_years(self.vetting_checked_on, settings.ECM_VETTING_VALID_YEARS)

    @property
    def is_leaver(self) -> bool:
        return self.leaver_date is not None and self.leaver_date <= clock.today()

    def audit_identity(self) -> dict[str, str]:
        """How this user appears in the audit trail (roles and organisation as of now)."""
        return {
            "actor_type": "user",
            "actor_id": str(self.pk),
            "actor_label": self.username,
            "actor_roles": ",".join(sorted(self.role_codes)),
            "actor_organisation": f"{self.organisation.code} {self.organisation.name}" if self.organisation else "",
        }


class RoleAssignment(models.Model):
    """One role held by one user; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


class UserSession(models.Model):
    """A signed-in session, so users and administrators can see and end it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(default=clock.now)
    last_seen_at = models.DateTimeField(default=clock.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=30, choices=SessionEndReason.choices, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} from {self.ip_address} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class RecoveryCodeDevice(Device):
    """A set of one-time recovery codes, stored only as salted SHA-256 hashes.

    Codes are 10 random base-32 characters (50 bits), so a fast salted hash is enough;
    each code works once.
    """

    def verify_token(self, token: Any) -> bool:
        candidate = normalise_recovery_code(str(token))
        if len(candidate) != RECOVERY_CODE_LENGTH:
            return False
        for code in self.codes.filter(used_at__isnull=True):
            if secrets.compare_digest(code.code_hash, hash_recovery_code(code.salt, candidate)):
                code.used_at = clock.now()
                code.save(update_fields=["used_at"])
                return True
        return False

    @property
    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


RECOVERY_CODE_LENGTH = 10


def normalise_recovery_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def hash_recovery_code(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class RecoveryCode(models.Model):
    """One hashed recovery code."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {'used' if self.used_at else 'unused'}"


class ApiClient(BaseModel):
    """A local case-management system calling the APIs with a bearer token.

    Bound to an organisation; the token is shown once and stored as a SHA-256 hash.
    A *system* client's searches are capped at exactly one result (PDS rule).
    Every call passes the same gates as a person (``ecm.accounts.access.api_client_gaps``):
    not revoked, not expired, organisation accredited. Rotating replaces the token at once.
    """

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_clients")
    token_prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    is_system = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    requests_per_minute = models.PositiveIntegerField(default=120)
    expires_on = models.DateField(null=True, blank=True, help_text="The token stops working at the start of this day")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.code})"

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on <= clock.today()

    @property
    def status(self) -> str:
        """Revoked, Expired, Organisation not accredited, or Active (the first that applies)."""
        if not self.is_active:
            return "Revoked"
        if self.is_expired:
            return "Expired"
        if not self.organisation.is_accredited:
            return "Organisation not accredited"
        return "Active"

    def audit_identity(self) -> dict[str, str]:
        return {
            "actor_type": "api_client",
            "actor_id": str(self.pk),
            "actor_label": f"api:{self.name}",
            "actor_roles": "system" if self.is_system else "",
            "actor_organisation": f"{self.organisation.code} {self.organisation.name}",
        }

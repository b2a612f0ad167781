"""Who may do what: role checks, the child-data gate, and object access for accounts pages.

Views never fetch users or organisations any other way. Forbidden and missing both
answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecm.accounts.choices import Role
from ecm.accounts.models import ApiClient, LocalAuthority, Organisation, User, UserSession
from ecm.core import clock, rows
from ecm.core.access import role_required as role_required  # re-exported for every app's views
from ecm.core.actors import Actor

View = Callable[..., HttpResponse]


def actor_person(actor: Actor) -> User:
    """The signed-in person ``actor`` is, for what only a person may do (hold a case, refer, decide,
    sign). An API client, a system actor or nobody signed in is refused, naming who it was."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    raise PermissionDenied(f"Only a signed-in person can do this, not {actor}.")


def child_data_gaps(user: Any) -> list[str]:
    """Everything that stops this user seeing child data, in plain words. Empty means allowed."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return ["You are not signed in."]
    gaps: list[str] = []
    today = clock.today()
    if user.is_leaver:
        gaps.append(f"Your account ended on {user.leaver_date:%-d %B %Y}.")
    if user.suspended_at:
        gaps.append("Your account is suspended while a concern is looked into.")
    if user.vetting_checked_on is None:
        gaps.append("There is no enhanced criminal records check (vetting) on your record.")
    elif user.vetting_expires_on is not None and user.vetting_expires_on <= today:
        gaps.append(
            f"Your enhanced criminal records check expired on {user.vetting_expires_on:%-d %B %Y}: "
            "it must be renewed every 3 years."
        )
    if user.training_completed_on is None:
        gaps.append("You have not completed the index user training.")
    if user.agreement_signed_on is None:
        gaps.append("You have not signed the user agreement.")
    if user.organisation is None:
        gaps.append("Your account is not linked to an organisation.")
    elif not user.organisation.is_accredited:
        gaps.append(f"{user.organisation.name} is not yet accredited to use the index.")
    return gaps


def can_see_child_data(user: Any) -> bool:
    return not child_data_gaps(user)


def child_data_required(view: View) -> View:
    """Decorator for every view that shows child data: refuses with the exact gaps listed."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gaps = child_data_gaps(request.user)
        if gaps:
            return render(request, "accounts/child_data_blocked.html", {"gaps": gaps}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


admin_required = role_required(Role.SYSTEM_ADMIN)


def practitioner_for_admin(*, actor: Actor, practitioner_id: int) -> User:
    """A user an administrator may manage (system administrators: any)."""
    if not isinstance(actor, User) or not actor.has_role(Role.SYSTEM_ADMIN):
        raise Http404
    user = User.objects.select_related("organisation", "manager").filter(pk=practitioner_id).first()
    if user is None:
        raise Http404
    return user


def organisation_for_admin(*, actor: Actor, organisation_id: str) -> Organisation:
    if not isinstance(actor, User) or not actor.has_role(Role.SYSTEM_ADMIN):
        raise Http404
    try:
        org = Organisation.objects.select_related("local_authority").filter(pk=organisation_id).first()
    except (ValueError, Exception):  # malformed UUID
        org = None
    if org is None:
        raise Http404
    return org


def local_authority_for_admin(*, actor: Actor, local_authority_id: str) -> LocalAuthority:
    if not isinstance(actor, User) or not actor.has_role(Role.SYSTEM_ADMIN):
        raise Http404
    try:
        area = LocalAuthority.objects.filter(pk=local_authority_id).first()
    except (ValueError, Exception):
        area = None
    if area is None:
        raise Http404
    return area


def own_session(*, actor: Actor, session_id: int) -> UserSession:
    """One of the actor's own sessions."""
    if not isinstance(actor, User):
        raise Http404
    session = UserSession.objects.filter(pk=session_id, user=actor).first()
    if session is None:
        raise Http404
    return session


def api_client_from_token(raw_token: str) -> ApiClient | None:
    """The active API client whose token this is, or None."""
    import hashlib

    if not raw_token:
        return None
    digest = hashlib.sha256(raw_token.encode()).hexdigest()
    return ApiClient.objects.select_related("organisation").filter(token_hash=digest, is_active=True).first()


def api_client_gaps(client: ApiClient) -> list[str]:
    """Why a client may not call the APIs now, in plain words; empty when it may.

    The same gates as a person's: not revoked (a person's suspension), not expired (a leaver
    date), and the organisation accredited.
    """
    gaps = []
    if not client.is_active:
        gaps.append("This API client has been revoked.")
    if client.is_expired:
        gaps.append("This API client's token has expired.")
    if not client.organisation.is_accredited:
        gaps.append("The API client's organisation is not accredited.")
    return gaps


@dataclass(frozen=True)
class ApiAuthentication:
    """The result of checking a bearer token on one request."""

    client: ApiClient | None
    status: int  # 200 allowed, 401 not a working token, 403 a working token its organisation may not use
    problem: str = ""


def _api_client_with_organisation(token_hash: str) -> ApiClient | None:
    """The client holding this token hash with its organisation, in one statement written once
    per process (``ecm.core.rows``): it runs on every API request."""
    sql = (
        f"SELECT {rows.columns(ApiClient)}, {rows.columns(Organisation)} FROM {rows.table(ApiClient)} "  # noqa: S608
        f"JOIN {rows.table(Organisation)} ON {rows.table(Organisation)}.id = {rows.table(ApiClient)}.organisation_id "
        f"WHERE {rows.table(ApiClient)}.token_hash = %s"
    )
    found = rows.select(sql, [token_hash], using=DEFAULT_DB_ALIAS)
    if not found:
        return None
    client = rows.instances(ApiClient, found, using=DEFAULT_DB_ALIAS)[0]
    organisation = rows.instances(Organisation, found, using=DEFAULT_DB_ALIAS, start=rows.width(ApiClient))[0]
    ApiClient._meta.get_field("organisation").set_cached_value(client, organisation)  # as select_related does
    return client


def api_client_authenticate(raw_token: str) -> ApiAuthentication:
    """Check a bearer token against the database on every request (no per-process memory).

    Unknown, revoked or expired: 401. A working token whose organisation is not accredited: 403.
    """
    import hashlib

    if not raw_token:
        return ApiAuthentication(None, 401, "Send a valid token: Authorization: Bearer <token>.")
    digest = hashlib.sha256(raw_token.encode()).hexdigest()
    client = _api_client_with_organisation(digest)
    if client is None:
        return ApiAuthentication(None, 401, "Send a valid token: Authorization: Bearer <token>.")
    if not client.is_active or client.is_expired:
        return ApiAuthentication(None, 401, " ".join(api_client_gaps(client)))
    if not client.organisation.is_accredited:
        return ApiAuthentication(client, 403, " ".join(api_client_gaps(client)))
    return ApiAuthentication(client, 200)


def api_client_for_admin(*, actor: Actor, client_id: Any) -> ApiClient:
    """An API client, for a system administrator; missing or malformed: 404."""
    import uuid

    if not isinstance(actor, User) or not actor.has_role(Role.SYSTEM_ADMIN):
        raise Http404
    try:
        pk = uuid.UUID(str(client_id))
    except ValueError:
        raise Http404 from None
    client = ApiClient.objects.select_related("organisation").filter(pk=pk).first()
    if client is None:
        raise Http404
    return client

"""Who may see a child's consent register, and withdraw consent from it. Forbidden and missing: 404.

Practitioners and managers see it while they work with the child (an open involvement on the
index) or when they or their organisation recorded one of the child's consents; privacy
officers and data managers always. Privacy officers only look: they cannot withdraw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.audit.services import audit_record
from ecm.consent.models import ConsentRecord
from ecm.core.actors import Actor
from ecm.index.access import child_for
from ecm.index.models import Child, Involvement

View = Callable[..., HttpResponse]
REGISTER_ROLES = (Role.PRACTITIONER, Role.MANAGER, Role.PRIVACY_OFFICER, Role.DATA_MANAGER)
OVERSIGHT_ROLES = (Role.PRIVACY_OFFICER, Role.DATA_MANAGER)
WITHDRAW_ROLES = (Role.PRACTITIONER, Role.MANAGER, Role.DATA_MANAGER)


def register_user_required(view: View) -> View:
    return child_data_required(role_required(*REGISTER_ROLES)(view))


def works_with_child(user: Any, child: Child) -> bool:
    """An open involvement with the child, or a consent for the child recorded by the user or their organisation."""
    if Involvement.objects.filter(child=child, practitioner=user, ended_on__isnull=True).exists():
        return True
    mine = Q(practitioner=user)
    if user.organisation_id is not None:
        mine |= Q(organisation_id=user.organisation_id)
    return ConsentRecord.objects.filter(mine, child=child).exists()


def can_see_register(user: Any, child: Child) -> bool:
    if user.has_any_role(*OVERSIGHT_ROLES):
        return True
    return user.has_any_role(Role.PRACTITIONER, Role.MANAGER) and works_with_child(user, child)


def can_withdraw(user: Any, child: Child) -> bool:
    if user.has_role(Role.DATA_MANAGER):
        return True
    return user.has_any_role(Role.PRACTITIONER, Role.MANAGER) and works_with_child(user, child)


def register_child_for(*, actor: Actor, child_id: Any, withdraw: bool = False) -> Child:
    """The child whose register ``actor`` may see (or withdraw from); 404 otherwise, a refusal audited."""
    child = child_for(actor=actor, child_id=child_id)
    allowed = can_withdraw(actor, child) if withdraw else can_see_register(actor, child)
    if not allowed:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="consent.register_denied",
                target=child,
                data={"child_id": str(child.pk), "withdraw": withdraw},
            )
        raise Http404("No such record")
    return child


def consent_for(*, child: Child, consent_id: Any) -> ConsentRecord:
    """One of this child's consents; 404 for any other."""
    from ecm.consent.selectors import consent_of_child

    consent = consent_of_child(child, consent_id)
    if consent is None:
        raise Http404("No such consent")
    return consent

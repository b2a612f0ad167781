"""Who may reach which referral. Forbidden and missing both answer 404; a refused attempt is audited.

A referral is seen by the practitioner who sent it and by staff (practitioners and
managers) of the receiving organisation. Directory editors are not the receiving
organisation and never see a referral: the directory holds no child data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.audit.services import audit_record
from ecm.core.actors import Actor
from ecm.directory.models import Service
from ecm.index.visibility import child_readable
from ecm.referrals.models import Referral
from ecm.referrals.selectors import REFERRER_ROLES, base_queryset, service_for_referral

View = Callable[..., HttpResponse]


def referrals_user_required(view: View) -> View:
    """Every referrals page: the child-data gate (vetted, trained, agreed, accredited) and a practitioner role."""
    return child_data_required(role_required(*REFERRER_ROLES)(view))


def is_referrer(user: Any, referral: Referral) -> bool:
    return getattr(user, "pk", None) == referral.referrer_id


def is_receiver(user: Any, referral: Referral) -> bool:
    return getattr(user, "organisation_id", None) == referral.receiving_organisation_id


def referral_for(*, actor: Actor, referral_id: Any) -> Referral:
    """A referral the actor sent, or one their organisation received; 404 otherwise (the refusal is audited)."""
    try:
        pk = uuid.UUID(str(referral_id))
    except (ValueError, TypeError):
        raise Http404("Page not found") from None
    referral = base_queryset().filter(pk=pk).first()
    if referral is None:
        raise Http404("Page not found")
    if not (is_referrer(actor, referral) or is_receiver(actor, referral)) or not child_readable(actor, referral.child):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="referrals.access_denied",
                target=referral,
                data={"child_id": str(referral.child_id)},
            )
        raise Http404("Page not found")
    return referral


def service_for(service_id: Any) -> Service:
    service = service_for_referral(service_id)
    if service is None:
        raise Http404("Page not found")
    return service

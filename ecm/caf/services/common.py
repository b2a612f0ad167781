"""What every CAF service shares: the rule error, notifications after commit, and the index link.

The index is written only through ``ecm.index.services``. Its flag writer lets a
practitioner change only their own involvement, so changes to another practitioner's
involvement (a new lead professional) are made by the named system actor ``ecaf``; the
CAF event in the same transaction names the person who acted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ecm.accounts.choices import OrganisationType
from ecm.core.actors import Actor, SystemActor
from ecm.index import services as index_services
from ecm.index.choices import ServiceCategory
from ecm.index.models import Child, Involvement

SYSTEM_CAF = SystemActor("ecaf")

_CATEGORY = {
    OrganisationType.SCHOOL: ServiceCategory.EDUCATION,
    OrganisationType.GP_PRACTICE: ServiceCategory.HEALTH,
    OrganisationType.NHS_TRUST: ServiceCategory.HEALTH,
    OrganisationType.CHILDRENS_CENTRE: ServiceCategory.EARLY_YEARS,
    OrganisationType.LOCAL_AUTHORITY_SERVICE: ServiceCategory.SOCIAL_CARE,
    OrganisationType.POLICE: ServiceCategory.POLICE,
    OrganisationType.YOUTH_OFFENDING_TEAM: ServiceCategory.YOUTH_JUSTICE,
    OrganisationType.VOLUNTARY: ServiceCategory.VOLUNTARY,
}


class CafError(ValueError):
    """A CAF rule was broken; the message is for the practitioner."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CafError(message)


def notify(*, actor: Actor, recipients: Iterable[Any], subject: str, body: str = "", link: str = "") -> None:
    """Send in-service notifications (and email) to each recipient once the transaction commits."""
    from ecm.notifications.services import notification_send

    people = {getattr(r, "pk", None): r for r in recipients if r is not None and getattr(r, "pk", None)}
    people.pop(getattr(actor, "pk", None), None)

    def send() -> None:
        for person in people.values():
            notification_send(actor=actor, recipient=person, subject=subject, body=body, link=link)

    if people:
        transaction.on_commit(send)


def open_involvement(child: Child, user: Any) -> Involvement | None:
    return Involvement.objects.filter(child=child, practitioner=user, ended_on__isnull=True).first()


def ensure_involvement(*, actor: Actor, child: Child, user: Any) -> Involvement:
    """The user's current involvement with the child, added through the index if they have none."""
    existing = open_involvement(child, user)
    if existing is not None:
        return existing
    organisation = user.organisation
    return index_services.involvement_add(
        actor=user if getattr(actor, "pk", None) == user.pk else SYSTEM_CAF,
        child=child,
        practitioner=user,
        service=organisation.name,
        service_category=_CATEGORY.get(organisation.organisation_type, ServiceCategory.OTHER),
    )


def flag_writer(actor: Actor, user: Any) -> Any:
    return actor if getattr(actor, "pk", None) == getattr(user, "pk", object()) else SYSTEM_CAF


def set_lead_flag(*, actor: Actor, child: Child, user: Any, on: bool, family_lead: str = "") -> None:
    """Set or clear "lead professional" on the user's involvement (added first when setting).

    ``family_lead`` names the young person, parent or carer who leads with this practitioner's support.
    """
    involvement = ensure_involvement(actor=actor, child=child, user=user) if on else open_involvement(child, user)
    if involvement is not None:
        try:
            index_services.involvement_set_flags(
                actor=flag_writer(actor, user),
                involvement=involvement,
                is_lead_professional=on,
                family_lead=family_lead if on else "",
            )
        except index_services.IndexRuleError as exc:
            raise CafError(str(exc)) from exc

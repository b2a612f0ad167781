"""Reads of the child index. Every sensitive read (search, record view, reveal) is audited.

The audit event is written in the same transaction as the read is assembled: if it
cannot be written, the read fails and nothing is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ecm.accounts.models import ApiClient, User
from ecm.audit.services import AuditEntry, audit_record, audit_record_many
from ecm.core.actors import Actor
from ecm.core.replica import reads_from_replica
from ecm.index.choices import AccessReason, SearchOutcome
from ecm.index.models import Carer, Child, ChildAddress, ChildName, Involvement
from ecm.index.search import matcher
from ecm.index.search.criteria import SearchCriteria, result_cap, validate
from ecm.index.search.keys import postcode_district
from ecm.index.visibility import (
    child_visibility,
    involvement_unspecified,
    is_index_admin,
    sees_sensitive_details,
    visible_statuses,
)

__all__ = ["sees_sensitive_details", "visible_statuses"]  # re-exported: the rule lives in ecm.index.visibility

REASON_OTHER_MIN_LENGTH = 10


def is_system_client(actor: Actor) -> bool:
    return isinstance(actor, ApiClient) and actor.is_system


# Search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchSummary:
    """What a search result shows: never an address, only a postcode district (none when shielded)."""

    child_id: str
    index_number: str
    name: str
    date_of_birth: Any
    expected_delivery_date: Any
    gender: str
    gender_label: str
    postcode_district: str
    shielded: bool
    status: str
    score: float
    strength: str
    strength_label: str


@dataclass
class SearchResult:
    outcome: str
    cap: int
    match_count: int
    results: list[SearchSummary] = field(default_factory=list)
    matches: list[matcher.Match] = field(default_factory=list)

    @property
    def too_many(self) -> bool:
        return self.outcome == SearchOutcome.TOO_MANY


def _summary(actor: Actor, match: matcher.Match) -> SearchSummary:
    child = match.child
    visibility = child_visibility(actor, child)
    address = child.current_address if visibility.shows_whereabouts else None
    return SearchSummary(
        child_id=str(child.pk),
        index_number=child.formatted_index_number,
        name=child.display_name,
        date_of_birth=child.date_of_birth,
        expected_delivery_date=child.expected_delivery_date,
        gender=child.gender,
        gender_label=child.get_gender_display(),
        postcode_district=postcode_district(address.postcode) if address else "",
        shielded=visibility.restricted,
        status=child.status,
        score=match.score,
        strength=match.strength.value,
        strength_label=match.strength.label,
    )


def child_search(*, actor: Actor, criteria: SearchCriteria, on_behalf_of: str = "") -> SearchResult:
    """Search the index; refuse (no records) when more match than the cap. Audited.

    One ``index.search`` event per search, then one ``index.search_match`` per matched
    record (``returned`` says whether it was shown), all in one transaction.
    """
    system = is_system_client(actor)
    validate(criteria, is_system=system)
    cap = result_cap(criteria, is_system=system)
    with transaction.atomic():
        matches = matcher.find(criteria, statuses=visible_statuses(actor))
        if not matches:
            outcome = SearchOutcome.NONE
        elif len(matches) > cap:
            outcome = SearchOutcome.TOO_MANY
        else:
            outcome = SearchOutcome.OK
        returned = outcome == SearchOutcome.OK
        query = criteria.audit_view()
        # The search and each match in one write (two round trips on PostgreSQL, however many matched).
        audit_record_many(
            actor=actor,
            events=[
                AuditEntry(
                    action="index.search",
                    object_type="index.search",
                    on_behalf_of=on_behalf_of,
                    data={
                        "criteria": query,
                        "fuzzy": criteria.fuzzy,
                        "match_count": len(matches),
                        "outcome": outcome.value,
                        "cap": cap,
                    },
                ),
                *(
                    AuditEntry(
                        action="index.search_match",
                        target=match.child,
                        on_behalf_of=on_behalf_of,
                        data={
                            "child_id": str(match.child.pk),
                            "query": query,
                            "returned": returned,
                            "score": match.score,
                        },
                    )
                    for match in matches
                ),
            ],
        )
    shown = matches if returned else []
    return SearchResult(
        outcome=outcome.value,
        cap=cap,
        match_count=len(matches),
        results=[_summary(actor, m) for m in shown],
        matches=shown,
    )


# Record view --------------------------------------------------------------------------------


class ReasonRequired(ValueError):
    """A record cannot be opened without a reason."""


@dataclass(frozen=True)
class InvolvementView:
    """One involvement as this viewer may see it: ``unspecified`` hides service, names and contact."""

    involvement: Involvement
    unspecified: bool
    is_own: bool

    @property
    def practitioner(self) -> User | None:
        return None if self.unspecified else self.involvement.practitioner


@dataclass
class ChildRecord:
    """A record as one viewer may see it. When ``restricted`` (shielded, not revealed) only the
    name, gender, date of birth, index number and a parent's name are filled in."""

    child: Child
    restricted: bool
    revealed: bool = False
    parent_name: str = ""
    address: ChildAddress | None = None
    previous_addresses: list[ChildAddress] = field(default_factory=list)
    previous_names: list[ChildName] = field(default_factory=list)
    carers: list[Carer] = field(default_factory=list)
    school: Any = None
    gp_practice: Any = None
    involvements: list[InvolvementView] = field(default_factory=list)
    own_involvements: list[Involvement] = field(default_factory=list)


def reason_text_for(reason_code: str, reason_text: str) -> str:
    """The reason as recorded; raises :class:`ReasonRequired` when missing or too thin."""
    reason_text = (reason_text or "").strip()
    if reason_code not in AccessReason.values:
        raise ReasonRequired("Choose why you need to open this record.")
    if reason_code == AccessReason.OTHER:
        if len(reason_text) < REASON_OTHER_MIN_LENGTH:
            raise ReasonRequired(f"Describe your reason in at least {REASON_OTHER_MIN_LENGTH} characters.")
        return reason_text
    label = str(AccessReason(reason_code).label)
    return f"{label}: {reason_text}" if reason_text else label


def has_open_involvement(actor: Actor, child: Child) -> bool:
    if not isinstance(actor, User):
        return False
    return child.involvements.filter(practitioner=actor, ended_on__isnull=True).exists()


@reads_from_replica
def _assemble(actor: Actor, child: Child, *, reveal: bool) -> ChildRecord:
    carers = list(child.carers.all())
    parent = next((c for c in carers if c.is_parent), carers[0] if carers else None)
    involvements = list(
        child.involvements.select_related("practitioner", "organisation").order_by(
            "ended_on", "-is_lead_professional", "started_on"
        )
    )
    own = [i for i in involvements if isinstance(actor, User) and i.practitioner_id == actor.pk]
    visibility = child_visibility(actor, child, revealed=reveal)
    record = ChildRecord(
        child=child,
        restricted=visibility.restricted,
        revealed=visibility.revealed,
        parent_name=str(parent) if parent else "",
        own_involvements=own,
    )
    if record.restricted:
        return record
    names = list(child.names.all())
    addresses = list(child.addresses.all())
    record.address = next((a for a in addresses if a.is_current), None)
    record.previous_addresses = sorted(
        (a for a in addresses if not a.is_current),
        key=lambda a: a.lived_until or a.lived_from or child.created_at.date(),
        reverse=True,
    )
    record.previous_names = [n for n in names if not n.is_current]
    record.carers = carers
    record.school = child.school
    record.gp_practice = child.gp_practice
    record.involvements = [
        InvolvementView(involvement=i, unspecified=involvement_unspecified(actor, i), is_own=i in own)
        for i in involvements
    ]
    return record


def _audit_sensitive(actor: Actor, record: ChildRecord, on_behalf_of: str) -> None:
    for view in record.involvements:
        if view.involvement.is_sensitive and not view.unspecified and not view.is_own:
            audit_record(
                actor=actor,
                action="index.sensitive_details_viewed",
                target=view.involvement,
                on_behalf_of=on_behalf_of,
                data={
                    "child_id": str(record.child.pk),
                    "service_category": view.involvement.service_category,
                    "own_organisation": getattr(actor, "organisation_id", None) == view.involvement.organisation_id,
                },
            )


def child_record_open(
    *, actor: Actor, child: Child, reason_code: str, reason_text: str = "", on_behalf_of: str = ""
) -> ChildRecord:
    """Open a record for ``actor`` with a reason, and audit it (``index.record_view``)."""
    reason = reason_text_for(reason_code, reason_text)
    with transaction.atomic():
        record = _assemble(actor, child, reveal=False)
        audit_record(
            actor=actor,
            action="index.record_view",
            target=child,
            reason=reason,
            on_behalf_of=on_behalf_of,
            data={
                "child_id": str(child.pk),
                "reason_code": reason_code,
                "has_involvement": has_open_involvement(actor, child),
                "shielded": child.is_shielded,
            },
        )
        _audit_sensitive(actor, record, on_behalf_of)
    return record


def child_record_reveal(*, actor: Actor, child: Child, justification: str) -> ChildRecord:
    """An index administrator sees a shielded record in full; always raises a misuse alert (R5)."""
    if not is_index_admin(actor):
        raise PermissionError("Only an index administrator can reveal a shielded record.")
    if len((justification or "").strip()) < REASON_OTHER_MIN_LENGTH:
        raise ReasonRequired(f"Write a justification of at least {REASON_OTHER_MIN_LENGTH} characters.")
    with transaction.atomic():
        record = _assemble(actor, child, reveal=True)
        audit_record(
            actor=actor,
            action="index.shield_reveal",
            target=child,
            reason=justification.strip(),
            data={"child_id": str(child.pk), "shielded": child.is_shielded},
        )
        _audit_sensitive(actor, record, "")
    return record


def involvements_of_organisation(*, child: Child, organisation_id: Any) -> list[Involvement]:
    """One organisation's own involvements with the child (what a shielded record still shows that organisation)."""
    return list(
        child.involvements.filter(organisation_id=organisation_id).select_related("practitioner", "organisation")
    )


def practitioner_in_organisation(*, organisation: Any, practitioner_id: Any) -> User | None:
    """A member of ``organisation``'s staff by user id (for an API client naming its own practitioner)."""
    if not str(practitioner_id).isdigit():
        return None
    return User.objects.filter(pk=int(practitioner_id), organisation=organisation, is_active=True).first()


def current_lead_involvement(child: Child) -> Involvement | None:
    """The involvement that carries the child's one lead professional, if any."""
    return (
        Involvement.objects.filter(child=child, is_lead_professional=True, ended_on__isnull=True)
        .select_related("practitioner", "organisation")
        .first()
    )


def lead_held_elsewhere(child: Child, user: Any) -> str:
    """The name of the child's lead professional when it is someone other than ``user`` (else "")."""
    lead = current_lead_involvement(child)
    if lead is None or lead.practitioner_id == getattr(user, "pk", None):
        return ""
    return lead.practitioner.get_full_name() or lead.practitioner.username

"""Reads of the CAF. Opening a CAF is audited; the index is read only for what it may show."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from ecm.accounts.models import Organisation, User
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus
from ecm.caf.framework import FIELD_LABELS, SECTIONS
from ecm.caf.models import Assessment, AssessmentVersion, Checklist, TeamMember
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import CafStatus as IndexCafStatus
from ecm.index.models import Child, Involvement
from ecm.index.selectors import sees_sensitive_details
from ecm.index.visibility import children_visible


@dataclass
class ExistingCaf:
    """What the index shows of a CAF someone holds: enough to contact them, nothing of the content."""

    holder: str
    organisation: str
    contact: str
    started_on: dt.date | None
    is_open: bool
    is_ecaf: bool
    lead_professional: str


def _lead_label(actor: Actor | None, child: Child) -> str:
    lead = (
        Involvement.objects.filter(child=child, is_lead_professional=True, ended_on__isnull=True)
        .select_related("practitioner", "organisation")
        .first()
    )
    if lead is None:
        return "None recorded"
    if not lead.is_sensitive or (actor is not None and sees_sensitive_details(actor, lead)):
        from ecm.caf.services.team import vetting_current

        family = f"The family leads ({lead.family_lead}), supported by " if lead.family_lead else ""
        if not vetting_current(lead.practitioner):
            # Not offered as the contact until their criminal records check is renewed.
            return (
                f"{family}{lead.practitioner.get_full_name()}, {lead.organisation.name} (cannot be contacted "
                "about this child at present: contact the organisation or the CAF co-ordinator)"
            )
        return f"{family}{lead.practitioner.get_full_name()}, {lead.organisation.name}"
    return "A practitioner in an unspecified service (ask the index administrators)"


def existing_cafs(child: Child, actor: Actor | None = None, *, include_closed: bool = False) -> list[ExistingCaf]:
    """Every CAF the index shows for the child (open ones, unless ``include_closed``)."""
    flagged = Involvement.objects.filter(child=child, has_undertaken_caf=True).select_related(
        "practitioner", "organisation"
    )
    if not include_closed:
        flagged = flagged.filter(caf_status=IndexCafStatus.OPEN)
    lead = _lead_label(actor, child)
    rows = []
    for involvement in flagged:
        visible = not involvement.is_sensitive or (actor is not None and sees_sensitive_details(actor, involvement))
        is_ecaf = (
            Assessment.objects.filter(child=child, author_id=involvement.practitioner_id)
            .exclude(status=CafStatus.CLOSED)
            .exists()
        )
        rows.append(
            ExistingCaf(
                holder=involvement.practitioner.get_full_name() if visible else "An unspecified service",
                organisation=involvement.organisation.name if visible else "",
                contact=(involvement.organisation.phone or involvement.practitioner.email) if visible else "",
                started_on=involvement.caf_started_on,
                is_open=involvement.caf_status == IndexCafStatus.OPEN,
                is_ecaf=is_ecaf,
                lead_professional=lead,
            )
        )
    return rows


@transaction.atomic
def existing_cafs_checked(*, actor: Actor, child: Child) -> list[ExistingCaf]:
    """:func:`existing_cafs` for a page: what the index shows of CAFs held, the look-up audited."""
    rows = existing_cafs(child, actor)
    audit_record(
        actor=actor, action="caf.existing_checked", target=child, data={"child_id": str(child.pk), "found": len(rows)}
    )
    return rows


def child_by_index_number(number: str) -> Child | None:
    digits = "".join(ch for ch in number if ch.isdigit())
    return Child.objects.filter(index_number=digits).first() if len(digits) == 12 else None


def team_users(assessment: Assessment) -> list[User]:
    """The practitioners currently in the Team Around the Child."""
    members = assessment.members.filter(removed_on__isnull=True, user__isnull=False).select_related("user")
    return [m.user for m in members if m.user is not None]


def current_members(assessment: Assessment) -> list[TeamMember]:
    return list(assessment.members.filter(removed_on__isnull=True).select_related("user", "organisation"))


@transaction.atomic
def assessment_open(*, actor: Actor, assessment: Assessment, page: str) -> Assessment:
    """Record that the actor saw this CAF (a sensitive read)."""
    audit_record(
        actor=actor,
        action="caf.opened",
        target=assessment,
        data={"child_id": str(assessment.child_id), "reference": assessment.reference, "page": page},
    )
    return assessment


def cafs_of(user: User) -> list[Assessment]:
    """Open CAFs the user wrote, is in the team of, or leads."""
    return list(
        Assessment.objects.filter(Q(author=user) | Q(members__user=user, members__removed_on__isnull=True))
        .filter(children_visible(user, "child__"))
        .exclude(status=CafStatus.CLOSED)
        .select_related("child")
        .distinct()
    )


def _overdue() -> Any:
    return Assessment.objects.filter(status=CafStatus.COMPLETED, next_review_on__lt=clock.today())


def overdue_for_practitioner(user: User) -> list[Assessment]:
    """Overdue reviews of CAFs the practitioner leads or wrote."""
    rows = (
        _overdue()
        .filter(Q(author=user) | Q(leads__member__user=user, leads__ended_on__isnull=True))
        .filter(children_visible(user, "child__"))
        .select_related("child")
    )
    return list(rows.distinct().order_by("next_review_on"))


def overdue_for_manager(manager: User) -> list[Assessment]:
    """Overdue reviews of CAFs written or led by the manager's staff (reference and dates only on the page)."""
    staff = User.objects.filter(manager=manager)
    rows = (
        _overdue()
        .filter(Q(author__in=staff) | Q(leads__member__user__in=staff, leads__ended_on__isnull=True))
        .filter(children_visible(manager, "child__"))
        .select_related("author")
    )
    return list(rows.distinct().order_by("next_review_on"))


def own_checklists(user: User) -> list[Checklist]:
    visible = Q(child__isnull=True) | children_visible(user, "child__")
    return list(Checklist.objects.filter(visible, practitioner=user).select_related("child")[:20])


def versions_of(assessment: Assessment) -> list[AssessmentVersion]:
    return list(assessment.versions.order_by("-number"))


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    words: list[tuple[str, str]]  # (op, text): op in "same", "added", "removed"


def version_diff(old: AssessmentVersion, new: AssessmentVersion) -> list[FieldChange]:
    """A readable, word-by-word difference between two versions, in the order of the form."""
    changes = []
    for key in [k for s in SECTIONS for k, _ in s.fields]:
        before, after = old.data.get(key, ""), new.data.get(key, "")
        if before == after:
            continue
        a, b = before.split(), after.split()
        words: list[tuple[str, str]] = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
            if op == "equal":
                words.append(("same", " ".join(a[i1:i2])))
                continue
            if i2 > i1:
                words.append(("removed", " ".join(a[i1:i2])))
            if j2 > j1:
                words.append(("added", " ".join(b[j1:j2])))
        changes.append(FieldChange(FIELD_LABELS[key], before, after, words))
    return changes


def organisations_for_choice() -> list[Organisation]:
    return list(Organisation.objects.order_by("name"))


def practitioners_for_choice(*, exclude_ids: list[Any] | None = None) -> list[User]:
    from ecm.accounts.choices import Role

    rows = User.objects.filter(role_assignments__role=Role.PRACTITIONER, is_active=True).select_related("organisation")
    if exclude_ids:
        rows = rows.exclude(pk__in=exclude_ids)
    return list(rows.order_by("last_name", "first_name").distinct())


def organisation_choices() -> list[tuple[str, str]]:
    return [(str(o.pk), o.name) for o in Organisation.objects.order_by("name")]


def organisations_by_ids(ids: list[str]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=ids)) if ids else []


def eligible_practitioners(assessment: Assessment) -> list[User]:
    """Practitioners who may join the team: their agency is covered by consent or a recorded decision."""
    from ecm.sharing.selectors import sharing_allowed

    taken = [m.user_id for m in current_members(assessment) if m.user_id]
    people = practitioners_for_choice(exclude_ids=taken)
    allowed: dict[Any, bool] = {}
    for person in people:
        if person.organisation_id not in allowed:
            allowed[person.organisation_id] = sharing_allowed(assessment.child, person.organisation)
    return [p for p in people if allowed[p.organisation_id]]


def practitioners_elsewhere(assessment: Assessment) -> list[User]:
    """Practitioners in another area than the CAF's, who may receive a transfer."""
    area = assessment.author_organisation.local_authority_id
    return [p for p in practitioners_for_choice() if p.organisation and p.organisation.local_authority_id != area]


def user_by_id(user_id: Any) -> User | None:
    try:
        return User.objects.select_related("organisation").filter(pk=int(user_id)).first()
    except (TypeError, ValueError):
        return None


def pending_transfers_for(user: User) -> list[Any]:
    from ecm.caf.models import Transfer

    return list(
        Transfer.objects.filter(
            children_visible(user, "assessment__child__"), to_user=user, accepted_on__isnull=True
        ).select_related("assessment")
    )


def meeting_by_id(assessment: Assessment, meeting_id: Any) -> Any:
    if not meeting_id:
        return None
    try:
        return assessment.meetings.filter(pk=meeting_id).first()
    except (ValueError, Exception):
        return None


def pending_transfer(assessment: Assessment, user: Any) -> Any:
    return assessment.transfers.filter(to_user_id=getattr(user, "pk", None), accepted_on__isnull=True).first()


def lead_history(assessment: Assessment) -> list[Any]:
    return list(assessment.leads.select_related("member", "meeting"))


def meeting_invitee_ids(meeting: Any) -> list[str]:
    return [str(pk) for pk in meeting.invitees.values_list("pk", flat=True)]


def meetings_of(assessment: Assessment) -> list[Any]:
    return list(assessment.meetings.prefetch_related("invitees", "attendees"))


def actions_of(assessment: Assessment) -> list[Any]:
    return list(assessment.actions.select_related("responsible"))


def reviews_of(assessment: Assessment) -> list[Any]:
    return list(assessment.reviews.prefetch_related("outcome_progress", "action_progress__action"))


def closure_progress_of(assessment: Assessment) -> list[Any]:
    """Progress on each outcome recorded at closure."""
    return list(assessment.outcome_progress.filter(at_closure=True))


def version_of(assessment: Assessment, number: int) -> AssessmentVersion | None:
    return assessment.versions.filter(number=number).first()


def sharing_of(assessment: Assessment) -> dict[str, Any]:
    """Who the CAF may go to: agencies named in standing consent, those excluded, and recorded decisions."""
    from ecm.consent.selectors import active_consents
    from ecm.sharing.selectors import decisions_for

    consents = active_consents(assessment.child)
    return {
        "allowed": sorted({o.name for c in consents if c.share for o in c.allowed_organisations.all()}),
        "excluded": sorted({o.name for c in consents for o in c.excluded_organisations.all()}),
        "decisions": decisions_for(assessment.child),
    }


def requests_to(user: User) -> list[Any]:
    from ecm.caf.choices import RequestStatus
    from ecm.caf.models import CafRequest

    visible = Q(checklist__child__isnull=True) | children_visible(user, "checklist__child__")
    return list(
        CafRequest.objects.filter(visible, recipient=user, status=RequestStatus.ROUTED).select_related("requester")
    )


def requests_from(checklist: Checklist) -> list[Any]:
    return list(checklist.requests.select_related("recipient"))


def practitioner_choices(*, exclude: Any) -> list[tuple[str, str]]:
    people = practitioners_for_choice(exclude_ids=[exclude.pk])
    return [(str(p.pk), f"{p.get_full_name()}, {p.organisation.name if p.organisation else ''}") for p in people]


def specialist_referrals_of(assessment: Assessment) -> list[Any]:
    return list(assessment.specialist_referrals.all())


def lead_offer_for(assessment: Assessment, offer_id: Any) -> Any:
    """One lead-professional offer of this CAF (None if it is not this CAF's)."""
    from ecm.caf.models import LeadOffer

    return (
        LeadOffer.objects.filter(assessment=assessment, pk=offer_id)
        .select_related("member", "member__user", "supporting_member", "supporting_member__user", "created_by")
        .first()
    )


@dataclass(frozen=True)
class UnmappedAnswer:
    reference: str
    version: int
    question: str
    words: str


def identifying_details_unmapped(*, actor: Actor) -> list[UnmappedAnswer]:
    """Identifying details of open CAFs that match no census or language choice, for a person to review.

    Audited as a read (which CAFs and questions were listed, never the words).
    """
    from ecm.caf.identity import STRUCTURED_BY_KEY, map_identifying

    found: list[UnmappedAnswer] = []
    for assessment in Assessment.objects.exclude(status=CafStatus.CLOSED).order_by("reference"):
        latest = assessment.versions.order_by("-number").first()
        if latest is None:
            continue
        _mapped, unmapped = map_identifying(dict(latest.data))
        for key, words in unmapped.items():
            found.append(UnmappedAnswer(assessment.reference, latest.number, STRUCTURED_BY_KEY[key].label, words))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="caf.identifying_unmapped_listed",
            object_type="caf.assessment",
            data={"listed": [[a.reference, a.question] for a in found]},
        )
    return found

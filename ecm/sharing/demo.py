"""Demo information sharing (called by ``seed_demo`` after the child index and the CAF). Idempotent; synthetic.

The demo health visitor ("practitioner") has one decision to share with the police without
consent, waiting for the countersignature of the health visiting team manager ("manager"), and one
decision parked on "not sure", waiting for the advice of the social worker ("socialworker"), who is a
named information-sharing adviser for the whole area.
"""

from __future__ import annotations

from django.db import transaction
from faker import Faker

from ecm.accounts.models import Organisation, User
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import ChildStatus
from ecm.index.models import Child
from ecm.sharing.choices import Ground
from ecm.sharing.models import SharingAdviser, SharingDecision
from ecm.sharing.services import (
    adviser_add,
    disclosure_share_record,
    draft_answer,
    draft_park,
    draft_start,
    sharing_decision_record,
)


@transaction.atomic
def seed_sharing_demo(*, actor: Actor) -> str:
    """One decision waiting for countersignature, one waiting for advice, one named adviser."""
    practitioner = User.objects.filter(username="practitioner").first()
    manager = User.objects.filter(username="manager").first()
    adviser = User.objects.filter(username="socialworker").first()
    police = Organisation.objects.filter(code="WYP").first()
    school = Organisation.objects.filter(code="107999").first()
    if practitioner is None or manager is None or adviser is None or police is None or school is None:
        return "skipped (no demo practitioners or organisations)"
    if SharingDecision.objects.filter(created_by=practitioner).exists():
        return "already loaded"
    children = list(
        Child.objects.filter(status=ChildStatus.ACTIVE, is_shielded=False, date_of_birth__isnull=False).order_by(
            "-index_number"
        )[:2]
    )
    if len(children) < 2:
        return "skipped (no demo children)"
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    area = practitioner.organisation.local_authority if practitioner.organisation else None
    if area is not None and not SharingAdviser.objects.filter(user=adviser, ended_at__isnull=True).exists():
        adviser_add(actor=manager, user=adviser, local_authority=area)
    decision = sharing_decision_record(
        actor=practitioner,
        child=children[0],
        organisation=police,
        ground=Ground.REASONABLE_CAUSE,
        reason="At a home visit the mother described threats from her former partner, who has been seen nearby.",
        what_shared="The mother's account of the threats, and the child's address",
        recipient_person=f"DC {fake.last_name()}, public protection unit",
        purpose="A risk assessment under the local domestic abuse procedure",
        method="phone",
        consent_status="not_sought",
        consent_reason="Asking could alert the former partner through the family",
        family_told=False,
        not_told_reason="Telling the family first could put the mother and child at risk",
    )
    # Reasonable cause to believe a child is at risk of significant harm: shared at once by phone, the
    # manager's review due within one working day.
    disclosure_share_record(
        actor=practitioner,
        decision=decision,
        shared_at=clock.now(),
        method="phone",
        description="The mother's account of the threats, and the child's address",
    )
    draft = draft_start(actor=practitioner, child=children[1], organisation=school, information="other")
    for number in (1, 2):
        draft_answer(actor=practitioner, draft=draft, question=number, answer="yes")
    draft_park(
        actor=practitioner,
        draft=draft,
        question=3,
        adviser=adviser,
        query="The grandmother told me about the family's debts at the school gate. Is that confidential?",
    )
    audit_record(actor=actor, action="sharing.demo_seeded", target=decision, data={"child_id": str(children[0].pk)})
    return (
        "1 urgent decision shared at once and waiting for the manager's review, 1 waiting for advice, "
        "1 named adviser"
    )

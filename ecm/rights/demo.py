"""Demo subject access and rectification requests (called by ``seed_demo`` after the CAF). Idempotent; synthetic.

They are about the demo CAF's child, logged in the name of the demo data manager
("datamanager"): one request waiting to be compiled, one extended, and a rectification
waiting for a decision.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecm.accounts.models import User
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.rights import services
from ecm.rights.choices import IndexField, ReceivedBy, RectificationKind, Relationship
from ecm.rights.models import AccessRequest

DEMO_REQUESTER = "Jo Demo-Parent"


@transaction.atomic
def seed_rights_demo(*, actor: Actor) -> str:
    """Two subject access requests and one rectification request for the demo CAF's child."""
    manager = User.objects.filter(username="datamanager").first()
    caf = Assessment.objects.select_related("child").order_by("created_at").first()
    if manager is None or caf is None:
        return "skipped (no demo data manager or CAF)"
    if AccessRequest.objects.filter(requester_name=DEMO_REQUESTER).exists():
        return "already loaded"
    today = clock.today()
    services.access_request_log(
        actor=manager,
        child=caf.child,
        requester_name=DEMO_REQUESTER,
        relationship=Relationship.PARENT,
        received_on=today - dt.timedelta(days=10),
        received_by=ReceivedBy.SPOKEN,
        request_text="Asked at the children's centre to see everything held about her daughter.",
        identity_checked=True,
        identity_evidence="Passport and a council tax bill seen at the children's centre",
    )
    complex_request = services.access_request_log(
        actor=manager,
        child=caf.child,
        requester_name="Sam Advocate",
        relationship=Relationship.REPRESENTATIVE,
        relationship_detail="Advocate for the child, with her written authority",
        received_on=today - dt.timedelta(days=20),
        received_by=ReceivedBy.FOI,
        identity_checked=False,
    )
    services.access_request_extend(
        actor=manager,
        request=complex_request,
        months=2,
        reason="Records held by four agencies need checking for information about other people.",
        notified_on=today,
    )
    services.rectification_log(
        actor=manager,
        child=caf.child,
        kind=RectificationKind.FACT,
        index_field=IndexField.MIDDLE_NAMES,
        proposed_value="Grace",
        requester_name=DEMO_REQUESTER,
        relationship=Relationship.PARENT,
        received_on=today,
        evidence="Birth certificate shown",
    )
    return "2 subject access requests and 1 rectification request"

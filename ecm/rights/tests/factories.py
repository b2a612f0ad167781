"""A child with something in every kind of data ECM holds, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.caf import services as caf_services
from ecm.caf.choices import MemberKind
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND, Actor
from ecm.index import services as index_services
from ecm.index.choices import AccessReason, CarerRelationship
from ecm.index.selectors import child_record_open
from ecm.index.tests.factories import ChildFactory, involvement
from ecm.rights import services
from ecm.rights.choices import ReceivedBy, Relationship
from ecm.rights.models import AccessRequest
from ecm.sharing.services import sharing_decision_record

HOME_SITUATION = "Mother lives with partner Quentin Zebedee-Marsh, who has a caution"


def data_manager(**kwargs: Any) -> Any:
    return UserFactory(roles=[Role.DATA_MANAGER], first_name="Dana", last_name="Manager", **kwargs)


def full_child() -> dict[str, Any]:
    """A child with index history, carers, involvements, a CAF with versions, plan and review,
    a sharing decision, consent, and an access log with a reason."""
    author = UserFactory(first_name="Ada", last_name="Author")
    viewer = UserFactory(first_name="Vic", last_name="Viewer")
    child = ChildFactory(given_name="Lily", family_name="Smith")
    index_services.child_update(actor=SYSTEM_COMMAND, child=child, family_name="Smithson")
    index_services.carer_add(
        actor=SYSTEM_COMMAND,
        child=child,
        given_name="Robin",
        family_name="Oakes",
        relationship=CarerRelationship.FATHER,
        phone="0113 496 0123",
    )
    involvement(child, author, service="School nursing")
    assessment = complete_caf(author, child, allowed=[viewer.organisation])
    caf_services.assessment_save_section(actor=author, assessment=assessment, values={"home_situation": HOME_SITUATION})
    member = caf_services.team_member_add(
        actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=viewer
    )
    caf_services.action_add(
        actor=author,
        assessment=assessment,
        what="Walk to school plan",
        responsible=member,
        due_on=clock.today() + dt.timedelta(days=14),
        outcome_wanted="Arrives on time",
        outcome="enjoy_achieve",
    )
    sharing_decision_record(
        actor=author,
        child=child,
        organisation=viewer.organisation,
        outcome="not_share",
        reason="Parents asked us not to tell the youth club",
        family_told=True,
    )
    child_record_open(
        actor=viewer, child=child, reason_code=AccessReason.OTHER, reason_text="Checking who the school nurse is"
    )
    return {"author": author, "viewer": viewer, "child": child, "caf": assessment, "member": member}


def log_request(actor: Actor, child: Any, **overrides: Any) -> AccessRequest:
    values: dict[str, Any] = {
        "requester_name": "Parent Test",
        "relationship": Relationship.PARENT,
        "received_on": clock.today(),
        "received_by": ReceivedBy.EMAIL,
        "identity_checked": True,
        "identity_evidence": "Passport and council tax bill seen",
        **overrides,
    }
    return services.access_request_log(actor=actor, child=child, **values)

"""Rectification: facts corrected through the index's service with history kept; opinions annotated."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.rights import services
from ecm.rights.choices import IndexField, RectificationKind, RectificationStatus, Relationship
from ecm.rights.models import Annotation
from ecm.rights.services import RightsError
from ecm.rights.tests.factories import data_manager, full_child, log_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = full_child()
    w["dm"] = data_manager()
    return w


def _fact(world, field, value):
    return services.rectification_log(
        actor=world["dm"],
        child=world["child"],
        kind=RectificationKind.FACT,
        index_field=field,
        proposed_value=value,
        requester_name="Lily Smithson",
        relationship=Relationship.CHILD,
        received_on=clock.today(),
        evidence="Birth certificate seen",
    )


def test_a_corrected_name_keeps_the_old_one_as_history(world) -> None:
    child = world["child"]
    request = _fact(world, IndexField.FAMILY_NAME, "Smythe")
    assert request.current_value == "Smithson" and request.status == RectificationStatus.PENDING
    services.rectification_approve(actor=world["dm"], rectification=request, reason="Birth certificate")
    child.refresh_from_db()
    assert child.family_name == "Smythe"
    names = list(child.names.order_by("id"))
    assert [n.family_name for n in names] == ["Smith", "Smithson", "Smythe"]
    assert [n.is_current for n in names] == [False, False, True]
    assert request.status == RectificationStatus.APPLIED and request.previous_value == "Smithson"
    assert request.decided_by == world["dm"] and request.decided_on == clock.today()
    # The index's own service wrote the change, so its audit is there as well as ours.
    assert AuditEvent.objects.filter(action="index.child_updated", object_id=str(child.pk)).count() == 2
    assert AuditEvent.objects.get(action="rights.rectification_approved").data["field"] == "family_name"


def test_a_corrected_address_moves_the_old_one_into_history(world) -> None:
    child = world["child"]
    request = _fact(world, IndexField.ADDRESS, "2 Corrected Road\nLeeds\nLS2 9JT")
    services.rectification_approve(actor=world["dm"], rectification=request)
    current = child.addresses.get(is_current=True)
    assert current.address_line_1 == "2 Corrected Road" and current.postcode == "LS29JT"
    assert child.addresses.filter(is_current=False, address_line_1="1 Test Street").exists()
    assert "1 Test Street" in request.previous_value


def test_a_date_of_birth_must_be_a_date_and_rules_of_the_index_still_apply(world) -> None:
    request = _fact(world, IndexField.DATE_OF_BIRTH, "the fourth of May")
    with pytest.raises(RightsError, match="year-month-day"):
        services.rectification_approve(actor=world["dm"], rectification=request)
    nhs = _fact(world, IndexField.NHS_NUMBER, "1234567890")
    with pytest.raises(RightsError, match="NHS number is not valid"):
        services.rectification_approve(actor=world["dm"], rectification=nhs)
    nhs.refresh_from_db()
    assert nhs.status == RectificationStatus.PENDING
    good = _fact(world, IndexField.DATE_OF_BIRTH, (clock.today() - dt.timedelta(days=3000)).isoformat())
    services.rectification_approve(actor=world["dm"], rectification=good)
    world["child"].refresh_from_db()
    assert world["child"].date_of_birth == clock.today() - dt.timedelta(days=3000)


def test_an_opinion_is_annotated_never_changed_and_the_package_shows_it(world) -> None:
    caf = world["caf"]
    before = caf.versions.order_by("-number").first().data["conclusions"]
    request = services.rectification_log(
        actor=world["dm"],
        child=world["child"],
        kind=RectificationKind.OPINION,
        assessment=caf,
        field_key="conclusions",
        proposed_value="Mornings are hard because of my shifts, not neglect",
        requester_name="Parent Test",
        relationship=Relationship.PARENT,
        received_on=clock.today(),
    )
    assert request.current_value == before
    services.rectification_approve(actor=world["dm"], rectification=request, reason="Opinion: annotated")
    assert request.status == RectificationStatus.ANNOTATED
    assert caf.versions.order_by("-number").first().data["conclusions"] == before
    note = Annotation.objects.get(rectification=request)
    assert "not neglect" in note.text and note.field_key == "conclusions"
    sar = log_request(world["dm"], world["child"])
    package = services.access_package_compile(actor=world["dm"], request=sar)
    latest = next(
        i for s in package.data["sections"] for i in s["items"] if i["path"] == f"caf/{caf.pk}/versions/{caf.version}"
    )
    keys = [f["key"] for f in latest["fields"]]
    assert keys[keys.index("conclusions") + 1] == "conclusions__annotation_1"
    assert "not neglect" in json.dumps(latest)


def test_a_refusal_is_recorded_with_its_reason_and_changes_nothing(world) -> None:
    request = _fact(world, IndexField.GIVEN_NAME, "Lilian")
    with pytest.raises(RightsError, match="reason"):
        services.rectification_reject(actor=world["dm"], rectification=request, reason="")
    services.rectification_reject(actor=world["dm"], rectification=request, reason="School and GP both hold Lily")
    world["child"].refresh_from_db()
    assert world["child"].given_name == "Lily" and request.status == RectificationStatus.REJECTED
    with pytest.raises(RightsError, match="already been decided"):
        services.rectification_approve(actor=world["dm"], rectification=request)
    assert AuditEvent.objects.filter(action="rights.rectification_rejected").exists()


def test_an_opinion_must_name_a_caf_of_this_child(world) -> None:
    with pytest.raises(RightsError, match="CAF"):
        services.rectification_log(
            actor=world["dm"],
            child=world["child"],
            kind=RectificationKind.OPINION,
            assessment=None,
            field_key="conclusions",
            proposed_value="x",
            requester_name="P",
            relationship=Relationship.PARENT,
            received_on=clock.today(),
        )

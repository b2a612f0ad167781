"""Escalation always reaches a person; the investigation after it; staff details uploaded from a CSV."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.misuse.choices import InvestigationOutcome
from ecm.misuse.models import StaffPersonalDetails
from ecm.misuse.services import MisuseError, alert_escalate, alert_investigation_record, escalation_recipients
from ecm.misuse.tests.factories import AlertFactory
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_suspended_or_departed_manager_is_passed_over_for_the_privacy_officers():
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    gone = UserFactory(roles=[Role.MANAGER], leaver_date=clock.today())
    staff = UserFactory(manager=gone)
    assert escalation_recipients(actor=officer, subject_user=staff) == [(officer, "privacy_officer")]
    live = UserFactory(roles=[Role.MANAGER])
    staff.manager = live
    assert escalation_recipients(actor=officer, subject_user=staff) == [(live, "manager")]


def test_the_member_of_staff_is_never_told_even_when_they_are_a_privacy_officer():
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    suspect = UserFactory(roles=[Role.PRIVACY_OFFICER])
    assert escalation_recipients(actor=officer, subject_user=suspect) == [(officer, "privacy_officer")]


def test_the_escalation_page_warns_when_there_is_no_manager(user_client):
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER], first_name="Pat", last_name="Officer")
    alert = AlertFactory()
    client = user_client(officer)
    url = reverse("misuse:alert", args=[alert.pk])
    assert "No manager is recorded for this member of staff" in page_text(client.get(url))
    response = client.post(url, {"decision": "escalate", "note": "Looked up a neighbour"}, follow=True)
    text = page_text(response)
    assert "No manager who can be told is recorded" in text and "Pat Officer (privacy officer) told instead" in text
    assert Notification.objects.filter(recipient=officer, subject__contains="suspended").exists()


def test_investigation_after_escalation_records_findings_and_outcome(user_client):
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    alert = AlertFactory(user=UserFactory(manager=UserFactory(roles=[Role.MANAGER])))
    with pytest.raises(MisuseError, match="Only an escalated"):
        alert_investigation_record(actor=officer, alert=alert, findings="x", outcome=InvestigationOutcome.ADVICE)
    alert_escalate(actor=officer, alert=alert, note="Opened a relative's record")
    client = user_client(officer)
    url = reverse("misuse:investigation", args=[alert.pk])
    empty = client.post(url, {"findings": "", "outcome": ""})
    assert empty.status_code == 400 and "Enter what the investigation found" in page_text(empty)
    client.post(url, {"findings": "Admitted looking up a cousin; no disclosure.", "outcome": "disciplinary"})
    alert.refresh_from_db()
    assert alert.outcome == "disciplinary" and alert.investigated_by == officer
    assert AuditEvent.objects.filter(action="misuse.investigation_recorded").exists()
    page = page_text(client.get(reverse("misuse:alert", args=[alert.pk])))
    assert "Misuse, referred for disciplinary action" in page and "Admitted looking up a cousin" in page
    with pytest.raises(MisuseError, match="already recorded"):
        alert_investigation_record(actor=officer, alert=alert, findings="again", outcome=InvestigationOutcome.ADVICE)


def upload(client, text: str):
    return client.post(
        reverse("misuse:staff_upload"), {"file": SimpleUploadedFile("staff.csv", text.encode(), "text/csv")}
    )


def test_bulk_upload_saves_everyone_or_no_one_and_names_row_and_column(user_client):
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    client = user_client(officer)
    bad = upload(
        client,
        "username,home_postcode,home_address,family_names,works_out_of_hours\n"
        'ann,LS1 4AP,"1 Park Row, Leeds",Brown;Green,no\n'
        "bob,NOTAPOSTCODE,2 High St,,maybe\n"
        "cat,LS2 7EE,3 Low St,,no\n"
        "ann,LS1 4AP,1 Park Row,,no\n",
    )
    text = page_text(bad)
    assert bad.status_code == 400 and "nothing was saved" in text
    assert "Row 3, column home_postcode: NOTAPOSTCODE is not a real postcode" in text
    assert "Row 3, column works_out_of_hours: enter yes or no, not maybe" in text
    assert "Row 4, column username: no account is called cat" in text
    assert "Row 5, column username: ann is already on row 2" in text
    assert not StaffPersonalDetails.objects.exists()

    good = upload(
        client,
        "username,home_postcode,home_address,family_names,works_out_of_hours\n"
        'ann,ls14ap,"1 Park Row, Leeds",Brown;Green,no\n'
        "bob,LS2 7EE,2 High St,,yes\n",
    )
    assert good.status_code == 302
    details = StaffPersonalDetails.objects.get(user=ann)
    assert details.home_postcode == "LS1 4AP" and details.family_name_list == ["Brown", "Green"]
    assert StaffPersonalDetails.objects.get(user=bob).works_out_of_hours is True
    assert AuditEvent.objects.get(action="misuse.staff_details_imported").data == {"count": 2}


def test_bulk_upload_refuses_a_wrong_header_and_a_non_officer(user_client):
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    bad = upload(user_client(officer), "user,postcode\nann,LS1 4AP\n")
    text = page_text(bad)
    assert "Row 1: unknown column user, postcode" in text and "the column username is missing" in text
    practitioner = UserFactory()
    assert user_client(practitioner).get(reverse("misuse:staff_upload")).status_code in (403, 404)

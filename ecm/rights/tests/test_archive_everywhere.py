"""Archiving reaches every copy: once a child's index record is archived, no everyday role finds the
child's details in any app, only the data managers (DOMAIN section 2, Retention: "archive readable
only by data managers").

A child with a copy in every app (the purge scan's child: index, a merged duplicate, a feed record, a
CAF with plan and team, consent, a sharing decision, a referral, a panel case, a notification naming
the child and a subject access package) is archived by the retention job. Then, as each role, every
page that role reaches (links crawled from the home page, and every URL of the URL map that takes one
of the child's ids), every export and every API answer is searched for the child's names, NHS number,
UPN, address and carers' names. None may appear, except to the data manager.

Lives in ``rights`` because it is the bottom layer, which may read every app.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from ecm.accounts.choices import Role
from ecm.accounts.services import api_client_create
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf.models import Checklist
from ecm.caf.tests.factories import complete_caf
from ecm.consent.models import ConsentRecord
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index import retention
from ecm.index import services as index_services
from ecm.index.choices import ChildStatus
from ecm.index.models import Child
from ecm.index.retention import child_unarchive, retention_consent_record, retention_run
from ecm.index.services import IndexRuleError
from ecm.index.tests.factories import ChildFactory
from ecm.multiagency.models import AgendaItem
from ecm.notifications.models import Notification
from ecm.notifications.services import notification_send
from ecm.rights.tests.factories import data_manager
from ecm.rights.tests.test_retention_everywhere import (
    BORN,
    CARER_FAMILY,
    FAMILY,
    GIVEN,
    LINE,
    NHS,
    POSTCODE,
    UPN,
    a_child_everywhere,
    at,
)
from ecm.rights.tests.test_shield_leaks import body_text, crawl, routes_with_ids
from ecm.sharing.models import SharingDecision

pytestmark = pytest.mark.django_db

TERMS = [GIVEN, FAMILY, NHS, "943 476 5919", UPN, LINE, POSTCODE, CARER_FAMILY]
ARCHIVED_ON = dt.date(2023, 3, 7)  # the 18th birthday of the child born on 7 March 2005
MADE_ON = dt.date(2022, 9, 1)  # close enough that everyone's vetting and training still hold at the archive


def shows(text: str) -> list[str]:
    lowered = text.lower()
    return [t for t in TERMS if t.lower() in lowered]


def everyday_people(made: dict[str, Any]) -> dict[str, Any]:
    """One person per kind of reach (the system administrator reaches no child data, and the panel's
    chair sees what its members see: the shield leak test crawls those)."""
    return {
        "author": made["author"],
        "team and panel member": made["viewer"],
        "referral receiver": made["receiver"],
        "manager": made["world"].manager,
        "index administrator": UserFactory(roles=[Role.INDEX_ADMIN]),
        "privacy officer": UserFactory(roles=[Role.PRIVACY_OFFICER]),
        "CAF co-ordinator": UserFactory(roles=[Role.CAF_COORDINATOR], organisation=made["author"].organisation),
    }


def child_ids(made: dict[str, Any]) -> dict[str, list[Any]]:
    child = made["child"]
    return {
        "child_id": [child.pk],  # the merged-away duplicate answers with this one
        "patient_id": [child.pk],
        "assessment_id": [made["assessment"].pk],
        "checklist_id": list(Checklist.objects.filter(child=child).values_list("pk", flat=True)),
        "referral_id": [
            *child.panel_referrals.values_list("pk", flat=True),
            *child.referrals.values_list("pk", flat=True),
        ],
        "item_id": list(AgendaItem.objects.filter(referral__child=child).values_list("pk", flat=True)),
        "panel_id": [made["world"].panel.pk],
        "decision_id": list(SharingDecision.objects.filter(child=child).values_list("pk", flat=True)),
        "consent_id": list(ConsentRecord.objects.filter(child=child).values_list("pk", flat=True)),
        "notification_id": list(Notification.objects.filter(body__contains=GIVEN).values_list("pk", flat=True)),
        "request_id": [made["request"].pk],
        "number": [1, 2],
        "fmt": ["json", "pdf"],
    }


def test_every_app_declares_an_archive_step() -> None:
    """The registry check: an app that holds child data (it has a purge) must say what archiving does."""
    missing = [h.app for h in retention.holders() if h.archive is None or h.unarchive is None]
    assert missing == []
    assert {"index", "caf", "sharing", "referrals", "multiagency", "consent", "rights", "linkage"} <= {
        h.app for h in retention.holders()
    }


def test_an_archived_child_is_seen_only_by_data_managers(
    tmp_path: Path, django_capture_on_commit_callbacks: Any, user_client: Any, client: Any
) -> None:
    at(MADE_ON)
    with django_capture_on_commit_callbacks(execute=True):
        made = a_child_everywhere(tmp_path)
    child = made["child"]
    people = everyday_people(made)
    ids = child_ids(made)
    seeds = routes_with_ids(ids)

    # Before the archive the author sees the child in the CAF and the index (so the scan can fail).
    author = user_client(made["author"])
    author.post(f"/index/children/{child.pk}/reason/", {"reason_code": "find_practitioners"})
    assert shows(body_text(author.get(f"/caf/{made['assessment'].pk}/")))

    at(ARCHIVED_ON + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run().archived_at_18 == 1
    child.refresh_from_db()
    assert child.status == ChildStatus.ARCHIVED and child.archived_on == ARCHIVED_ON
    event = AuditEvent.objects.get(action="index.record_archived", object_id=str(child.pk))
    assert set(event.data["rows"]) >= {"caf", "referrals", "multiagency", "sharing", "consent", "notifications"}
    assert GIVEN not in str(event.data) and FAMILY not in str(event.data)

    found: dict[str, list[tuple[str, list[str]]]] = {}
    reached = {}
    for who, user in people.items():
        signed_in = user_client(user)
        signed_in.post(f"/index/children/{child.pk}/reason/", {"reason_code": "find_practitioners"})
        pages = crawl(signed_in, ["/", *seeds])
        reached[who] = len(pages)
        for url, text in pages.items():
            if shows(text):
                found.setdefault(who, []).append((url, shows(text)))
        # A search by name and date of birth finds nothing.
        search = signed_in.post(
            "/index/search/",
            {"family_name": FAMILY, "given_name": GIVEN, "date_of_birth_0": "7", "date_of_birth_1": "3"}
            | {"date_of_birth_2": "2005"},
        )
        if search.status_code == 200 and shows(body_text(search)):
            found.setdefault(who, []).append(("/index/search/", shows(body_text(search))))
    # Everyone could still work (the scan would be empty otherwise): only the child's pages went.
    assert all(user_client(user).get("/").status_code == 200 for user in people.values())
    assert user_client(made["author"]).get("/caf/").status_code == 200
    assert reached["author"] > 5 and reached["index administrator"] > 3

    # The FHIR API, as a person's and a system's client of the author's organisation.
    for person in (True, False):
        cache.clear()
        _api, token = api_client_create(
            actor=SYSTEM_COMMAND, organisation=made["author"].organisation, name=f"Local {person}", is_system=not person
        )
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_ACCESS_REASON": "find_practitioners"}
        for url in (
            f"/fhir/Patient/{child.pk}",
            f"/fhir/Patient?family={FAMILY}&birthdate=2005-03-07",
            f"/fhir/CareTeam?patient={child.pk}",
        ):
            response = client.get(url, **headers)
            assert response.status_code < 500, (url, response.status_code)
            if shows(body_text(response)):
                found.setdefault(f"API client (person={person})", []).append((url, shows(body_text(response))))
    assert found == {}, "\n".join(f"{who}: {url} {terms}" for who, pages in found.items() for url, terms in pages)

    # The data manager still reads the archive: the record and the subject access package.
    manager = user_client(made["data manager"])
    manager.post(f"/index/children/{child.pk}/reason/", {"reason_code": "check_identity"})
    pages = crawl(manager, ["/", *seeds])
    assert any(shows(text) for url, text in pages.items() if f"/index/children/{child.pk}/" in url), [
        (url, shows(text)) for url, text in pages.items()
    ]
    assert any(shows(text) for url, text in pages.items() if f"/rights/requests/{made['request'].pk}" in url), [
        (url, shows(text)) for url, text in pages.items()
    ]


def test_consent_to_stay_recorded_after_the_archive_restores_every_copy(user_client: Any) -> None:
    at(MADE_ON)
    author = UserFactory(roles=[Role.PRACTITIONER])
    child = ChildFactory(given_name=GIVEN, family_name=FAMILY, date_of_birth=BORN)
    assessment = complete_caf(author, child)
    note = notification_send(actor=SYSTEM_COMMAND, recipient=author, subject="About a child", body=f"{GIVEN} {FAMILY}")
    at(ARCHIVED_ON + dt.timedelta(days=3))
    assert retention_run().archived_at_18 == 1
    signed_in = user_client(author)
    assert signed_in.get(f"/caf/{assessment.pk}/").status_code == 404
    assert signed_in.get(f"/notifications/{note.pk}/").status_code == 404
    assert GIVEN not in body_text(signed_in.get("/caf/")) and GIVEN not in body_text(signed_in.get("/notifications/"))
    # An index administrator cannot reach the archive; the data manager records the young person's consent.
    admin = user_client(UserFactory(roles=[Role.INDEX_ADMIN]))
    manager = user_client(data_manager())
    assert admin.get(f"/index/children/{child.pk}/retention-consent/").status_code == 404
    response = manager.post(
        f"/index/children/{child.pk}/retention-consent/",
        {"until_0": "1", "until_1": "9", "until_2": "2026", "note": "Care leaver, consent given in writing"},
    )
    assert response.status_code == 302 and response["Location"] == f"/index/children/{child.pk}/"
    child.refresh_from_db()
    assert child.status == ChildStatus.ACTIVE and child.archived_on is None
    assert child.retention_consent_until == dt.date(2026, 9, 1)
    event = AuditEvent.objects.get(action="index.record_unarchived", object_id=str(child.pk))
    assert event.data["rows"]["caf"] == 1 and event.data["rows"]["notifications"] == 1
    assert event.data["reason"] == "consent" and GIVEN not in str(event.data)
    # Every copy is back for the people who saw it before.
    assert GIVEN in body_text(signed_in.get(f"/caf/{assessment.pk}/"))
    assert GIVEN in body_text(signed_in.get("/notifications/"))
    # The next run leaves it active until the consent ends, then archives it as of the day after.
    assert retention_run().archived_after_consent == 0
    at(dt.date(2026, 9, 5))
    assert retention_run().archived_after_consent == 1
    child.refresh_from_db()
    assert child.status == ChildStatus.ARCHIVED and child.archived_on == dt.date(2026, 9, 2)


def test_a_record_archived_after_death_or_purged_does_not_come_back(user_client: Any) -> None:
    at(dt.date(2022, 1, 10))
    died = ChildFactory(date_of_birth=dt.date(2007, 5, 1))
    index_services.child_record_death(actor=SYSTEM_COMMAND, child=died, date_of_death=dt.date(2022, 1, 2))
    at(dt.date(2023, 1, 3))
    assert retention_run().archived_after_death == 1
    died.refresh_from_db()
    assert died.archived_on == dt.date(2023, 1, 2)
    with pytest.raises(IndexRuleError):
        retention_consent_record(actor=SYSTEM_COMMAND, child=died, until=dt.date(2030, 1, 1), note="Asked")
    with pytest.raises(IndexRuleError):
        child_unarchive(actor=UserFactory(roles=[Role.INDEX_ADMIN]), child=died, reason="error")
    with pytest.raises(IndexRuleError):
        child_unarchive(actor=SYSTEM_COMMAND, child=died, reason="because")
    # An archive in error (a wrong date of death) comes back, with every app's copies, audited.
    rows = child_unarchive(actor=SYSTEM_COMMAND, child=died, reason="error")
    died.refresh_from_db()
    assert died.status == ChildStatus.DECEASED and died.archived_on is None and "caf" in rows


def test_an_archived_childs_copies_are_read_only_and_jobs_pass_them_by() -> None:
    from ecm.caf import services as caf_services
    from ecm.caf.services.common import CafError
    from ecm.consent.tests.factories import give_consent
    from ecm.index.visibility import child_readable, child_writable, children_visible

    at(MADE_ON)
    author = UserFactory(roles=[Role.PRACTITIONER])
    child = ChildFactory(date_of_birth=BORN)
    assessment = complete_caf(author, child)
    complete_caf(author, ChildFactory(date_of_birth=dt.date(2012, 1, 1)))  # a younger child's CAF: still reminded
    at(ARCHIVED_ON)
    retention_run()
    child.refresh_from_db()
    assessment.refresh_from_db()
    manager = data_manager()
    assert not child_writable(child) and not child_readable(author, child) and child_readable(manager, child)
    assert not Child.objects.filter(children_visible(author), pk=child.pk).exists()
    assert Child.objects.filter(children_visible(manager), pk=child.pk).exists()
    version = assessment.version
    with pytest.raises(CafError, match="archived"):
        caf_services.assessment_save_section(actor=author, assessment=assessment, values={"home_situation": "New"})
    with pytest.raises(ValueError, match="archived"):
        give_consent(author, child)
    assessment.refresh_from_db()
    assert assessment.version == version  # nothing half-applied
    # The review reminders pass an archived child's CAF by, even when its review is long overdue.
    at(dt.date(2024, 6, 1))
    assert caf_services.review_reminders_send(actor=SYSTEM_COMMAND) == {"due": 0, "overdue": 1}


def test_the_consent_command_brings_an_archived_record_back() -> None:
    from io import StringIO

    from django.core.management import call_command

    at(MADE_ON)
    child = ChildFactory(date_of_birth=BORN)
    at(ARCHIVED_ON + dt.timedelta(days=10))
    retention_run()
    out = StringIO()
    call_command(
        "record_retention_consent",
        "--index-number",
        child.index_number,
        "--until",
        "2027-01-31",
        "--note",
        "Learning disability: agreed with the young person",
        stdout=out,
    )
    child.refresh_from_db()
    assert child.status == ChildStatus.ACTIVE and child.retention_consent_until == dt.date(2027, 1, 31)
    assert AuditEvent.objects.filter(action="index.record_unarchived", object_id=str(child.pk)).exists()

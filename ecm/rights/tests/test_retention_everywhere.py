"""Retention reaches every copy: after a purge, no text or JSON column of any table holds the
child's names, date of birth, NHS number, UPN, address or carers' names.

Lives in ``rights`` because it is the bottom layer, which may read every app.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services as caf_services
from ecm.caf.choices import MemberKind
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND, SYSTEM_FEED, SYSTEM_MATCHER, SystemActor
from ecm.directory.services import organization_link_provider
from ecm.directory.tests import factories as df
from ecm.index import services as index_services
from ecm.index.choices import CarerRelationship, ChildStatus
from ecm.index.models import Child
from ecm.index.retention import child_purge, retention_run
from ecm.index.search.criteria import SearchCriteria
from ecm.index.selectors import child_search
from ecm.index.tests.factories import ChildFactory, involvement
from ecm.linkage.merging import children_merge
from ecm.linkage.models import FeedSource, StagedRecord
from ecm.linkage.services import feed_import, records_link
from ecm.linkage.tests.feedfiles import row, write_csv
from ecm.multiagency import services as ma_services
from ecm.multiagency.tests.factories import panel_world
from ecm.notifications.services import notification_send
from ecm.referrals.services import referral_send
from ecm.rights import services as rights_services
from ecm.rights.tests.factories import data_manager, log_request
from ecm.sharing.services import sharing_decision_record

pytestmark = pytest.mark.django_db

BORN = dt.date(2005, 3, 7)
GIVEN, MIDDLE, FAMILY = "Zephyrine", "Ottoline", "Quillfeather"
NHS, UPN = "9434765919", "A12345678901B"
LINE, POSTCODE = "17 Wrenfold Crescent", "LS6 2QX"
CARER_GIVEN, CARER_FAMILY = "Ysolde", "Marchbank"
TEXT_TYPES = ("CharField", "TextField", "EmailField", "SlugField", "JSONField")


def at(day: dt.date) -> None:
    clock.freeze(timezone.make_aware(dt.datetime.combine(day, dt.time(2, 0))))


def identifiers() -> list[str]:
    return [
        GIVEN,
        MIDDLE,
        FAMILY,
        BORN.isoformat(),
        f"{BORN:%-d %B %Y}",
        f"{BORN:%d/%m/%Y}",
        NHS,
        "943 476 5919",
        UPN,
        LINE,
        POSTCODE,
        POSTCODE.replace(" ", ""),
        CARER_GIVEN,
        CARER_FAMILY,
    ]


def every_text_value() -> list[tuple[str, str, Any, str]]:
    """(table, column, row key, text) for every text and JSON column of every table of every app."""
    found = []
    for model in apps.get_models():
        columns = [f for f in model._meta.concrete_fields if f.get_internal_type() in TEXT_TYPES and not f.is_relation]
        if not columns:
            continue
        for values in model._base_manager.values_list("pk", *(f.attname for f in columns)).iterator():
            for column, value in zip(columns, values[1:], strict=True):
                if value in (None, "", {}, []):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                found.append((model._meta.db_table, column.attname, values[0], text))
    return found


def leftovers() -> list[tuple[str, str, Any, str]]:
    terms = [t.lower() for t in identifiers()]
    return [
        (table, column, pk, next(t for t in terms if t in text.lower()))
        for table, column, pk, text in every_text_value()
        if any(t in text.lower() for t in terms)
    ]


def a_child_everywhere(tmp_path: Path) -> dict[str, Any]:
    """The child in every app: index (with history, carers, involvement), a merged duplicate, a feed
    record, a CAF with plan and team, consent, a sharing decision, a referral, a panel case, a
    notification naming the child, and a compiled subject access package."""
    world = panel_world()
    author = world.referrer
    viewer = world.member
    child = ChildFactory(
        given_name=GIVEN,
        middle_names=MIDDLE,
        family_name=FAMILY,
        date_of_birth=BORN,
        nhs_number=NHS,
        unique_pupil_number=UPN,
        address={"address_line_1": LINE, "postcode": POSTCODE, "town": "Leeds"},
        carers=[
            {"given_name": CARER_GIVEN, "family_name": CARER_FAMILY, "relationship": CarerRelationship.MOTHER},
        ],
    )
    index_services.child_update(actor=SYSTEM_COMMAND, child=child, family_name=f"{FAMILY}-Ross")
    involvement(child, author, service="School nursing")
    # A practitioner searched for the child by name, birthday and postcode (the audit keeps the search).
    child_search(
        actor=viewer,
        criteria=SearchCriteria(given_name=GIVEN, family_name=FAMILY, birth_date=BORN, postcode=POSTCODE),
    )
    duplicate = ChildFactory(given_name=GIVEN, family_name=FAMILY, date_of_birth=BORN)
    children_merge(actor=SYSTEM_COMMAND, survivor=child, duplicate=duplicate, reason="Same child")
    path = write_csv(
        tmp_path / "census.csv",
        [
            row(
                source_record_id="SC-1",
                given_name=GIVEN,
                family_name=FAMILY,
                date_of_birth=BORN.isoformat(),
                postcode=POSTCODE,
                parent_1_name=f"{CARER_GIVEN} {CARER_FAMILY}",
            )
        ],
    )
    feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name="school_census"), path=path)
    staged = StagedRecord.objects.get(source_record_id="SC-1")
    records_link(actor=SYSTEM_MATCHER, child=child, records=[staged], method="model", scores={}, model_version="v")

    assessment = complete_caf(
        author, child, allowed=[viewer.organisation, *world.agencies], parent_name=f"{CARER_GIVEN} {CARER_FAMILY}"
    )
    caf_services.assessment_save_section(
        actor=author, assessment=assessment, values={"home_situation": f"{GIVEN} lives with {CARER_GIVEN} at {LINE}"}
    )
    member = caf_services.team_member_add(
        actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=viewer
    )
    caf_services.action_add(
        actor=author,
        assessment=assessment,
        what=f"{GIVEN} walks to school with {CARER_GIVEN}",
        responsible=member,
        due_on=clock.today() + dt.timedelta(days=14),
        outcome_wanted="Arrives on time",
        outcome="enjoy_achieve",
    )
    sharing_decision_record(
        actor=author,
        child=child,
        organisation=OrganisationFactory(),
        outcome="not_share",
        reason=f"{CARER_GIVEN} {CARER_FAMILY} asked us not to tell the youth club about {GIVEN}",
        family_told=True,
    )
    provider = OrganisationFactory(name="Harehills Family Support")
    receiver = UserFactory(organisation=provider, roles=[Role.MANAGER])  # someone there can receive the referral
    organization = df.OrganizationFactory(name="Harehills Family Support (directory)")
    organization_link_provider(actor=SystemActor("test"), organization=organization, provider=provider)
    service = df.ServiceFactory(organization=organization, name="Parenting course")
    from ecm.consent.tests.factories import give_consent

    give_consent(author, child, allowed_organisations=[provider])
    referral_send(actor=author, child=child, service=service, reason=f"{GIVEN} needs help with mornings at {LINE}")
    ma_services.panel_referral_make(actor=author, panel=world.panel, child=child, reason=f"{GIVEN} misses school")
    notification_send(
        actor=SYSTEM_COMMAND, recipient=viewer, subject="A message about a child", body=f"About {GIVEN} {FAMILY}"
    )
    dm = data_manager()
    request = log_request(dm, child, requester_name=f"{CARER_GIVEN} {CARER_FAMILY}")
    rights_services.access_package_compile(actor=dm, request=request)
    return {
        "child": child,
        "duplicate": duplicate,
        "world": world,
        "author": author,
        "viewer": viewer,
        "receiver": receiver,
        "assessment": assessment,
        "request": request,
        "data manager": dm,
    }


def test_after_a_purge_no_table_holds_the_childs_identifiers(tmp_path, django_capture_on_commit_callbacks) -> None:
    at(dt.date(2020, 1, 6))
    with django_capture_on_commit_callbacks(execute=True):
        made = a_child_everywhere(tmp_path)
    before = {(table, column) for table, column, _pk, _t in leftovers()}
    # The scan sees the copies in every app before the purge (so it can fail).
    for table in (
        "index_childname",
        "linkage_stagedrecord",
        "index_childmerge",
        "caf_assessmentversion",
        "sharing_sharingdecision",
        "referrals_referral",
        "multiagency_panelreferral",
        "rights_accesspackage",
        "rights_accessrequest",
        "notifications_notification",
        "consent_consentrecord",
    ):
        assert table in {t for t, _c in before}, table

    # First met long after its dates: archived as of the 18th birthday and purged on the same run.
    at(dt.date(2029, 3, 8))
    summary = retention_run()
    assert summary.archived_at_18 == 1 and summary.purged == 1
    child = Child.objects.get(pk=made["child"].pk)
    assert child.status == ChildStatus.PURGED and child.archived_on == dt.date(2023, 3, 7)
    assert Child.objects.get(pk=made["duplicate"].pk).status == ChildStatus.PURGED
    left = leftovers()
    assert left == [], [
        (
            t,
            c,
            term,
            AuditEvent.objects.filter(pk=_pk).values_list("action", "reason", "data").first()
            if t == "audit_auditevent"
            else "",
        )
        for t, c, _pk, term in left
    ]
    purged = AuditEvent.objects.get(action="index.record_purged", object_id=str(child.pk))
    assert set(purged.data["rows"]) >= {"index", "caf", "linkage", "sharing", "referrals", "rights", "multiagency"}
    assert purged.data["rows"]["caf"] > 0 and purged.data["rows"]["sharing"] > 0


def test_audit_events_of_the_purge_carry_ids_never_names(tmp_path) -> None:
    at(dt.date(2020, 1, 6))
    child = ChildFactory(given_name=GIVEN, family_name=FAMILY, date_of_birth=BORN)
    at(dt.date(2029, 3, 8))
    retention_run()
    for event in AuditEvent.objects.filter(action__in=["index.record_archived", "index.record_purged"]):
        text = json.dumps(event.data) + event.reason
        assert GIVEN not in text and FAMILY not in text and BORN.isoformat() not in text
        assert event.data["child_id"] == str(child.pk)


def test_archive_and_purge_count_from_the_rules_date_not_the_run(tmp_path) -> None:
    at(dt.date(2020, 1, 6))
    child = ChildFactory(date_of_birth=BORN)
    # The job did not run for years: it archives as of the 18th birthday...
    at(dt.date(2024, 6, 1))
    assert retention_run().archived_at_18 == 1
    child.refresh_from_db()
    assert child.archived_on == dt.date(2023, 3, 7)
    # ...and purges six years after that date, not six years after the run.
    at(dt.date(2029, 3, 6))
    assert retention_run().purged == 0
    at(dt.date(2029, 3, 7))
    assert retention_run().purged == 1


def test_consent_and_death_dates(tmp_path) -> None:
    at(dt.date(2020, 1, 6))
    kept = ChildFactory(date_of_birth=BORN)
    died = ChildFactory(date_of_birth=dt.date(2012, 1, 1))
    from ecm.index.retention import retention_consent_record

    retention_consent_record(actor=SYSTEM_COMMAND, child=kept, until=dt.date(2027, 1, 31), note="Care leaver")
    index_services.child_record_death(actor=SYSTEM_COMMAND, child=died, date_of_death=dt.date(2020, 1, 1))
    at(dt.date(2032, 6, 1))  # first met long after both dates: archived as of the rule's date; the death one purged
    summary = retention_run()
    assert (summary.archived_after_consent, summary.archived_after_death, summary.purged) == (1, 1, 1)
    kept.refresh_from_db()
    died.refresh_from_db()
    assert kept.archived_on == dt.date(2027, 2, 1) and kept.status == ChildStatus.ARCHIVED
    assert died.archived_on == dt.date(2021, 1, 1) and died.status == ChildStatus.PURGED


def test_a_stopped_run_is_finished_by_the_next_and_a_failing_child_keeps_its_data(tmp_path) -> None:
    at(dt.date(2020, 1, 6))
    children = [ChildFactory(date_of_birth=BORN) for _ in range(3)]
    at(dt.date(2029, 3, 8))
    first = retention_run(limit=1)  # a run stopped after one child
    assert first.purged == 1
    statuses = sorted(Child.objects.filter(pk__in=[c.pk for c in children]).values_list("status", flat=True))
    assert statuses == [ChildStatus.ARCHIVED, ChildStatus.ARCHIVED, ChildStatus.PURGED]
    # A purger that fails rolls back that child only: nothing half-purged.
    from ecm.index import retention

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("disk full")

    retention.register_holder(app="zz-broken", holds="test", purge=broken, order=2000)
    try:
        victim = Child.objects.filter(pk__in=[c.pk for c in children], status=ChildStatus.ARCHIVED).first()
        with pytest.raises(RuntimeError):
            child_purge(actor=SYSTEM_COMMAND, child=victim)
        victim.refresh_from_db()
        assert victim.status == ChildStatus.ARCHIVED and victim.family_name and victim.names.exists()
    finally:
        retention._HOLDERS.pop("zz-broken")
    assert retention_run().purged == 2
    assert retention_run().purged == 0


def test_command_runs_the_job_with_a_limit() -> None:
    from io import StringIO

    out = StringIO()
    call_command("run_retention", "--limit", "5", stdout=out)
    assert "purged: 0" in out.getvalue()

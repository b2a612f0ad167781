"""The web pages: search, reason before record, what each viewer sees, own involvement, shielding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecm.accounts import stepup
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index import services
from ecm.index.choices import ChildStatus, SensitiveBasis, ServiceCategory
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory, gp_practice, involvement, school

pytestmark = pytest.mark.django_db
DOB = dt.date(2014, 6, 20)


def search_data(**kwargs):
    data = {"given_name": "", "family_name": "", "postcode": "", "gender": ""}
    born = kwargs.pop("dob", None)
    if born:
        data.update({"date_of_birth_0": born.day, "date_of_birth_1": born.month, "date_of_birth_2": born.year})
    data.update(kwargs)
    return data


def give_reason(client, child, code="find_practitioners", text=""):
    return client.post(reverse("index:reason", args=[child.pk]), {"reason_code": code, "reason_text": text})


@pytest.fixture
def practitioner():
    return UserFactory(roles=[Role.PRACTITIONER], first_name="Pat", last_name="Kinsella")


def test_search_page_finds_and_shows_words_not_scores(user_client, practitioner):
    ChildFactory(given_name="Olivia", family_name="Barker", date_of_birth=DOB)
    client = user_client(practitioner)
    page = client.post(reverse("index:search"), search_data(family_name="barker", dob=DOB))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Olivia Barker" in html and "Exact match" in html and "1.0" not in html
    assert "LS1" in html and "1 Test Street" not in html


def test_search_page_names_what_is_missing(user_client, practitioner):
    page = user_client(practitioner).post(reverse("index:search"), search_data(family_name="Barker"))
    html = page.content.decode()
    assert "There is a problem" in html and "date of birth" in html
    assert not AuditEvent.objects.filter(action="index.search").exists()


def test_too_many_matches_page_shows_no_records(user_client, practitioner):
    for n in range(11):
        ChildFactory(given_name=f"Child{chr(65 + n)}", family_name="Khan", date_of_birth=DOB)
    html = (
        user_client(practitioner)
        .post(reverse("index:search"), search_data(family_name="Khan", dob=DOB))
        .content.decode()
    )
    assert "Too many matches" in html and "add more detail" in html
    assert "ChildA" not in html


def test_exact_miss_offers_fuzzy_search(user_client, practitioner):
    ChildFactory(given_name="Katherine", family_name="Smyth", date_of_birth=DOB)
    client = user_client(practitioner)
    miss = client.post(reverse("index:search"), search_data(given_name="Catherine", family_name="Smith", dob=DOB))
    assert "Search again for similar matches" in miss.content.decode()
    hit = client.post(
        reverse("index:search"), search_data(given_name="Catherine", family_name="Smith", dob=DOB, fuzzy="on")
    )
    assert "Katherine Smyth" in hit.content.decode()


def test_record_needs_a_reason_first(user_client, practitioner):
    child = ChildFactory()
    client = user_client(practitioner)
    page = client.get(reverse("index:record", args=[child.pk]))
    assert page.status_code == 302 and page.url == reverse("index:reason", args=[child.pk])
    assert give_reason(client, child, code="").status_code == 200
    other = give_reason(client, child, code="other", text="")
    assert "at least 10 characters" in other.content.decode()
    assert not AuditEvent.objects.filter(action="index.record_view").exists()
    assert give_reason(client, child, code="other", text="Checking before a home visit").status_code == 302
    page = client.get(reverse("index:record", args=[child.pk]))
    assert page.status_code == 200 and child.family_name in page.content.decode()
    event = AuditEvent.objects.get(action="index.record_view")
    assert event.reason == "Checking before a home visit"
    assert event.data == {
        "child_id": str(child.pk),
        "reason_code": "other",
        "has_involvement": False,
        "shielded": False,
    }


def test_reason_expires(user_client, practitioner):
    child = ChildFactory()
    client = user_client(practitioner)
    give_reason(client, child)
    clock.advance(dt.timedelta(minutes=16))
    client.get(reverse("core:home"))  # keep the session alive for the idle-timeout middleware
    assert client.get(reverse("index:record", args=[child.pk])).status_code == 302


def test_record_shows_carers_involvements_and_missing_school_and_gp(user_client, practitioner):
    child = ChildFactory(family_name="Lowe")
    worker = UserFactory(first_name="Rhona", last_name="Quayle", phone="0113 496 1234")
    involvement(child, worker, service="Family support")
    client = user_client(practitioner)
    give_reason(client, child)
    html = client.get(reverse("index:record", args=[child.pk])).content.decode()
    for text in (
        "Parent Lowe",
        "0113 496 0999",
        "Family support",
        "Rhona Quayle",
        "0113 496 1234",
        "No school recorded",
        "No GP practice recorded",
        "1 Test Street",
    ):
        assert text in html


def test_shielded_record_shows_only_the_permitted_details(user_client, practitioner):
    child = ChildFactory(
        given_name="Evie",
        family_name="Moss",
        shielded=True,
        school=school(name="Oak School"),
        gp_practice=gp_practice(name="Elm Surgery"),
        nhs_number="9434765919",
    )
    involvement(child, UserFactory(), service="Family support")
    client = user_client(practitioner)
    give_reason(client, child)
    html = client.get(reverse("index:record", args=[child.pk])).content.decode()
    assert "Evie Moss" in html and "Parent Moss" in html and child.formatted_index_number in html
    for hidden in (
        "1 Test Street",
        "LS1",
        "Oak School",
        "Elm Surgery",
        "Family support",
        "0113 496 0999",
        "9434765919",
    ):
        assert hidden not in html
    assert AuditEvent.objects.get(action="index.record_view").data["shielded"] is True


def test_unspecified_sensitive_service(user_client, practitioner):
    child = ChildFactory()
    clinic = OrganisationFactory(name="Riverside Sexual Health Clinic", phone="0113 496 7777")
    nurse = UserFactory(organisation=clinic, first_name="Nadia", last_name="Serrano", phone="0113 496 5555")
    involvement(
        child,
        nurse,
        service="Young people's clinic",
        service_category=ServiceCategory.SEXUAL_HEALTH,
        sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
    )
    client = user_client(practitioner)
    give_reason(client, child)
    html = client.get(reverse("index:record", args=[child.pk])).content.decode()
    assert "An unspecified service is involved" in html
    for hidden in ("Riverside", "Young people", "Nadia", "Serrano", "5555", "7777"):
        assert hidden not in html
    assert not AuditEvent.objects.filter(action="index.sensitive_details_viewed").exists()
    colleague = UserFactory(organisation=clinic)
    colleague_client = user_client(colleague)
    give_reason(colleague_client, child)
    assert "Nadia" in colleague_client.get(reverse("index:record", args=[child.pk])).content.decode()
    admin = UserFactory(roles=[Role.INDEX_ADMIN])
    admin_client = user_client(admin)
    give_reason(admin_client, child)
    assert "Young people" in admin_client.get(reverse("index:record", args=[child.pk])).content.decode()
    viewed = AuditEvent.objects.filter(action="index.sensitive_details_viewed")
    assert {e.actor_id for e in viewed} == {str(colleague.pk), str(admin.pk)}
    assert all(e.data["child_id"] == str(child.pk) for e in viewed)


def test_add_own_involvement_set_flags_and_end(user_client, practitioner):
    child = ChildFactory()
    client = user_client(practitioner)
    assert client.get(reverse("index:involvement_add", args=[child.pk])).status_code == 302  # no reason yet
    give_reason(client, child, code="record_involvement")
    refused = client.post(
        reverse("index:involvement_add", args=[child.pk]),
        {"service": "CAMHS", "service_category": ServiceCategory.MENTAL_HEALTH},
    )
    assert "consent" in refused.content.decode() and not Involvement.objects.exists()
    added = client.post(
        reverse("index:involvement_add", args=[child.pk]),
        {"service": "School nursing", "service_category": ServiceCategory.HEALTH},
    )
    assert added.status_code == 302
    mine = Involvement.objects.get(child=child, practitioner=practitioner)
    flags = client.post(
        reverse("index:involvement_flags", args=[mine.pk]),
        {
            "has_undertaken_caf": "on",
            "caf_started_on_0": "3",
            "caf_started_on_1": "2",
            "caf_started_on_2": "2025",
            "caf_status": "open",
            "wishes_to_be_contacted": "on",
            "contact_reason": "information_to_share",
        },
    )
    assert flags.status_code == 302
    mine.refresh_from_db()
    assert mine.has_undertaken_caf and mine.caf_started_on == dt.date(2025, 2, 3) and mine.wishes_to_be_contacted
    html = client.get(reverse("index:record", args=[child.pk])).content.decode()
    assert "Has undertaken a CAF" in html and "Wishes to be contacted" in html
    assert client.post(reverse("index:involvement_end", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.ended_on == clock.today()


def test_someone_elses_involvement_is_404(user_client, practitioner):
    theirs = involvement(ChildFactory(), UserFactory())
    client = user_client(practitioner)
    assert client.get(reverse("index:involvement_flags", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("index:involvement_end", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("index:involvement_flags", args=["not-a-uuid"])).status_code == 404


def test_archived_record_only_for_data_managers(user_client, practitioner):
    child = ChildFactory()
    child.status = ChildStatus.ARCHIVED
    child.save()
    assert user_client(practitioner).get(reverse("index:reason", args=[child.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="index.access_denied", object_id=str(child.pk)).exists()
    data_manager = user_client(UserFactory(roles=[Role.DATA_MANAGER]))
    assert data_manager.get(reverse("index:reason", args=[child.pk])).status_code == 200


def test_merged_record_answers_with_survivor(user_client, practitioner):
    survivor, duplicate = ChildFactory(), ChildFactory()
    services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Matched")
    page = user_client(practitioner).get(reverse("index:reason", args=[duplicate.pk]))
    assert page.status_code == 302 and page.url == reverse("index:reason", args=[survivor.pk])


def test_shield_set_and_reveal_with_step_up(user_client):
    admin = UserFactory(roles=[Role.INDEX_ADMIN])
    child = ChildFactory(given_name="Lily", family_name="Frost")
    client = user_client(admin)
    refused = client.post(reverse("index:shield", args=[child.pk]), {"reason": ""})
    assert "Enter the reason" in refused.content.decode()
    assert (
        client.post(reverse("index:shield", args=[child.pk]), {"reason": "Witness protection case"}).status_code == 302
    )
    child.refresh_from_db()
    assert child.is_shielded
    reveal_url = reverse("index:reveal", args=[child.pk])
    needs_step_up = client.get(reveal_url)
    assert needs_step_up.status_code == 302 and reverse("accounts:step_up") in needs_step_up.url
    session = client.session
    session[stepup.SESSION_KEY] = clock.now().isoformat()
    session.save()
    short = client.post(reveal_url, {"reason": "need it"})
    assert "at least 20 characters" in short.content.decode()
    assert not AuditEvent.objects.filter(action="index.shield_reveal").exists()
    shown = client.post(reveal_url, {"reason": "Court order 2025/114 requires the current address"})
    assert "1 Test Street" in shown.content.decode()
    event = AuditEvent.objects.get(action="index.shield_reveal")
    assert event.reason.startswith("Court order") and event.data["child_id"] == str(child.pk)


def test_a_practitioner_cannot_shield_or_reveal(user_client, practitioner):
    child = ChildFactory(shielded=True)
    client = user_client(practitioner)
    assert client.get(reverse("index:shield", args=[child.pk])).status_code == 404
    assert client.post(reverse("index:reveal", args=[child.pk]), {"reason": "x" * 30}).status_code == 404
    assert not AuditEvent.objects.filter(action="index.shield_reveal").exists()

"""Every CAF page works for the people who may use it and answers 404 to everyone else (forbidden and missing)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services
from ecm.caf.choices import MemberKind
from ecm.caf.framework import SECTIONS
from ecm.caf.models import AssessmentVersion, Checklist, SafeguardingEscalation
from ecm.caf.tests.factories import complete_caf, start_caf
from ecm.consent.models import ConsentRecord, RefusalNote
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    author = UserFactory(first_name="Ada", last_name="Author")
    nurse = UserFactory(first_name="Nia", last_name="Nurse")
    excluded = UserFactory(first_name="Eve", last_name="Excluded")
    stranger = UserFactory(first_name="Sam", last_name="Stranger")
    child = ChildFactory(given_name="Lily", family_name="Smith")
    with django_capture_on_commit_callbacks(execute=True):
        assessment = complete_caf(
            author, child, allowed=[nurse.organisation], excluded_organisations=[excluded.organisation]
        )
        member = services.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=nurse)
        action = services.action_add(
            actor=author,
            assessment=assessment,
            what="Health check",
            responsible=member,
            due_on=clock.today() + dt.timedelta(days=10),
            outcome_wanted="Headaches explained",
            outcome="be_healthy",
        )
    checklist = Checklist.objects.get_or_create(practitioner=author, decision="full_caf", defaults={"answers": {}})[0]
    return {
        "author": author,
        "nurse": nurse,
        "excluded": excluded,
        "stranger": stranger,
        "child": child,
        "a": assessment,
        "action": action,
        "member": member,
        "checklist": checklist,
    }


def caf_urls(w) -> list[str]:
    a = w["a"].pk
    urls = [
        reverse("caf:detail", args=[a]),
        reverse("caf:complete", args=[a]),
        reverse("caf:versions", args=[a]),
        reverse("caf:version", args=[a, 1]),
        reverse("caf:diff", args=[a, 2]),
        reverse("caf:withdraw", args=[a]),
        reverse("caf:share", args=[a]),
        reverse("caf:copy_settings", args=[a]),
        reverse("caf:copy", args=[a]),
        reverse("caf:team", args=[a]),
        reverse("caf:member_add", args=[a]),
        reverse("caf:member_remove", args=[a, w["member"].pk]),
        reverse("caf:meeting_add", args=[a]),
        reverse("caf:lead_appoint", args=[a]),
        reverse("caf:plan", args=[a]),
        reverse("caf:action_add", args=[a]),
        reverse("caf:action_progress", args=[a, w["action"].pk]),
        reverse("caf:reviews", args=[a]),
        reverse("caf:review_add", args=[a]),
        reverse("caf:interval", args=[a]),
        reverse("caf:close", args=[a]),
        reverse("caf:step_up", args=[a]),
        reverse("caf:specialist_add", args=[a]),
        reverse("caf:transfer", args=[a]),
    ]
    urls.append(reverse("caf:copy_pdf", args=[a]))
    return urls + [reverse("caf:section", args=[a, s.slug]) for s in SECTIONS]


READ_ONLY = {"detail", "versions", "version", "diff", "copy", "copy_pdf", "team", "plan", "reviews"}


def _name(url: str) -> str:
    from django.urls import resolve

    return resolve(url).url_name or ""


def test_permission_matrix(world, user_client) -> None:
    """Author: every page. Named agency: read pages only. Excluded agency and strangers: 404 everywhere."""
    author, nurse = user_client(world["author"]), user_client(world["nurse"])
    excluded, stranger = user_client(world["excluded"]), user_client(world["stranger"])
    for url in caf_urls(world):
        name = _name(url)
        expected_author = 302 if name == "complete" else 200
        assert author.get(url).status_code == expected_author, url
        assert nurse.get(url).status_code == (200 if name in READ_ONLY else 404), url
        assert excluded.get(url).status_code == 404, url
        assert stranger.get(url).status_code == 404, url
    missing = str(uuid.uuid4())
    for url in caf_urls(world):
        assert author.get(url.replace(str(world["a"].pk), missing)).status_code == 404, url
    assert AuditEvent.objects.filter(action="caf.access_denied", actor_id=str(world["excluded"].pk)).exists()
    assert AuditEvent.objects.filter(action="caf.opened", actor_id=str(world["nurse"].pk)).exists()


def test_pages_need_a_caf_role_and_the_child_data_gate(world, user_client) -> None:
    admin = user_client(UserFactory(roles=[Role.SYSTEM_ADMIN]))
    assert admin.get(reverse("caf:home")).status_code == 404
    unvetted = user_client(UserFactory(vetting_checked_on=None))
    assert unvetted.get(reverse("caf:home")).status_code == 403
    other = user_client(world["stranger"])
    assert other.get(reverse("caf:checklist", args=[world["checklist"].pk])).status_code == 404


def test_withdrawal_removes_the_named_agency_at_once(world, user_client) -> None:
    nurse = user_client(world["nurse"])
    url = reverse("caf:detail", args=[world["a"].pk])
    assert nurse.get(url).status_code == 200
    author = user_client(world["author"])
    response = author.post(reverse("caf:withdraw", args=[world["a"].pk]), {"reason": "Mum phoned"})
    assert response.status_code == 302
    assert nurse.get(url).status_code == 404
    assert author.get(url).status_code == 200


def test_checklist_identify_consent_start_pages(user_client) -> None:
    author = UserFactory()
    child = ChildFactory()
    client = user_client(author)
    assert client.get(reverse("caf:home")).status_code == 200
    response = client.post(reverse("caf:checklist_new"), {"decision": "full_caf"})
    assert response.status_code == 200 and b"There is a problem" in response.content
    from ecm.caf.framework import CHECKLIST_QUESTIONS

    answers = {code: "not_sure" for _, code, _ in CHECKLIST_QUESTIONS}
    response = client.post(reverse("caf:checklist_new"), {"decision": "full_caf", "requested_by": "parent", **answers})
    checklist = Checklist.objects.get(practitioner=author)
    assert response.url == reverse("caf:checklist", args=[checklist.pk]) and checklist.child is None
    response = client.post(reverse("caf:checklist", args=[checklist.pk]), {"index_number": child.index_number})
    assert response.status_code == 302 and str(child.pk) in response.url
    assert client.get(response.url).status_code == 200

    consent_url = reverse("caf:consent", args=[child.pk])
    response = client.post(consent_url, {"given_by": "parent", "scopes": ["undertake"], "form_kind": "verbal"})
    assert b"There is a problem" in response.content and not ConsentRecord.objects.exists()
    today = clock.today()
    response = client.post(
        consent_url + f"?checklist={checklist.pk}",
        {
            "family_informed": "on",
            "given_by": "parent",
            "parent_name": "Jo Smith",
            "parent_relationship": "mother",
            "scopes": ["undertake", "record"],
            "form_kind": "written",
            "given_on_0": today.day,
            "given_on_1": today.month,
            "given_on_2": today.year,
            "withheld_elements": ["wider_family"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    consent = ConsentRecord.objects.get()
    assert client.get(response.url).status_code == 200
    response = client.post(response.url, {})
    assessment = consent.assessments.get()
    assert response.url == reverse("caf:detail", args=[assessment.pk])
    assert assessment.checklist == checklist and assessment.requested_by == "parent"
    family = client.get(reverse("caf:section", args=[assessment.pk, "family_environment"]))
    assert b"Wider family" not in family.content and b"Family history" in family.content


def test_refusal_stores_nothing_about_the_child(user_client) -> None:
    author = UserFactory()
    client = user_client(author)
    response = client.post(reverse("caf:refusal"), {"scopes_refused": ["record"], "note": "Declined at home visit"})
    assert response.status_code == 302
    assert RefusalNote.objects.get().practitioner == author
    assert not ConsentRecord.objects.exists()
    assert b"Declined at home visit" in client.get(reverse("caf:refusals")).content
    assert b"Declined at home visit" not in user_client(UserFactory()).get(reverse("caf:refusals")).content


def test_refusal_after_a_checklist_leaves_only_the_practitioners_note(user_client) -> None:
    from ecm.caf.framework import CHECKLIST_QUESTIONS

    author, child = UserFactory(), ChildFactory()
    client = user_client(author)
    answers = {code: "no" for _, code, _ in CHECKLIST_QUESTIONS}
    client.post(reverse("caf:checklist_new"), {"decision": "full_caf", "requested_by": "parent", **answers})
    checklist = Checklist.objects.get(practitioner=author)
    response = client.post(reverse("caf:checklist", args=[checklist.pk]), {"index_number": child.index_number})
    start_page = client.get(response.url).content.decode()
    refusal_url = f"{reverse('caf:refusal')}?checklist={checklist.pk}"
    assert refusal_url in start_page
    assert (
        "this checklist is then removed" in client.get(reverse("caf:checklist", args=[checklist.pk])).content.decode()
    )
    assert "is removed" in client.get(refusal_url).content.decode()
    # Someone else's checklist cannot be named.
    assert user_client(UserFactory()).get(refusal_url).status_code == 404
    response = client.post(
        reverse("caf:refusal"),
        {"scopes_refused": ["record"], "note": "Mother declined recording", "checklist": str(checklist.pk)},
    )
    assert response.status_code == 302
    assert not Checklist.objects.filter(pk=checklist.pk).exists()
    assert not Checklist.objects.filter(child=child).exists()
    assert RefusalNote.objects.get().note == "Mother declined recording"
    event = AuditEvent.objects.get(action="caf.checklist_discarded_on_refusal")
    assert str(child.pk) not in str(event.data)


def test_refusal_empties_a_checklist_that_already_carries_a_request(user_client) -> None:
    author, child = UserFactory(), ChildFactory()
    from ecm.caf.framework import CHECKLIST_QUESTIONS

    checklist = services.checklist_save(
        actor=author,
        answers={code: "yes" for _, code, _ in CHECKLIST_QUESTIONS},
        decision="ask_other",
        notes="Worried about sleep",
        child=child,
    )
    colleague = UserFactory(organisation=author.organisation)
    request = services.caf_request_send(actor=author, checklist=checklist, recipient=colleague, note="Please assess")
    services.refusal_to_record_note(actor=author, scopes_refused=["record"], note="Declined", checklist=checklist)
    checklist.refresh_from_db()
    assert checklist.child is None and checklist.answers == {} and checklist.notes == ""
    assert not Checklist.objects.filter(child=child).exists()
    request.refresh_from_db()
    assert request.checklist == checklist


def test_section_saves_draft_without_javascript_and_by_autosave(user_client) -> None:
    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    client = user_client(author)
    url = reverse("caf:section", args=[assessment.pk, "assessor"])
    response = client.post(url, {"reason": "Low attendance", "save_draft": "Save draft"})
    assert response.url == url
    response = client.post(url, {"reason": "Low attendance and mood", "base_version": "2"}, HTTP_X_AUTOSAVE="1")
    assert response.json() == {"saved": True, "version": 3}
    response = client.post(url, {"reason": "Low attendance and mood", "continue": "Save and continue"})
    assert response.url == reverse("caf:section", args=[assessment.pk, "development"])
    assert AssessmentVersion.objects.filter(assessment=assessment).count() == 3
    diff = client.get(reverse("caf:diff", args=[assessment.pk, 3]))
    assert b"and mood" in diff.content and b"<ins>" in diff.content


def test_a_late_autosave_never_overwrites_a_newer_save(user_client) -> None:
    """An autosave posted from version 2 arriving after the practitioner saved version 3 is dropped."""
    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    client = user_client(author)
    url = reverse("caf:section", args=[assessment.pk, "assessor"])
    client.post(url, {"reason": "Low attendance", "save_draft": "Save draft"})  # version 2
    client.post(url, {"reason": "Low attendance and mood", "continue": "Save and continue"})  # version 3
    late = client.post(url, {"reason": "Low att", "base_version": "2"}, HTTP_X_AUTOSAVE="1")
    assert late.json() == {"saved": False, "version": 3}
    assessment.refresh_from_db()
    assert assessment.versions.order_by("-number")[0].data["reason"] == "Low attendance and mood"


def test_completing_shows_the_error_summary(user_client) -> None:
    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    client = user_client(author)
    response = client.post(reverse("caf:complete", args=[assessment.pk]), {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Enter reason for the assessment" in body
    assert "Confirm the family consented" in body


def test_safeguarding_escape_records_and_shows_the_contact(world, user_client, settings) -> None:
    settings.ECM_SAFEGUARDING_CONTACT = "Leeds front door 0113 222 0000"
    client = user_client(world["author"])
    page = client.get(reverse("caf:team", args=[world["a"].pk])).content.decode()
    assert "Worried a child is at risk of significant harm?" in page
    response = client.post(reverse("caf:safeguarding_escalate"), {"caf": str(world["a"].pk), "from_page": "/caf/x/"})
    assert response.url == reverse("caf:safeguarding")
    assert "Leeds front door 0113 222 0000" in client.get(response.url).content.decode()
    assert SafeguardingEscalation.objects.get().assessment == world["a"]


def test_family_copy_withheld_to_protect_the_child(world, user_client) -> None:
    client = user_client(world["author"])
    url = reverse("caf:copy_settings", args=[world["a"].pk])
    response = client.post(url, {"withheld": "on"})
    assert b"Say why giving the family a copy" in response.content
    client.post(url, {"withheld": "on", "reason": "Father is the alleged risk"})
    assert client.get(reverse("caf:copy_pdf", args=[world["a"].pk])).status_code == 404
    assert b"withheld" in client.get(reverse("caf:copy", args=[world["a"].pk])).content


def test_transfer_accept_page(world, user_client) -> None:
    elsewhere = UserFactory(organisation=OrganisationFactory(local_authority=LocalAuthorityFactory()))
    from ecm.sharing.services import sharing_decision_record

    sharing_decision_record(
        actor=world["author"],
        child=world["child"],
        organisation=elsewhere.organisation,
        ground="non_confidential",
        reason="Family moving to the new area",
        what_shared="The CAF",
        purpose="Transfer",
        family_told=True,
    )
    services.transfer_request(actor=world["author"], assessment=world["a"], to_user=elsewhere, consent_confirmed=True)
    client = user_client(elsewhere)
    assert b"Accept the transfer" in client.get(reverse("caf:detail", args=[world["a"].pk])).content
    response = client.post(reverse("caf:transfer_accept", args=[world["a"].pk]))
    assert response.status_code == 302
    assert services.current_lead(world["a"]).member.user == elsewhere


def test_home_lists_overdue_reviews_for_practitioner_and_manager(world, user_client) -> None:
    manager = UserFactory(roles=[Role.MANAGER])
    world["author"].manager = manager
    world["author"].save()
    clock.freeze(clock.now() + dt.timedelta(weeks=7))
    assert world["a"].reference in user_client(world["author"]).get(reverse("caf:home")).content.decode()
    assert world["a"].reference in user_client(manager).get(reverse("caf:home")).content.decode()
    assert "overdue review" in user_client(world["author"]).get("/").content.decode()


def test_a_recorded_decision_lets_a_further_agency_see_the_caf(world, user_client) -> None:
    """Without consent or a decision the share is refused and the guided decision starts; after a
    countersigned decision the further agency sees the CAF (ecm/sharing records and logs it)."""
    from ecm.sharing.models import Disclosure
    from ecm.sharing.services import sharing_decision_countersign
    from ecm.sharing.tests.factories import decide

    excluded = user_client(world["excluded"])
    url = reverse("caf:detail", args=[world["a"].pk])
    assert excluded.get(url).status_code == 404
    author = user_client(world["author"])
    share_url = reverse("caf:share", args=[world["a"].pk])
    response = author.post(share_url, {"organisation": str(world["excluded"].organisation.pk)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("sharing:start", args=[world["child"].pk]))
    assert "information=caf" in response.url
    to_excluded = Disclosure.objects.filter(organisation=world["excluded"].organisation)
    assert not to_excluded.exists() and excluded.get(url).status_code == 404
    manager = UserFactory(roles=[Role.MANAGER], organisation=world["author"].organisation)
    decision = decide(world["author"], world["child"], world["excluded"].organisation, information="caf")
    assert excluded.get(url).status_code == 404  # waiting for the countersignature
    sharing_decision_countersign(actor=manager, decision=decision, agreed=True)
    assert excluded.get(url).status_code == 200
    assert to_excluded.get().decision == decision
    assert AuditEvent.objects.filter(action="sharing.decision_recorded").exists()


def test_views_and_forms_never_touch_the_orm_directly() -> None:
    """Views and forms go through access, selectors and services."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in sorted([*(root / "views").glob("*.py"), *(root / "forms").glob("*.py"), *(root / "api").glob("*.py")]):
        text = path.read_text()
        for needle in (".objects.", ".save(", ".delete(", ".filter(", ".all()"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_consent_and_sharing_never_import_caf() -> None:
    ecm = Path(__file__).resolve().parents[2]
    for app in ("consent", "sharing"):
        for path in (ecm / app).rglob("*.py"):
            assert "ecm.caf" not in path.read_text(), path


def test_further_consent_names_another_agency_and_withdrawal_ends_every_consent(world, user_client) -> None:
    later = UserFactory()
    url = reverse("caf:detail", args=[world["a"].pk])
    assert user_client(later).get(url).status_code == 404
    author = user_client(world["author"])
    today = clock.today()
    response = author.post(
        reverse("caf:consent", args=[world["child"].pk]) + f"?caf={world['a'].pk}",
        {
            "family_informed": "on",
            "given_by": "parent",
            "parent_name": "Jo Smith",
            "parent_relationship": "mother",
            "scopes": ["undertake", "record", "share"],
            "share_purpose": "Youth club support",
            "allowed": [str(later.organisation.pk)],
            "form_kind": "verbal",
            "given_on_0": today.day,
            "given_on_1": today.month,
            "given_on_2": today.year,
        },
    )
    assert response.url == url
    assert user_client(later).get(url).status_code == 200
    author.post(reverse("caf:withdraw", args=[world["a"].pk]), {"reason": "Family withdrew everything"})
    assert not ConsentRecord.objects.filter(child=world["child"], withdrawn_at__isnull=True).exists()
    assert user_client(later).get(url).status_code == 404
    assert user_client(world["nurse"]).get(url).status_code == 404


def test_the_existing_caf_check_is_audited(world, user_client) -> None:
    user_client(world["stranger"]).get(reverse("caf:start", args=[world["child"].pk]))
    event = AuditEvent.objects.get(action="caf.existing_checked", actor_id=str(world["stranger"].pk))
    assert event.data["found"] == 1

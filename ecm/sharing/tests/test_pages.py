"""The sharing pages: the flow one question per page, the adviser and countersignature pages, the record,
the correction, the disclosure log from the child's record; 404 for everyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.index.tests.factories import ChildFactory
from ecm.sharing.models import DecisionDraft, Disclosure, SharingAdviser, SharingDecision
from ecm.sharing.tests.factories import decide, practitioner_with_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    author, manager = practitioner_with_manager(first_name="Ada", last_name="Author")
    return {
        "author": author,
        "manager": manager,
        "child": ChildFactory(given_name="Lily", family_name="Smith"),
        "org": OrganisationFactory(name="Riverside Health Centre"),
        "stranger": UserFactory(),
    }


def _answer(client, draft, number, answer):
    return client.post(reverse("sharing:question", args=[draft.pk, number]), {"answer": answer})


def test_a_decision_one_question_per_page_with_not_sure_and_countersignature(world, user_client) -> None:
    client = user_client(world["author"])
    start_url = reverse("sharing:start", args=[world["child"].pk])
    page = client.get(start_url).content.decode()
    assert "Decide whether to share information" in page
    response = client.post(start_url, {"organisation": str(world["org"].pk), "information": "index"})
    draft = DecisionDraft.objects.get()
    assert response.url == reverse("sharing:draft", args=[draft.pk])
    assert client.get(response.url).url == reverse("sharing:question", args=[draft.pk, 1])
    page = client.get(reverse("sharing:question", args=[draft.pk, 1])).content.decode()
    assert "Is there a legitimate purpose" in page and "Information sharing is essential" in page
    assert "Choose yes, no or not sure" in client.post(reverse("sharing:question", args=[draft.pk, 1])).content.decode()
    assert _answer(client, draft, 1, "yes").status_code == 302
    # Question 5 is not reachable yet.
    assert client.get(reverse("sharing:question", args=[draft.pk, 5])).status_code == 302
    response = _answer(client, draft, 2, "not_sure")
    assert response.url == reverse("sharing:ask", args=[draft.pk, 2])
    assert "your manager" in client.get(response.url).content.decode()
    client.post(response.url, {"adviser": str(world["manager"].pk), "query": "Is a first name enough?"})
    assert "Waiting for advice" in client.get(reverse("sharing:draft", args=[draft.pk])).content.decode()
    # The adviser answers on the adviser page.
    adviser = user_client(world["manager"])
    asked = draft.advice.get()
    assert "Ada Author: question 2" in adviser.get(reverse("sharing:advice_queue")).content.decode()
    assert asked.query in adviser.get(reverse("sharing:advice", args=[asked.pk])).content.decode()
    assert client.get(reverse("sharing:advice", args=[asked.pk])).status_code == 404
    adviser.post(reverse("sharing:advice", args=[asked.pk]), {"advice": "Yes, it identifies her at school."})
    page = client.get(reverse("sharing:question", args=[draft.pk, 2])).content.decode()
    assert "Yes, it identifies her at school." in page
    for number, answer in ((2, "yes"), (3, "yes"), (4, "no"), (5, "no"), (6, "yes")):
        _answer(client, draft, number, answer)
    details_url = reverse("sharing:details", args=[draft.pk])
    assert "Which public-interest ground applies?" in client.get(details_url).content.decode()
    page = client.post(details_url, {"family_told": "no"}).content.decode()
    assert "Say why the child and family were not told" in page
    client.post(
        details_url,
        {
            "what_shared": "The disclosure at school",
            "recipient_person": "Sam Patel",
            "purpose": "Strategy discussion",
            "method": "secure_email",
            "consent_status": "not_sought",
            "consent_reason": "Asking would alert the father",
            "ground": "prevent_harm",
            "family_told": "no",
            "not_told_reason": "Telling them would put Lily at risk",
        },
    )
    _answer(client, draft, 7, "yes")
    record_url = reverse("sharing:record", args=[draft.pk])
    page = client.get(record_url).content.decode()
    assert "Check your answers" in page and "not in force until a manager countersigns" in page
    response = client.post(record_url, {"reason": "Lily described an injury; the father is the concern."})
    decision = SharingDecision.objects.get()
    assert response.url == reverse("sharing:decision", args=[decision.pk])
    page = client.get(response.url).content.decode()
    assert "Waiting for a manager" in page and "After advice from" in page
    assert user_client(world["stranger"]).get(response.url).status_code == 404
    # The manager countersigns from the queue.
    assert "Lily Smith" in adviser.get(reverse("sharing:countersign_queue")).content.decode()
    assert client.get(reverse("sharing:countersign", args=[decision.pk])).status_code == 404
    adviser.post(reverse("sharing:countersign", args=[decision.pk]), {"agreed": "yes", "comment": "Agreed"})
    page = client.get(response.url).content.decode()
    assert "Countersigned by" in page and "Nothing has been recorded as shared yet" in page
    assert not Disclosure.objects.exists()  # countersigning shares nothing
    # The practitioner shares, then records when, how and with whom.
    shared_url = reverse("sharing:shared", args=[decision.pk])
    assert adviser.get(shared_url).status_code == 404
    page = client.post(shared_url, {"shared_on_0": "", "method": "phone", "description": "x"}).content.decode()
    assert "Enter the time you shared it" in page
    client.post(
        shared_url,
        {
            "shared_on_0": "27",
            "shared_on_1": "3",
            "shared_on_2": "2026",
            "shared_at": "09:15",
            "method": "secure_email",
            "recipient_person": "Sam Patel, police",
            "description": "The disclosure at school",
        },
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.decision == decision and disclosure.shared_by == world["author"]
    assert timezone.localtime(disclosure.disclosed_at).strftime("%Y-%m-%d %H:%M") == "2026-03-27 09:15"
    assert "Shared by Ada Author" in client.get(reverse("sharing:log", args=[world["child"].pk])).content.decode()
    assert AuditEvent.objects.filter(action="sharing.decision_viewed").exists()


def test_correction_page_writes_a_new_record_and_the_old_shows_corrected_by(world, user_client) -> None:
    old = decide(world["author"], world["child"], world["org"], ground="non_confidential")
    client = user_client(world["author"])
    url = reverse("sharing:correct", args=[old.pk])
    assert "What are you correcting" in client.get(url).content.decode()
    data = {
        "correction_reason": "Wrong purpose",
        "outcome": "share",
        "reason": old.reason,
        "what_shared": old.what_shared,
        "purpose": "Health check",
        "method": "ecm",
        "consent_status": "refused",
        "ground": "non_confidential",
        "family_told": "no",
        "not_told_reason": old.not_told_reason,
    }
    response = client.post(url, data)
    new = SharingDecision.objects.get(supersedes=old)
    assert response.url == reverse("sharing:decision", args=[new.pk])
    assert "This record was corrected by" in client.get(reverse("sharing:decision", args=[old.pk])).content.decode()
    assert client.get(url).status_code == 404  # already corrected
    assert user_client(world["stranger"]).get(reverse("sharing:correct", args=[new.pk])).status_code == 404


def test_disclosure_log_is_linked_from_the_childs_record_and_audited(world, user_client) -> None:
    decide(world["author"], world["child"], world["org"], ground="non_confidential", recipient_person="Sam Patel")
    client = user_client(world["author"])
    child = world["child"]
    client.post(reverse("index:reason", args=[child.pk]), {"reason_code": "find_practitioners", "reason_text": ""})
    record = client.get(reverse("index:record", args=[child.pk])).content.decode()
    log_url = reverse("sharing:log", args=[child.pk])
    assert log_url in record and reverse("sharing:start", args=[child.pk]) in record
    page = client.get(log_url).content.decode()
    assert "Riverside Health Centre" in page and "Sam Patel" in page
    assert AuditEvent.objects.filter(action="sharing.disclosure_log_viewed", object_id=str(child.pk)).exists()
    privacy = UserFactory(roles=[Role.PRIVACY_OFFICER])
    assert "Sam Patel" in user_client(privacy).get(log_url).content.decode()
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    assert user_client(editor).get(log_url).status_code == 404


def test_home_panel_and_queues(world, user_client) -> None:
    decide(world["author"], world["child"], world["org"])
    assert (
        "1 decision waits for your review or countersignature"
        in user_client(world["manager"]).get("/").content.decode()
    )
    page = user_client(world["author"]).get(reverse("sharing:home")).content.decode()
    assert "Waiting for a manager" in page


def test_pages_are_404_for_other_roles_and_other_people(world, user_client) -> None:
    privacy = UserFactory(roles=[Role.PRIVACY_OFFICER])
    decision = decide(world["author"], world["child"], world["org"])
    assert user_client(privacy).get(reverse("sharing:decision", args=[decision.pk])).status_code == 200
    assert user_client(privacy).get(reverse("sharing:start", args=[world["child"].pk])).status_code == 404
    assert user_client(world["stranger"]).get(reverse("sharing:decision", args=[decision.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="sharing.access_denied").exists()


def test_managers_name_advisers_for_their_organisation(world, user_client) -> None:
    colleague = UserFactory(organisation=world["author"].organisation)
    client = user_client(world["manager"])
    client.post(reverse("sharing:advisers"), {"user": str(colleague.pk), "covers": "organisation"})
    adviser = SharingAdviser.objects.get()
    assert adviser.user == colleague and adviser.organisation == world["author"].organisation
    assert user_client(world["author"]).get(reverse("sharing:advisers")).status_code == 404
    client.post(reverse("sharing:adviser_remove", args=[adviser.pk]))
    adviser.refresh_from_db()
    assert adviser.ended_at is not None


@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        (Role.PRACTITIONER, "home", 200),
        (Role.MANAGER, "home", 200),
        (Role.PRIVACY_OFFICER, "home", 404),
        (Role.DATA_MANAGER, "home", 404),
        (Role.PRACTITIONER, "start", 200),
        (Role.DATA_MANAGER, "start", 404),
        (Role.PRACTITIONER, "log", 200),
        (Role.PRIVACY_OFFICER, "log", 200),
        (Role.DATA_MANAGER, "log", 200),
        (Role.DIRECTORY_EDITOR, "log", 404),
        (Role.MANAGER, "advisers", 200),
        (Role.SYSTEM_ADMIN, "advisers", 200),
        (Role.PRACTITIONER, "advisers", 404),
        (Role.PRACTITIONER, "countersign_queue", 200),
        (Role.PRACTITIONER, "advice_queue", 200),
    ],
)
def test_permission_matrix(world, user_client, role, page, expected) -> None:
    child_pages = {"start", "log"}
    url = reverse(f"sharing:{page}", args=[world["child"].pk] if page in child_pages else [])
    assert user_client(UserFactory(roles=[role])).get(url).status_code == expected


def test_urgent_decision_says_share_now_and_the_manager_sees_it_first_as_urgent(world, user_client) -> None:
    world["author"].organisation.local_authority.safeguarding_referral_route = "Leeds front door 0113 000 0000"
    world["author"].organisation.local_authority.save()
    calm = decide(world["author"], ChildFactory(), world["org"])
    urgent = decide(world["author"], world["child"], world["org"], ground="significant_harm", method="phone")
    client = user_client(world["author"])
    page = client.get(reverse("sharing:decision", args=[urgent.pk])).content.decode()
    assert "share now" in page and "Do not wait for your manager" in page and "Leeds front door" in page
    assert "Record that you have shared it" in page and "Do not share until" not in page
    manager = user_client(world["manager"])
    queue = manager.get(reverse("sharing:countersign_queue")).content.decode()
    assert "Urgent: shared at once" in queue and "Review by" in queue
    assert queue.index(str(urgent.pk)) < queue.index(str(calm.pk))
    page = manager.get(reverse("sharing:countersign", args=[urgent.pk])).content.decode()
    assert "Review an urgent decision" in page and "Do you agree with this decision" in page
    manager.post(reverse("sharing:countersign", args=[urgent.pk]), {"agreed": "yes"})
    assert "Manager's review" in client.get(reverse("sharing:decision", args=[urgent.pk])).content.decode()

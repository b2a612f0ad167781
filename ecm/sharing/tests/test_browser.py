"""A full decision in a real browser, with "not sure", the adviser's reply and the countersignature; axe-core
on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from ecm.index.tests.factories import ChildFactory
from ecm.sharing.models import Disclosure, SharingDecision

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def answer(page, text: str, choice: str) -> None:
    expect(page.get_by_role("heading", name=text)).to_be_visible()
    page.get_by_role("radio", name=choice, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def test_a_decision_with_not_sure_advice_and_countersignature(page, browser_sign_in, another_page) -> None:
    school = OrganisationFactory(name="Hill Primary School")
    clinic = OrganisationFactory(name="Riverside Health Centre")
    manager = UserFactory(roles=[Role.MANAGER], first_name="Meg", last_name="Manager", organisation=school)
    author = UserFactory(
        roles=[Role.PRACTITIONER], first_name="Ada", last_name="Teacher", organisation=school, manager=manager
    )
    child = ChildFactory(given_name="Lily", family_name="Smith")

    # The practitioner opens the child's record and starts a decision from it.
    browser_sign_in(page, author, TEST_PASSWORD)
    page.goto(f"/index/children/{child.pk}/reason/")
    page.get_by_label("A safeguarding concern").check()
    page.get_by_role("button", name="Open the record").click()
    page.get_by_role("link", name="Decide whether to share information").click()
    expect(page.get_by_role("heading", name="Decide whether to share information")).to_be_visible()
    page.get_by_label("Which organisation would receive the information?").select_option(label=clinic.name)
    page.get_by_label("Other information").check()
    page.get_by_role("button", name="Continue").click()
    answer(page, "Is there a legitimate purpose for you or your agency to share the information?", "Yes")

    # "Not sure" sends question 2 to the manager; the decision waits.
    answer(page, "Does the information enable a person to be identified?", "Not sure")
    expect(page.get_by_role("heading", name="Ask for advice")).to_be_visible()
    page.get_by_role("button", name="Ask for advice").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("Meg Manager (your manager)").check()
    page.get_by_label("What are you not sure about?").fill("Lily is only named by her first name. Is that enough?")
    page.get_by_role("button", name="Ask for advice").click()
    expect(page.get_by_role("heading", name="Waiting for advice")).to_be_visible()

    # The manager replies on the adviser page.
    adviser_page = another_page()
    adviser_page.set_default_timeout(15_000)
    browser_sign_in(adviser_page, manager, TEST_PASSWORD)
    expect(adviser_page.get_by_text("1 question waits for your advice")).to_be_visible()
    adviser_page.get_by_role("link", name="Go to information sharing").click()
    adviser_page.get_by_role("link", name="Ada Teacher: question 2, about Lily Smith").click()
    expect(adviser_page.get_by_role("heading", name="Advice on question 2")).to_be_visible()
    adviser_page.get_by_label("Your advice").fill("Yes: in her class a first name identifies her.")
    adviser_page.get_by_role("button", name="Send your advice").click()
    expect(adviser_page.get_by_text("Your advice has been sent")).to_be_visible()

    # The practitioner sees the advice beside the question, and carries on.
    page.goto("/sharing/")
    page.get_by_role("link", name="Lily Smith: other information to Riverside Health Centre").click()
    expect(page.get_by_text("Yes: in her class a first name identifies her.")).to_be_visible()
    answer(page, "Does the information enable a person to be identified?", "Yes")
    answer(page, "Is the information confidential?", "Yes")
    answer(page, "If the information is confidential, do you have consent to share?", "No")
    answer(page, "Is there a statutory duty or court order to share the information?", "No")
    answer(
        page,
        "If consent is refused, or there are good reasons not to seek consent, is there a sufficient public "
        "interest to share the information?",
        "Yes",
    )
    expect(page.get_by_role("heading", name="What you will share, with whom and how")).to_be_visible()
    page.get_by_label("What exactly will you share?").fill("What Lily said about the bruise on her arm")
    page.get_by_label("The person who will receive it").fill("Sam Patel, school nurse")
    page.get_by_label("For what purpose?").fill("A health check today")
    page.get_by_label("Secure email").check()
    page.get_by_role("radio", name="Consent was not sought").check()
    page.get_by_label("If consent was not sought, why not").fill("Asking would alert the father")
    page.get_by_label("To prevent significant harm").check()
    page.get_by_role("group", name="Were the child and family told").get_by_label("No").check()
    page.get_by_label("If not, why not").fill("Telling them would put Lily at risk")
    page.get_by_role("button", name="Continue").click()
    answer(page, "If the decision is to share, are you sharing the right information in the right way?", "Yes")
    expect(page.get_by_role("heading", name="Check your answers and record the decision")).to_be_visible()
    page.get_by_label("Your reasons for the decision").fill("Lily described an injury; the father is the concern.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("It waits for a manager's countersignature.")).to_be_visible()
    decision = SharingDecision.objects.get()
    assert decision.answers["2"]["advice"]["advice"].startswith("Yes: in her class")
    assert not Disclosure.objects.exists()

    # The manager countersigns; the share is in force and in the child's disclosure log.
    adviser_page.goto("/sharing/countersign/")
    adviser_page.get_by_role("link", name="Ada Teacher: share with Riverside Health Centre").click()
    adviser_page.get_by_role("button", name="Countersign or refuse").click()
    adviser_page.get_by_label("Yes, I countersign it").check()
    adviser_page.get_by_role("button", name="Save").click()
    expect(adviser_page.get_by_text("Countersigned by Meg Manager")).to_be_visible()
    adviser_page.close()

    assert not Disclosure.objects.exists()  # countersigning shares nothing
    # The practitioner shares by secure email, then records when, how and with whom.
    page.goto(f"/sharing/record/{decision.pk}/")
    page.get_by_role("button", name="Record that you have shared it").click()
    expect(page.get_by_role("heading", name="Record that you have shared the information")).to_be_visible()
    page.get_by_label("Time you shared it").fill("00:00")  # earlier today whenever the test runs
    page.get_by_role("button", name="Record that you shared it").click()
    expect(page.get_by_text("The disclosure log now says what you shared")).to_be_visible()

    page.goto(f"/sharing/child/{child.pk}/log/")
    expect(page.get_by_role("heading", name="Disclosure log")).to_be_visible()
    expect(page.get_by_text("Sam Patel, school nurse")).to_be_visible()
    expect(page.get_by_text("Shared by Ada Teacher")).to_be_visible()
    assert Disclosure.objects.get().decision == decision


def test_urgent_significant_harm_is_shared_at_once_and_reviewed_by_the_manager_afterwards(
    page, browser_sign_in, another_page
) -> None:
    """A health visitor sees an injury: she shares with children's social care at once; her manager reviews."""
    from pathlib import Path

    shots = Path("/tmp/pa_shots")
    shots.mkdir(exist_ok=True)
    health = OrganisationFactory(name="Riverside Health Centre")
    social_care = OrganisationFactory(name="Leeds Children's Social Work Service")
    health.local_authority.safeguarding_referral_route = "Front door 0113 000 0000; out of hours 0113 000 0001"
    health.local_authority.save()
    manager = UserFactory(roles=[Role.MANAGER], first_name="Meg", last_name="Manager", organisation=health)
    visitor = UserFactory(
        roles=[Role.PRACTITIONER], first_name="Hana", last_name="Visitor", organisation=health, manager=manager
    )
    child = ChildFactory(given_name="Lily", family_name="Smith")
    browser_sign_in(page, visitor, TEST_PASSWORD)
    page.goto(f"/sharing/child/{child.pk}/start/")
    page.get_by_label("Which organisation would receive the information?").select_option(label=social_care.name)
    page.get_by_label("Other information").check()
    page.get_by_role("button", name="Continue").click()
    answer(page, "Is there a legitimate purpose for you or your agency to share the information?", "Yes")
    answer(page, "Does the information enable a person to be identified?", "Yes")
    answer(page, "Is the information confidential?", "Yes")
    answer(page, "If the information is confidential, do you have consent to share?", "No")
    answer(page, "Is there a statutory duty or court order to share the information?", "No")
    answer(
        page,
        "If consent is refused, or there are good reasons not to seek consent, is there a sufficient public "
        "interest to share the information?",
        "Yes",
    )
    expect(page.get_by_text("share at once: do not wait")).to_be_visible()
    page.get_by_label("What exactly will you share?").fill("Bruising seen on a home visit; what Lily's mother said")
    page.get_by_label("The person who will receive it").fill("Duty social worker")
    page.get_by_label("For what purpose?").fill("A safeguarding referral")
    page.get_by_label("By phone, after checking who is calling").check()
    page.get_by_role("radio", name="Consent was not sought").check()
    page.get_by_label("If consent was not sought, why not").fill("Asking would put Lily at risk")
    page.get_by_label("Evidence that a child is suffering").check()
    page.get_by_role("group", name="Were the child and family told").get_by_label("No").check()
    page.get_by_label("If not, why not").fill("Telling them would put Lily at risk")
    page.get_by_role("button", name="Continue").click()
    answer(page, "If the decision is to share, are you sharing the right information in the right way?", "Yes")
    expect(page.get_by_text("once you record this decision, share at once")).to_be_visible()
    page.get_by_label("Your reasons for the decision").fill("Unexplained bruising on a 2-year-old.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("A child is at risk of significant harm: share now.")).to_be_visible()
    expect(page.get_by_text("Front door 0113 000 0000")).to_be_visible()
    page.screenshot(path=str(shots / "sharing-urgent-decision.png"), full_page=True)
    page.get_by_role("button", name="Record that you have shared it").click()
    page.get_by_role("button", name="Record that you shared it").click()
    expect(page.get_by_text("The disclosure log now says what you shared")).to_be_visible()
    assert Disclosure.objects.get().shared_by == visitor

    manager_page = another_page()
    browser_sign_in(manager_page, manager, TEST_PASSWORD)
    manager_page.goto("/sharing/countersign/")
    expect(manager_page.get_by_text("Urgent: shared at once")).to_be_visible()
    manager_page.screenshot(path=str(shots / "sharing-review-queue.png"), full_page=True)
    manager_page.get_by_role("link", name="Hana Visitor: share with Leeds Children's Social Work Service").click()
    manager_page.get_by_role("button", name="Review this decision").click()
    expect(
        manager_page.get_by_role("heading", name="Review an urgent decision to share without consent")
    ).to_be_visible()
    manager_page.get_by_label("Yes, I agree with it").check()
    manager_page.get_by_role("button", name="Save").click()
    expect(manager_page.get_by_text("Agreed by Meg Manager")).to_be_visible()
    manager_page.close()

"""The CAF journey in a real browser with axe-core on every page, and an excluded agency that cannot see it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from ecm.caf.choices import CafStatus
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_checklist_to_closure_and_an_excluded_agency(page, browser_sign_in, another_page) -> None:
    school = OrganisationFactory(name="Hill Primary School")
    clinic = OrganisationFactory(name="Riverside Health Centre")
    police = OrganisationFactory(name="West Yorkshire Police")
    author = UserFactory(roles=[Role.PRACTITIONER], first_name="Ada", last_name="Teacher", organisation=school)
    nurse = UserFactory(roles=[Role.PRACTITIONER], first_name="Nia", last_name="Nurse", organisation=clinic)
    officer = UserFactory(roles=[Role.PRACTITIONER], first_name="Ollie", last_name="Officer", organisation=police)
    child = ChildFactory(given_name="Lily", family_name="Smith")
    today = clock.today()

    browser_sign_in(page, author, TEST_PASSWORD)
    page.get_by_role("link", name="CAF", exact=True).first.click()
    expect(page.get_by_role("heading", name="Common Assessment Framework")).to_be_visible()

    # 1. Checklist, saved before the child is identified.
    page.get_by_role("button", name="Start a pre-assessment checklist").click()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("A name or initials").fill("Lily S")
    for group in page.locator("fieldset.govuk-fieldset").filter(has=page.get_by_label("Not sure")).all():
        if group.get_by_label("Not sure").count() == 1:
            group.get_by_label("Not sure").check()
    page.get_by_label("Undertake a full CAF").check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_text("Your checklist has been saved.")).to_be_visible()
    page.get_by_label("The child's index number").fill(child.index_number)
    page.get_by_role("button", name="Continue").click()

    # 2. The existing-CAF check, then consent.
    expect(page.get_by_text("The index shows no open CAF for this child.")).to_be_visible()
    page.get_by_role("button", name="Record consent").click()
    page.get_by_label("I told the family").check()
    page.get_by_label("A person with parental responsibility").check()
    page.get_by_label("Name of the person with parental responsibility").fill("Jo Smith")
    page.get_by_label("Their relationship to the child").select_option("mother")
    for scope in ("Undertake the assessment", "Record it", "Share it"):
        page.get_by_label(scope).check()
    page.get_by_label("What sharing is for").fill("Planning support with health while the CAF is open")
    page.get_by_role("group", name="Agencies the family allows to see the CAF").get_by_label(clinic.name).check()
    page.get_by_role("group", name="Agencies the family does not want to see it").get_by_label(police.name).check()
    page.get_by_label("Written (preferred)").check()
    fill_date(page, "Date consent was given", today)
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent has been recorded.")).to_be_visible()
    page.get_by_role("button", name="Start the CAF").click()
    expect(page.get_by_text("has been started")).to_be_visible()

    # 3. The assessment, section by section; completing first shows the error summary.
    page.get_by_role("link", name="Assessor, services and reason").click()
    page.get_by_label("Reason for the assessment").fill("Poor attendance and low mood")
    page.get_by_label("Who was present").fill("Mother, Lily and her teacher")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved").first).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Development of the child")).to_be_visible()
    page.get_by_role("group", name="General health").get_by_label("Needs").fill("Frequent headaches")
    page.get_by_role("status").filter(has_text="Draft saved").wait_for()  # saved as she goes (JavaScript)
    assert "general_health__needs" in Assessment.objects.get(child=child).versions.order_by("-number")[0].data
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Conclusions and comments")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_role("link", name="Change conclusions and comments").click()
    page.get_by_label("Conclusions, solutions and actions").fill("Health check and attendance support")
    page.get_by_label("The child's or young person's comments").fill("I want to go to football club")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="What the family confirms")).to_be_visible()
    expect(page.get_by_text("I want to go to football club")).to_be_visible()
    page.get_by_label("The family read the text above and confirmed their consent").check()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_text("The assessment is complete")).to_be_visible()
    page.get_by_role("link", name="All versions and changes").click()
    changed = next(
        v.number for v in Assessment.objects.get(child=child).versions.order_by("number") if "conclusions" in v.data
    )
    page.get_by_role("link", name=f"Changes from version {changed - 1}").click()
    expect(page.get_by_text("Health check and attendance support")).to_be_visible()
    page.go_back()
    page.go_back()

    # 4. TAC: add the nurse, hold a meeting, appoint the lead professional there.
    page.get_by_role("link", name="Team Around the Child, meetings and lead professional").click()
    page.get_by_role("link", name="Add to the team").click()
    page.get_by_role("radio", name="Practitioner").check()
    page.get_by_role("combobox", name="Practitioner").select_option(label=f"Nia Nurse, {clinic.name}")
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_role("link", name="Add to the team").click()
    page.get_by_role("radio", name="Parent or carer").check()
    page.get_by_label("Name of the child, parent or carer").fill("Jo Smith")
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_role("link", name="Record a past TAC meeting").click()
    fill_date(page, "Date of the meeting", today)
    attended = page.get_by_role("group", name="Who attended")
    for label in ("Ada Teacher", "Nia Nurse", "Jo Smith"):
        attended.get_by_label(label).check()
    page.get_by_label("Meeting notes").fill("First TAC. Agreed a health check.")
    page.get_by_role("button", name="Save the meeting").click()
    page.get_by_role("link", name="Choose the lead professional").click()
    page.get_by_label("Nia Nurse").check()
    page.get_by_label("TAC meeting where they were chosen").select_option(index=1)
    page.get_by_label("Why they were chosen").fill("Health needs predominate; Lily knows her")
    page.get_by_role("button", name="Ask them to take on the role").click()
    expect(page.get_by_text("they have been asked to accept")).to_be_visible()
    # The nurse accepts (her own page is walked in test_browser_practice.py); then she leads.
    from ecm.caf import services as caf_services

    caf_services.lead_offer_accept(actor=nurse, offer=caf_services.open_lead_offer(Assessment.objects.get(child=child)))
    assert Involvement.objects.get(child=child, practitioner=nurse).is_lead_professional
    assert Involvement.objects.get(child=child, practitioner=author).has_undertaken_caf

    # 5. The plan.
    page.get_by_role("link", name="Back to the CAF").click()
    page.get_by_role("link", name="Delivery plan").click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What will be done").fill("Health check at the clinic")
    page.get_by_label("Who is responsible").select_option(label=f"Nia Nurse (Practitioner, {clinic.name})")
    fill_date(page, "By when", today + dt.timedelta(days=14))
    page.get_by_label("Outcome wanted").fill("Headaches explained")
    page.get_by_label("Be healthy").check()
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("link", name="Health check at the clinic")).to_be_visible()

    # 6. A review.
    page.get_by_role("link", name="Back to the CAF").click()
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Record a review").click()
    fill_date(page, "Date of the review", today)
    page.get_by_label("Who was present").fill("Jo, Lily, Nia, Ada")
    page.get_by_role("group", name="Action 1").get_by_label("What happened").fill("Health check booked")
    healthy = page.get_by_role("group", name="Progress on Be healthy")
    healthy.get_by_label("Some progress").check()
    healthy.get_by_label("Note (optional)").fill("Appointment booked")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("The review is recorded.")).to_be_visible()

    # The family's copy.
    page.get_by_role("link", name="Back to the CAF").click()
    page.get_by_role("link", name="The family's copy", exact=True).click()
    expect(page.get_by_text("I want to go to football club")).to_be_visible()
    page.get_by_role("link", name="Back to the CAF").click()

    # 7. An excluded agency sees nothing; the safeguarding escape from their own CAF home.
    caf_url = page.url
    other_page = another_page()
    browser_sign_in(other_page, officer, TEST_PASSWORD)
    response = other_page.goto(caf_url)
    assert response is not None and response.status == 404
    other_page.goto("/caf/")
    expect(other_page.get_by_text("You have no open CAFs.")).to_be_visible()
    other_page.get_by_role("button", name="Worried a child is at risk of significant harm?").click()
    expect(other_page.get_by_role("heading", name="A child at risk of significant harm")).to_be_visible()
    other_page.close()

    # 8. Closure.
    page.get_by_role("link", name="Close the CAF").click()
    page.get_by_label("Needs met (universal services continue)").check()
    page.get_by_role("group", name="Progress on Be healthy").get_by_label("Achieved").check()
    page.get_by_label("Very helpful").check()
    page.get_by_label("The family's feedback on the process (optional)").fill("It helped us with mornings")
    page.get_by_role("button", name="Close the CAF").click()
    expect(page.get_by_text("The CAF is closed.")).to_be_visible()
    assessment = Assessment.objects.get(child=child)
    assert assessment.status == CafStatus.CLOSED
    assert assessment.family_feedback_rating == "very_helpful"
    assert assessment.outcome_progress.filter(at_closure=True, rating="achieved").exists()
    assert Involvement.objects.get(child=child, practitioner=author).caf_status == "closed"
    assert not Involvement.objects.get(child=child, practitioner=nurse).is_lead_professional

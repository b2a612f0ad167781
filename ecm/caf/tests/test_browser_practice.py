"""Practice as the seeds describe it, in a real browser with axe-core on every page: a refusal to record
that stores nothing, a lead professional handed over by acceptance (a parent leading), and the family's copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from ecm.caf import services
from ecm.caf.choices import MemberKind
from ecm.caf.models import Checklist
from ecm.caf.tests.factories import complete_caf
from ecm.consent.models import RefusalNote
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/pa_shots")


def test_a_family_refuses_recording_and_nothing_about_the_child_stays(page, browser_sign_in) -> None:
    """A school nurse fills in the checklist, finds the child, and the mother refuses recording."""
    nurse = UserFactory(roles=[Role.PRACTITIONER], first_name="Nia", last_name="Nurse")
    child = ChildFactory(given_name="Amir", family_name="Haddad")
    browser_sign_in(page, nurse, TEST_PASSWORD)
    page.goto("/caf/checklist/")
    page.get_by_label("A name or initials").fill("A H")
    for group in page.locator("fieldset.govuk-fieldset").filter(has=page.get_by_label("Not sure")).all():
        if group.get_by_label("Not sure").count() == 1:
            group.get_by_label("Not sure").check()
    page.get_by_label("Undertake a full CAF").check()
    page.get_by_role("button", name="Save the checklist").click()
    page.get_by_label("The child's index number").fill(child.index_number)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="note the refusal in your own records").click()
    expect(page.get_by_text("its answers, its decision and the link to the child are not kept")).to_be_visible()
    page.get_by_label("Record it").check()
    page.get_by_label("Note for your own records").fill("Mother did not want anything written down today.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Nothing about the child was stored: the checklist has been removed.")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "caf-refusal.png"), full_page=True)
    assert not Checklist.objects.exists() and RefusalNote.objects.count() == 1


def test_a_parent_leads_supported_by_the_nurse_who_accepts(page, browser_sign_in, another_page) -> None:
    school = OrganisationFactory(name="Hill Primary School")
    clinic = OrganisationFactory(name="Riverside Health Centre")
    teacher = UserFactory(roles=[Role.PRACTITIONER], first_name="Ada", last_name="Teacher", organisation=school)
    nurse = UserFactory(roles=[Role.PRACTITIONER], first_name="Nia", last_name="Nurse", organisation=clinic)
    child = ChildFactory(given_name="Lily", family_name="Smith")
    caf = complete_caf(teacher, child, allowed=[clinic])
    services.team_member_add(actor=teacher, assessment=caf, kind=MemberKind.PRACTITIONER, user=nurse)
    services.team_member_add(actor=teacher, assessment=caf, kind=MemberKind.PARENT, name="Jo Smith")

    browser_sign_in(page, teacher, TEST_PASSWORD)
    page.goto(f"/caf/{caf.pk}/team/")
    page.get_by_role("link", name="Choose the lead professional").click()
    page.get_by_label("Jo Smith (Parent or carer)").check()
    page.get_by_label("Why they were chosen").fill("Jo wants to lead; the nurse knows the family well")
    page.get_by_role("button", name="Ask them to take on the role").click()
    expect(page.get_by_text("Name the practitioner in the team who supports").first).to_be_visible()
    page.get_by_label("Jo Smith (Parent or carer)").check()
    page.get_by_label("Practitioner who supports them").select_option(
        label="Nia Nurse (Practitioner, Riverside Health Centre)"
    )
    page.get_by_label("Why they were chosen").fill("Jo wants to lead; the nurse knows the family well")
    page.get_by_role("button", name="Ask them to take on the role").click()
    expect(page.get_by_text("stays until Nia Nurse accepts")).to_be_visible()

    nurse_page = another_page()
    browser_sign_in(nurse_page, nurse, TEST_PASSWORD)
    nurse_page.goto(f"/caf/{caf.pk}/team/")
    nurse_page.get_by_role("link", name="Accept or decline").click()
    expect(nurse_page.get_by_role("heading", name="Will you support Jo Smith as lead?")).to_be_visible()
    nurse_page.get_by_label("Yes, I accept").check()
    nurse_page.get_by_role("button", name="Save").click()
    expect(nurse_page.get_by_text("The family leads, supported by Nia Nurse")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    nurse_page.screenshot(path=str(SHOTS / "caf-family-lead.png"), full_page=True)
    nurse_page.close()
    lead = Involvement.objects.get(child=child, is_lead_professional=True)
    assert lead.practitioner == nurse and lead.family_lead.startswith("Jo Smith")
    # The index says the family leads.
    page.goto(f"/index/children/{child.pk}/reason/")
    page.get_by_label("A safeguarding concern").check()
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_text("Jo Smith (parent or carer) leads, supported by this practitioner")).to_be_visible()


def test_the_family_copy_in_plain_words_large_print_and_easy_read(page, browser_sign_in) -> None:
    teacher = UserFactory(roles=[Role.PRACTITIONER], first_name="Ada", last_name="Teacher", phone="0113 496 0000")
    child = ChildFactory(given_name="Zoë", family_name="Kowalczyk")
    caf = complete_caf(teacher, child)
    services.lead_professional_offer(
        actor=teacher, assessment=caf, member=caf.members.get(user=teacher), meeting=None, reason="Knows Zoë"
    )
    browser_sign_in(page, teacher, TEST_PASSWORD)
    page.goto(f"/caf/{caf.pk}/family-copy/")
    expect(
        page.get_by_role("heading", name="Your family's copy: the assessment and plan for Zoë Kowalczyk")
    ).to_be_visible()
    expect(page.get_by_text("Open: the team is working with you.")).to_be_visible()
    expect(page.get_by_text("Health: what help is needed")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "caf-family-copy.png"), full_page=True)
    page.get_by_role("link", name="Easy read page").click()
    expect(page.get_by_role("heading", name="The person who helps you")).to_be_visible()
    page.screenshot(path=str(SHOTS / "caf-family-copy-easy.png"), full_page=True)
    response = page.request.get(f"/caf/{caf.pk}/family-copy.pdf?version=large")
    assert response.ok and response.headers["content-type"] == "application/pdf"

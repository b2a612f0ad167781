"""A privacy officer works the queue in a real browser (Debian's Chromium), with axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.misuse.choices import AlertStatus
from ecm.misuse.models import Alert
from ecm.misuse.tests.factories import access

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def test_officer_escalates_an_alert(page, browser_sign_in) -> None:
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    practitioner = UserFactory(first_name="Dev", last_name="Patel", manager=UserFactory(roles=[Role.MANAGER]))
    access(practitioner, reason="test")
    browser_sign_in(page, officer, TEST_PASSWORD)

    page.get_by_role("link", name="Misuse alerts").first.click()
    expect(page.get_by_role("heading", name="Misuse alerts")).to_be_visible()

    page.get_by_role("link", name="View").first.click()
    expect(page.get_by_role("heading", name="Alert about Dev Patel")).to_be_visible()
    expect(page.get_by_text("the reason mentions")).to_be_visible()

    page.get_by_label("Escalate: suspend the account now and tell their manager").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()

    page.get_by_label("Escalate: suspend the account now and tell their manager").check()
    page.get_by_label("Note").fill("Opened a record with a test reason; manager to be told.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Alert escalated")).to_be_visible()
    alert = Alert.objects.get(user=practitioner)
    practitioner.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED and practitioner.suspended_at is not None
    expect(page.get_by_role("heading", name="Investigation")).to_be_visible()  # the next step, on the alert

    page.get_by_role("link", name="Back to misuse alerts").click()
    page.get_by_role("link", name="Staff home and family details").click()
    page.get_by_label("Name or username").fill("Patel")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Dev Patel").click()
    page.get_by_label("Home postcode").fill("ls6 2ab")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Personal details saved")).to_be_visible()


def test_escalation_without_a_manager_then_investigation_and_upload(page, browser_sign_in) -> None:
    import os

    officer = UserFactory(roles=[Role.PRIVACY_OFFICER], first_name="Pat", last_name="Officer")
    practitioner = UserFactory(first_name="Dev", last_name="Patel")
    access(practitioner, reason="test")
    browser_sign_in(page, officer, TEST_PASSWORD)
    alert = Alert.objects.get(user=practitioner)
    page.goto(f"/misuse/alerts/{alert.pk}/")
    expect(page.get_by_text("No manager is recorded for this member of staff")).to_be_visible()
    page.get_by_label("Escalate: suspend the account now").check()
    page.get_by_label("Note").fill("Opened a record with a test reason.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Pat Officer (privacy officer) told instead")).to_be_visible()
    page.get_by_role("button", name="Record the investigation").click()
    expect(page.get_by_text("Enter what the investigation found").first).to_be_visible()
    page.get_by_label("What the investigation found").fill("Training account used by mistake; no disclosure.")
    page.get_by_label("Misuse, dealt with by advice or retraining").check()
    page.get_by_role("button", name="Record the investigation").click()
    expect(page.get_by_text("The investigation is recorded.")).to_be_visible()
    if os.environ.get("ECM_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["ECM_SCREENSHOTS"], "misuse-investigation.png"), full_page=True)

    page.goto("/misuse/staff/upload/")
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": b"username,home_postcode\nnobody,XX\n"}]
    )
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("Row 2, column username: no account is called nobody")).to_be_visible()
    if os.environ.get("ECM_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["ECM_SCREENSHOTS"], "misuse-upload-errors.png"), full_page=True)

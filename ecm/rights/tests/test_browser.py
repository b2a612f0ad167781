"""A subject access request from receipt to release in a real browser, with axe-core on every page."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from ecm.accounts.tests.factories import TEST_PASSWORD
from ecm.core import clock
from ecm.rights.choices import RequestStatus
from ecm.rights.models import AccessRequest
from ecm.rights.tests.factories import HOME_SITUATION, data_manager, full_child

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_subject_access_from_receipt_to_release(page, browser_sign_in) -> None:
    world = full_child()
    child, caf = world["child"], world["caf"]
    dm = data_manager()
    today = clock.today()

    browser_sign_in(page, dm, TEST_PASSWORD)
    page.get_by_role("link", name="Subject access", exact=True).first.click()
    expect(page.get_by_role("heading", name="Subject access requests", level=1)).to_be_visible()

    # Receipt: a spoken request from a parent, logged with errors first.
    page.get_by_role("button", name="Log a subject access request").click()
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("The child's index number").fill(child.index_number)
    page.get_by_label("Name of the person asking").fill("Grace Smithson")
    page.get_by_label("A parent with parental responsibility").check()
    page.get_by_label("Where to send the reply").fill("grace@example.com")
    fill_date(page, "Date the request was received", today)
    page.get_by_label("In person or by telephone").check()
    page.get_by_label("I have checked the requester's identity").check()
    page.get_by_label("How was their identity checked?").fill("Passport seen at the front desk")
    page.get_by_role("button", name="Log the request").click()
    sar = AccessRequest.objects.get(requester_name="Grace Smithson")
    expect(page.get_by_role("heading", name=f"Subject access request {sar.reference}")).to_be_visible()
    expect(page.get_by_text(f"is logged. It is due by {sar.due_on.day} ")).to_be_visible()

    # The package: compiled, checked, one field redacted.
    page.get_by_role("button", name="Compile the package").click()
    expect(page.get_by_role("heading", name="Check the package")).to_be_visible()
    expect(page.get_by_text(HOME_SITUATION)).to_be_visible()
    expect(page.get_by_text("Checking who the school nurse is")).to_be_visible()
    # For a family: purposes, retention and the right to complain; people by name; actions in words, grouped.
    expect(page.get_by_text("Information Commissioner", exact=False).first).to_be_visible()
    expect(page.get_by_text("Opened the child index record").first).to_be_visible()
    assert "index.record_view" not in page.content()
    from pathlib import Path

    Path("/tmp/pa_shots").mkdir(exist_ok=True)
    page.screenshot(path="/tmp/pa_shots/rights-package.png", full_page=True)
    path = f"caf/{caf.pk}/versions/{caf.version}/home_situation"
    page.locator(f'a[href$="?path={path}"]').click()
    expect(page.get_by_role("heading", name="Redact: CAF version")).to_be_visible()
    page.get_by_label("Information about another person").check()
    page.get_by_label("Explain the redaction for the file").fill("The mother's partner's caution is his data")
    page.get_by_role("button", name="Redact").click()
    expect(page.get_by_text("Redacted: CAF version")).to_be_visible()

    released = page.request.get(f"/rights/requests/{sar.pk}/package.json")
    assert released.ok
    body = released.text()
    assert "Zebedee" not in body and "[Redacted: Information about another person]" in body
    assert any(s["key"] == "access_log" for s in json.loads(body)["sections"])
    pdf = page.request.get(f"/rights/requests/{sar.pk}/package.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # Release.
    page.get_by_role("link", name="Back to the request").click()
    page.get_by_role("link", name="Release the package").click()
    expect(page.get_by_role("heading", name="Release the package")).to_be_visible()
    page.get_by_role("button", name="Release the package").click()
    expect(page.get_by_text(f"Request {sar.reference} is released")).to_be_visible()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    sar.refresh_from_db()
    assert sar.status == RequestStatus.RELEASED

    page.get_by_role("link", name="Back to subject access requests").click()
    expect(page.get_by_role("link", name=sar.reference)).to_be_visible()


def test_consent_register_and_withdrawal(page, browser_sign_in) -> None:
    world = full_child()
    author, child = world["author"], world["child"]
    browser_sign_in(page, author, TEST_PASSWORD)
    page.goto(f"/caf/{world['caf'].pk}/")
    page.get_by_role("link", name="The child's consent register").click()
    expect(page.get_by_role("heading", name="Consent register")).to_be_visible()
    expect(page.get_by_text("Standing")).to_be_visible()
    page.get_by_role("link", name="Withdraw").first.click()
    page.get_by_role("button", name="Withdraw consent").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("How and why was consent withdrawn?").fill("Mother phoned to withdraw consent")
    page.get_by_role("button", name="Withdraw consent").click()
    expect(page.get_by_text("Consent is withdrawn.")).to_be_visible()
    expect(page.get_by_text("Mother phoned to withdraw consent")).to_be_visible()
    assert not child.consents.filter(withdrawn_at__isnull=True).exists()


def test_a_parent_finds_how_to_see_correct_or_remove_their_data(page) -> None:
    """A parent, not signed in, follows the footer link from the public directory."""
    page.goto("/directory/families/")
    page.get_by_role("link", name="Your information: see, correct or remove it").click()
    expect(page.get_by_role("heading", name="Your information: see it, correct it or have it removed")).to_be_visible()
    expect(page.get_by_role("heading", name="If you are a child or young person")).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    from pathlib import Path

    Path("/tmp/pa_shots").mkdir(exist_ok=True)
    page.screenshot(path="/tmp/pa_shots/your-data-320.png", full_page=True)

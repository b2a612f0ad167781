"""A referral in a real browser, from the practitioner's search to the provider's acceptance, axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ecm.accounts.tests.factories import TEST_PASSWORD
from ecm.consent.tests.factories import give_consent
from ecm.notifications.models import Notification
from ecm.referrals.choices import ReferralStatus
from ecm.referrals.models import Referral

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def test_practitioner_refers_and_the_provider_accepts(
    page: Any, browser_sign_in: Any, another_page: Any, world: Any
) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    born = world.child.date_of_birth
    browser_sign_in(page, world.referrer, TEST_PASSWORD)

    # Find the child and open the record with a reason.
    page.get_by_role("link", name="Find a child").first.click()
    page.get_by_label("Family name").fill("Ashworth")
    group = page.get_by_role("group", name="Date of birth")
    group.get_by_label("Day").fill(str(born.day))
    group.get_by_label("Month").fill(str(born.month))
    group.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name="Lily Ashworth").click()
    page.get_by_label("To find other practitioners working with the child").check()
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Referrals to services")).to_be_visible()

    # Choose the service and send the referral.
    page.get_by_role("button", name="Refer to a service").click()
    expect(page.get_by_role("heading", name="Which service are you referring to?")).to_be_visible()
    page.get_by_label("Service or organisation name").fill("parenting")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Parenting course")).to_be_visible()
    page.get_by_role("link", name="Parenting course").click()
    expect(page.get_by_role("heading", name="Refer to Parenting course")).to_be_visible()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("What do the child and family need from this service?").fill("Help with morning routines")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("Referral sent to Parenting course")).to_be_visible()
    expect(page.get_by_text("Waiting for the service")).to_be_visible()

    # The provider's practitioner signs in elsewhere, sees it waiting and accepts it.
    provider_page = another_page()
    browser_sign_in(provider_page, world.receiver, TEST_PASSWORD)
    expect(provider_page.get_by_text("waiting for an answer")).to_be_visible()
    provider_page.get_by_role("link", name="Go to referrals").click()
    expect(provider_page.get_by_role("heading", name="Referrals to your organisation (1)")).to_be_visible()
    provider_page.get_by_role("link", name="Parenting course").click()
    expect(provider_page.get_by_text("Help with morning routines")).to_be_visible()
    provider_page.get_by_label("Accept the referral").check()
    provider_page.get_by_label("Reason or note for the referrer").fill("First session on Monday at 10am")
    provider_page.get_by_role("button", name="Send your answer").click()
    expect(provider_page.get_by_text("You accepted the referral")).to_be_visible()
    provider_page.close()

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.ACCEPTED and referral.decided_by == world.receiver
    assert Notification.objects.filter(recipient=world.referrer, subject__contains="was accepted").exists()
    # The referrer sees the answer.
    page.goto(f"/referrals/{referral.pk}/")
    expect(page.get_by_text("First session on Monday at 10am")).to_be_visible()

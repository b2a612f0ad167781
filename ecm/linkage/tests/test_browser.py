"""A data manager decides a clerical review pair in a real browser, with axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.core.actors import SYSTEM_FEED, SYSTEM_MATCHER
from ecm.linkage.choices import ReviewStatus
from ecm.linkage.models import FeedSource, ReviewItem, StagedRecord
from ecm.linkage.services import feed_import, records_to_new_child, review_items_create
from ecm.linkage.tests.feedfiles import row, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_a_pair_and_link_it(page, browser_sign_in, tmp_path) -> None:
    path = write_csv(
        tmp_path / "local.csv",
        [
            row(
                source_record_id="L1",
                given_name="Jessica",
                family_name="Moss",
                date_of_birth="2018-07-09",
                postcode="HX1 2AB",
                address_line_1="4 Park Avenue",
            ),
            row(source_record_id="L2", given_name="Jess", family_name="Moss", date_of_birth="2018-09-07"),
        ],
    )
    feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name="local_systems"), path=path)
    first, second = StagedRecord.objects.select_related("source", "delivery").order_by("line_number")
    records_to_new_child(actor=SYSTEM_MATCHER, records=[first], scores={}, model_version="v1")
    scored = {"match_weight": 2.5, "match_probability": 0.85}
    review_items_create(actor=SYSTEM_MATCHER, items=[(second.pk, first.pk, scored)], model_version="v1")
    browser_sign_in(page, UserFactory(roles=[Role.DATA_MANAGER]), TEST_PASSWORD)

    page.goto("/linkage/")
    expect(page.get_by_role("heading", name="Record linkage")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Clerical review: 1 pair waiting").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Jess Moss and Jessica Moss").click()
    expect(page.get_by_role("heading", name="Are these the same child?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Link: the same child").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("No pairs are waiting for review")).to_be_visible()
    assert ReviewItem.objects.get().status == ReviewStatus.LINKED

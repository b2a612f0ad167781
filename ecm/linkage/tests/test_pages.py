"""The data manager's pages: feeds and quarantine, clerical review decisions, sources, merge and unmerge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_FEED, SYSTEM_MATCHER
from ecm.index.models import Child
from ecm.index.tests.factories import ChildFactory
from ecm.linkage.choices import LinkMethod, ReviewStatus
from ecm.linkage.models import FeedSource, MergeRecord, ReviewItem, StagedRecord
from ecm.linkage.selectors import model_check
from ecm.linkage.services import feed_import, records_to_new_child, review_items_create
from ecm.linkage.tests.feedfiles import row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(user_client):
    return user_client(UserFactory(roles=[Role.DATA_MANAGER]))


@pytest.fixture
def pair_in_review(tmp_path):
    """Two staged records: the first already a child, the second waiting for review against it."""
    path = write_csv(
        tmp_path / "f.csv",
        [
            row(
                source_record_id="B1",
                given_name="Jessica",
                family_name="Moss",
                date_of_birth="2018-07-09",
                postcode="HX1 2AB",
                address_line_1="4 Park Avenue",
            ),
            row(source_record_id="B2", given_name="Jess", family_name="Moss", date_of_birth="2018-09-07"),
        ],
    )
    feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name="local_systems"), path=path)
    first, second = StagedRecord.objects.select_related("source", "delivery").order_by("line_number")
    records_to_new_child(actor=SYSTEM_MATCHER, records=[first], scores={}, model_version="v1")
    pair = {"match_weight": 2.5, "match_probability": 0.85, "gamma_given_name": 2, "gamma_date_of_birth": 2}
    review_items_create(actor=SYSTEM_MATCHER, items=[(second.pk, first.pk, pair)], model_version="v1")
    return ReviewItem.objects.get()


@pytest.mark.parametrize("name", ["home", "review_queue", "merge"])
def test_only_data_managers_reach_the_pages(user_client, manager, name):
    practitioner = user_client(UserFactory(roles=[Role.PRACTITIONER]))
    assert practitioner.get(reverse(f"linkage:{name}")).status_code == 404
    assert manager.get(reverse(f"linkage:{name}")).status_code == 200


def test_feed_page_lists_deliveries_and_quarantine(manager, tmp_path):
    path = write_csv(
        tmp_path / "census.csv",
        [
            row(source_record_id="A1", family_name="Lee", date_of_birth="2015-02-30"),
            row(source_record_id="A2", family_name="Lee", postcode="LS1 4AP", nhs_number="1234567890"),
        ],
    )
    delivery, _ = feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name="school_census"), path=path)
    home = manager.get(reverse("linkage:home")).content.decode()
    assert "census.csv" in home and "School census" in home
    page = manager.get(reverse("linkage:delivery", args=[delivery.pk])).content.decode()
    assert "Impossible date of birth" in page and "fails its check digit" in page
    assert manager.get(reverse("linkage:delivery", args=[999999])).status_code == 404


def test_review_shows_the_pair_side_by_side_and_links(manager, pair_in_review):
    item = pair_in_review
    url = reverse("linkage:review_item", args=[item.pk])
    page = manager.get(url).content.decode()
    assert "Jessica" in page and "Jess" in page and "Agree" in page and "Differ" in page
    assert AuditEvent.objects.filter(action="linkage.review_item_viewed").exists()
    response = manager.post(url, {"decision": "link", "note": "Nickname, date swapped"})
    assert response.status_code == 302
    item.refresh_from_db()
    record = StagedRecord.objects.get(pk=item.record_id)
    assert item.status == ReviewStatus.LINKED and record.link_method == LinkMethod.CLERICAL
    assert record.child_id == StagedRecord.objects.get(pk=item.candidate_id).child_id
    assert record.match_probability == 0.85 and record.model_version == "v1"
    event = AuditEvent.objects.get(action="linkage.review_decided")
    assert event.data["decision"] == "link" and event.reason == "Nickname, date swapped"
    assert model_check()["v1"]["links"] == 1
    assert "No pairs are waiting" in manager.get(reverse("linkage:review_queue")).content.decode()


def test_not_a_match_makes_a_new_child_and_defer_needs_a_note(manager, pair_in_review):
    item = pair_in_review
    url = reverse("linkage:review_item", args=[item.pk])
    response = manager.post(url, {"decision": "defer", "note": ""})
    assert response.status_code == 200 and "Say why you are deferring" in response.content.decode()
    manager.post(url, {"decision": "defer", "note": "Ask the school"})
    item.refresh_from_db()
    assert item.status == ReviewStatus.DEFERRED
    assert "Deferred" in manager.get(reverse("linkage:review_queue")).content.decode()
    manager.post(url, {"decision": "not_a_match", "note": "Different children"})
    item.refresh_from_db()
    assert item.status == ReviewStatus.NOT_A_MATCH
    assert Child.objects.count() == 2
    assert model_check()["v1"]["not_a_match"] == 1


def test_merge_and_unmerge_pages(manager):
    keep, duplicate = ChildFactory(given_name="Ann"), ChildFactory(given_name="Annie")
    response = manager.post(
        reverse("linkage:merge"),
        {"survivor": keep.formatted_index_number, "duplicate": duplicate.index_number, "reason": "Same child"},
    )
    assert response.status_code == 302
    merge = MergeRecord.objects.get()
    sources = manager.get(reverse("linkage:child_sources", args=[keep.pk])).content.decode()
    assert "Annie" in sources and "Unmerge" in sources
    manager.post(reverse("linkage:unmerge", args=[merge.pk]), {"reason": "Different children"})
    assert Child.objects.get(pk=duplicate.pk).merged_into_id is None
    bad = manager.post(reverse("linkage:merge"), {"survivor": "0000", "duplicate": "1111", "reason": "x"})
    assert "There is no live record" in bad.content.decode()


def test_views_and_forms_never_touch_the_orm_directly():
    root = Path(__file__).resolve().parent.parent
    for name in ("views.py", "forms.py", *[f"api/{p.name}" for p in (root / "api").glob("*.py")]):
        text = (root / name).read_text()
        assert not re.search(r"\.objects\.|\.save\(|\.delete\(", text), name


def test_review_hides_whereabouts_when_the_candidate_is_shielded(manager, pair_in_review):
    from ecm.index.services import child_shield_set

    candidate = StagedRecord.objects.get(pk=pair_in_review.candidate_id)
    child_shield_set(actor=SYSTEM_MATCHER, child=candidate.child, reason="Adoption")
    page = manager.get(reverse("linkage:review_item", args=[pair_in_review.pk])).content.decode()
    assert "HX12AB" not in page and "4 Park Avenue" not in page and "Shielded" in page

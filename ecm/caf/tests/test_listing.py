"""The practitioner's CAF list (/caf/): the child's name, filters in a GET form, pages, a "no results" message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import listing, services
from ecm.caf.choices import MemberKind
from ecm.caf.tests.factories import complete_caf, start_caf
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cafs(django_capture_on_commit_callbacks):
    author = UserFactory(first_name="Ada", last_name="Author")
    nurse = UserFactory(first_name="Nia", last_name="Nurse")
    stranger = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        clock.freeze(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC))
        lily = complete_caf(author, ChildFactory(given_name="Lily", family_name="Smith"), allowed=[nurse.organisation])
        services.team_member_add(actor=author, assessment=lily, kind=MemberKind.PRACTITIONER, user=nurse)
        services.lead_professional_appoint(
            actor=author, assessment=lily, member=lily.members.get(user=author), meeting=None, reason="Sees her daily"
        )
        clock.freeze(dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC))
        oscar = start_caf(author, ChildFactory(given_name="Oscar", family_name="Jones"))
        ruby = complete_caf(author, ChildFactory(given_name="Ruby", family_name="Brown"))
        services.assessment_close(actor=author, assessment=ruby, reason="needs_met", notes="Going well")
        theirs = start_caf(stranger, ChildFactory(given_name="Tariq", family_name="Stone"))
    return {"author": author, "nurse": nurse, "lily": lily, "oscar": oscar, "ruby": ruby, "theirs": theirs}


def listed(client, **params) -> str:
    """The visible text of the "Your CAFs" tab (the other tabs name children too)."""
    response = client.get(reverse("caf:home"), params)
    assert response.status_code == 200
    html = response.content.decode()
    response.content = html[html.index('id="open-cafs"') : html.index('id="overdue"')].encode()
    return page_text(response)


def test_open_cafs_by_default_with_the_childs_name_status_and_lead(cafs, user_client) -> None:
    text = listed(user_client(cafs["author"]))
    assert "Lily Smith" in text and "Oscar Jones" in text
    assert "Ruby Brown" not in text and "Tariq Stone" not in text
    assert cafs["lily"].reference in text
    assert "Completed Ada Author 2 March 2026" in text  # status, lead professional, started
    assert "2 CAFs: open CAFs you wrote, lead or are in the team of" in text


def test_filters_by_name_reference_status_part_and_dates(cafs, user_client) -> None:
    client = user_client(cafs["author"])
    text = listed(client, name="smi")
    assert "Lily Smith" in text and "Oscar Jones" not in text
    assert "1 CAF matching name or reference “smi”" in text
    text = listed(client, name=cafs["oscar"].reference)
    assert "Oscar Jones" in text and "Lily Smith" not in text
    text = listed(client, status="closed")
    assert "Ruby Brown" in text and "Lily Smith" not in text
    text = listed(client, status="any", part="lead")
    assert "Lily Smith" in text and "Oscar Jones" not in text and "Ruby Brown" not in text
    text = listed(client, status="any", started_from_0="1", started_from_1="4", started_from_2="2026")
    assert "Oscar Jones" in text and "Ruby Brown" in text and "Lily Smith" not in text
    text = listed(client, started_to_0="31", started_to_1="3", started_to_2="2026")
    assert "Lily Smith" in text and "Oscar Jones" not in text
    # The nurse sees the CAF whose team she is in, and no other.
    text = listed(user_client(cafs["nurse"]), part="team")
    assert "Lily Smith" in text and "Oscar Jones" not in text
    assert "Team member" in text


def test_no_results_and_a_wrong_date_range_are_said_plainly(cafs, user_client) -> None:
    client = user_client(cafs["author"])
    text = listed(client, name="Nobody")
    assert "No CAFs match these filters" in text and "Clear filters" in text
    response = client.get(
        reverse("caf:home"),
        {"started_from_0": "1", "started_from_1": "6", "started_from_2": "2026",
         "started_to_0": "1", "started_to_1": "1", "started_to_2": "2026"},
    )  # fmt: skip
    text = page_text(response)
    assert "There is a problem" in text
    assert "Started on or before must be the same as or after Started on or after" in text
    feb_31 = {"started_from_0": "31", "started_from_1": "2", "started_from_2": "2026"}
    text = page_text(client.get(reverse("caf:home"), feb_31))
    assert "Started on or after must be a real date" in text


def test_pages_keep_the_filters_and_the_read_is_audited_without_the_name_typed(cafs, user_client, monkeypatch) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    client = user_client(cafs["author"])
    response = client.get(reverse("caf:home"), {"status": "any", "part": "author"})
    assert "Page 1 of 3" in page_text(response)
    assert "?status=any&amp;part=author&amp;page=2#open-cafs" in response.content.decode()
    text = listed(client, status="any", part="author", page=3)  # the oldest last
    assert "Lily Smith" in text and "Oscar Jones" not in text
    listed(client, name="Smith", status="any")
    event = AuditEvent.objects.filter(action="caf.list_viewed").latest("sequence")
    assert event.data["filters"] == ["name", "status"]
    assert event.data["references"] == [cafs["lily"].reference]
    assert "Smith" not in str(event.data) and "Lily" not in str(event.data)

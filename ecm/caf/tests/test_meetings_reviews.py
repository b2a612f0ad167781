"""TAC meetings planned ahead with invitations, minuted on the day; reviews that record progress per action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services
from ecm.caf.choices import MemberKind, Progress
from ecm.caf.models import ActionReview, Meeting
from ecm.caf.services import CafError
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(django_capture_on_commit_callbacks):
    author, nurse, outsider = UserFactory(), UserFactory(first_name="Nia", last_name="Nurse"), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        a = complete_caf(author, ChildFactory(), allowed=[nurse.organisation])
        nurse_member = services.team_member_add(actor=author, assessment=a, kind=MemberKind.PRACTITIONER, user=nurse)
        mum = services.team_member_add(actor=author, assessment=a, kind=MemberKind.PARENT, name="Jo Smith")
    return {"author": author, "nurse": nurse, "outsider": outsider, "a": a, "nurse_member": nurse_member, "mum": mum}


def test_a_meeting_planned_ahead_invites_the_team_and_is_minuted_on_its_day(
    team, user_client, django_capture_on_commit_callbacks
):
    a, author = team["a"], team["author"]
    client = user_client(author)
    day = clock.today() + dt.timedelta(days=7)
    url = reverse("caf:meeting_schedule", args=[a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "held_on_0": day.day,
                "held_on_1": day.month,
                "held_on_2": day.year,
                "starts_at": "2:30pm",
                "place": "Hill Primary School, room 2",
                "invitees": [str(team["nurse_member"].pk), str(team["mum"].pk)],
            },
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get(assessment=a)
    assert meeting.is_planned and meeting.starts_at == dt.time(14, 30) and meeting.held_on == day
    invitation = Notification.objects.get(recipient=team["nurse"], subject__startswith="Invitation")
    assert f"{day:%-d %B %Y} at 2:30pm" in invitation.subject
    assert not Notification.objects.filter(recipient=team["outsider"], subject__startswith="Invitation").exists()
    assert AuditEvent.objects.filter(action="caf.meeting_scheduled").exists()

    team_page = page_text(client.get(reverse("caf:team", args=[a.pk])))
    assert "Planned" in team_page and "Hill Primary School, room 2" in team_page
    minute_url = reverse("caf:meeting_minute", args=[a.pk, meeting.pk])
    assert "Record who came" not in team_page  # not before its day
    with pytest.raises(CafError, match="on its day"):
        services.meeting_minute(actor=author, meeting=meeting, attendees=[team["mum"]], notes="Too early")

    clock.freeze(clock.now() + dt.timedelta(days=7))
    client = user_client(author)  # a week later: a new session
    assert "Record who came" in page_text(client.get(reverse("caf:team", args=[a.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(minute_url, {"attendees": [str(team["mum"].pk)], "notes": "Mornings plan agreed"})
    meeting.refresh_from_db()
    assert not meeting.is_planned and meeting.notes == "Mornings plan agreed"
    assert list(meeting.attendees.all()) == [team["mum"]]
    assert Notification.objects.filter(recipient=team["nurse"], subject__startswith="Notes of the TAC").exists()
    assert client.get(minute_url).status_code == 404  # minuted once


def test_a_meeting_cannot_be_planned_in_the_past_or_without_a_place(team):
    a = team["a"]
    with pytest.raises(CafError, match="today or later"):
        services.meeting_schedule(
            actor=team["author"],
            assessment=a,
            held_on=clock.today() - dt.timedelta(days=1),
            starts_at=None,
            place="School",
            invitees=[team["mum"]],
        )
    with pytest.raises(CafError, match="where"):
        services.meeting_schedule(
            actor=team["author"], assessment=a, held_on=clock.today(), starts_at=None, place=" ", invitees=[team["mum"]]
        )
    assert not Meeting.objects.filter(assessment=a).exists()


def test_a_review_records_progress_on_each_action(team, user_client):
    a, author = team["a"], team["author"]
    first = services.action_add(
        actor=author,
        assessment=a,
        what="Health check with the school nurse",
        responsible=team["nurse_member"],
        due_on=clock.today() + dt.timedelta(days=10),
        outcome_wanted="Headaches explained",
        outcome="be_healthy",
    )
    second = services.action_add(
        actor=author,
        assessment=a,
        what="Morning routine chart",
        responsible=team["mum"],
        due_on=clock.today() + dt.timedelta(days=20),
        outcome_wanted="On time for school",
        outcome="enjoy_achieve",
    )
    client = user_client(author)
    url = reverse("caf:review_add", args=[a.pk])
    form = page_text(client.get(url))
    assert "Action 1: Health check with the school nurse" in form and "Action 2: Morning routine chart" in form
    today = clock.today()
    base = {"held_on_0": today.day, "held_on_1": today.month, "held_on_2": today.year, "present": "Mum, nurse"}
    for code in services.plan_outcomes(a):
        base[f"outcome_{code}"] = "some_progress"
    nothing = client.post(url, base)
    assert "Enter the progress on at least one action" in page_text(nothing)
    moved_silently = client.post(url, {**base, "action_1": "achieved", "action_1_note": "Seen", "action_2": "achieved"})
    assert "Enter what happened on: Morning routine chart" in page_text(moved_silently)
    assert not ActionReview.objects.exists()
    client.post(
        url,
        {
            **base,
            "action_1": "achieved",
            "action_1_note": "Seen, all fine",
            "action_2": "some_progress",
            "action_2_note": "Chart up, two late days",
        },
    )
    review = a.reviews.get()
    assert {(r.action_id, r.progress) for r in review.action_progress.all()} == {
        (first.pk, Progress.ACHIEVED),
        (second.pk, Progress.SOME_PROGRESS),
    }
    second.refresh_from_db()
    assert second.progress == Progress.SOME_PROGRESS and second.comments == "Chart up, two late days"
    reviews_page = page_text(client.get(reverse("caf:reviews", args=[a.pk])))
    assert "Morning routine chart Some progress: Chart up, two late days" in reviews_page

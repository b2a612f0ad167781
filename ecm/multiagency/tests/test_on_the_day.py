"""Panels on the day: a meeting called for today (off the schedule) is minuted the same day; extra meetings."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from ecm.caf import services as caf_services
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.multiagency.models import PanelMeeting
from ecm.multiagency.tests.factories import panel_world, refer

pytestmark = pytest.mark.django_db


def test_a_meeting_called_for_today_is_minuted_and_finalised_today(user_client) -> None:
    today = clock.today()
    # The schedule says a weekday that is not today: today is not a scheduled day.
    world = panel_world(weekday=(today.weekday() + 2) % 5, schedule_starts_on=today - dt.timedelta(weeks=8))
    assessment = complete_caf(world.referrer, world.child, allowed=world.agencies)
    own = assessment.members.get(user=world.referrer)
    caf_services.lead_professional_offer(
        actor=world.referrer, assessment=assessment, member=own, meeting=None, reason="Knows the family"
    )
    referral = refer(world)
    client = user_client(world.admin)
    panel_page = client.get(reverse("multiagency:panel", args=[world.panel.pk])).content.decode()
    assert f"Call a meeting for today, {today:%-d %B %Y}" in panel_page
    response = client.post(reverse("multiagency:meeting_plan", args=[world.panel.pk]), {"held_on": today.isoformat()})
    meeting = PanelMeeting.objects.get(panel=world.panel, held_on=today)
    assert response.url == reverse("multiagency:meeting", args=[meeting.pk])
    client.post(reverse("multiagency:agenda_build", args=[meeting.pk]))
    item = meeting.items.get()
    client.post(
        reverse("multiagency:attendance", args=[meeting.pk]),
        {"attendees": [str(world.admin.pk), str(world.chair.pk)]},
    )
    assert meeting.attendees.count() == 2
    client.post(
        reverse("multiagency:outcome", args=[meeting.pk, item.pk]),
        {"discussion": "Seen today: attendance improving", "outcome": "continue"},
    )
    item.refresh_from_db()
    assert item.outcome == "continue"
    client.post(reverse("multiagency:finalise", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.is_finalised
    # The case shows the child's lead professional from the CAF (through the index), not "none allocated".
    case = client.get(reverse("multiagency:case", args=[referral.pk])).content.decode()
    assert "Rita Referrer" in case and "lead professional across all services" in case
    lead_row = re.search(r"Lead professional</dt><dd[^>]*>(.*?)</dd>", case, re.S)
    assert lead_row and "Rita Referrer" in lead_row.group(1) and "None allocated" not in lead_row.group(1)


def test_an_extra_meeting_can_be_called_on_any_day(user_client) -> None:
    world = panel_world()
    client = user_client(world.admin)
    extra = clock.today() + dt.timedelta(days=3)
    url = reverse("multiagency:meeting_plan", args=[world.panel.pk])
    response = client.post(url, {"held_on_0": "31", "held_on_1": "2", "held_on_2": "2027"})
    assert response.status_code == 302 and not PanelMeeting.objects.exists()
    client.post(url, {"held_on_0": str(extra.day), "held_on_1": str(extra.month), "held_on_2": str(extra.year)})
    assert PanelMeeting.objects.filter(panel=world.panel, held_on=extra).exists()
    assert user_client(world.member).post(url, {"held_on": clock.today().isoformat()}).status_code == 404

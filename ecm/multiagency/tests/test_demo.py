"""The demo panel and team load once, through the services, with or without a demo CAF."""

from __future__ import annotations

import pytest

from ecm.accounts.demo import seed_accounts_demo
from ecm.audit.models import AuditEvent
from ecm.caf.demo import seed_caf_demo
from ecm.core import clock
from ecm.core.actors import SYSTEM_SEED
from ecm.index.tests.factories import ChildFactory
from ecm.multiagency.choices import MeetingStatus, ReferralStatus
from ecm.multiagency.demo import seed_multiagency_demo
from ecm.multiagency.models import Panel, PanelAction, PanelReferral, Secondment

pytestmark = pytest.mark.django_db


def test_seed_multiagency_demo_is_idempotent() -> None:
    assert seed_multiagency_demo(actor=SYSTEM_SEED).startswith("skipped")
    seed_accounts_demo()
    for _ in range(6):
        ChildFactory()
    seed_caf_demo(actor=SYSTEM_SEED)
    before = clock.now()
    summary = seed_multiagency_demo(actor=SYSTEM_SEED)
    assert "2 meetings held" in summary
    assert abs((clock.now() - before).total_seconds()) < 60  # the clock is put back
    assert seed_multiagency_demo(actor=SYSTEM_SEED) == "already loaded"
    panel = Panel.objects.get()
    held = panel.meetings.filter(status=MeetingStatus.FINALISED)
    assert held.count() == 2 and all(m.held_on < clock.today() for m in held)
    upcoming = panel.meetings.get(status=MeetingStatus.PLANNED)
    assert upcoming.held_on >= clock.today() and upcoming.items.count() == 3
    assert PanelReferral.objects.filter(status=ReferralStatus.CLOSED).count() == 1
    assert PanelAction.objects.count() >= 3
    assert Secondment.objects.count() == 2
    actions = set(AuditEvent.objects.filter(action__startswith="multiagency.").values_list("action", flat=True))
    for written in (
        "panel_created",
        "panel_member_added",
        "referral_made",
        "meeting_planned",
        "agenda_built",
        "attendance_recorded",
        "action_added",
        "outcome_recorded",
        "meeting_finalised",
        "team_created",
        "secondment_started",
        "demo_seeded",
    ):
        assert f"multiagency.{written}" in actions, written

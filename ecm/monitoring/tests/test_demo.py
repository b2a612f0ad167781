"""The demo year of CAF activity: written through the CAF services, idempotent, and every table shows something."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ecm.accounts.models import LocalAuthority
from ecm.audit.selectors import audit_chain_verify
from ecm.caf.models import Assessment, OutcomeProgress, Review
from ecm.monitoring.demo import seed_monitoring_demo
from ecm.monitoring.models import MonthlyCount
from ecm.monitoring.selectors import default_period
from ecm.monitoring.tables import Filters, dashboard_tables

pytestmark = pytest.mark.django_db


def test_demo_activity_fills_every_table_and_loads_once():
    call_command("seed_demo", stdout=StringIO())
    cafs = Assessment.objects.count()
    assert cafs > 100 and Review.objects.exists() and OutcomeProgress.objects.filter(at_closure=True).exists()
    area = LocalAuthority.objects.get(code="E08000035")
    assert MonthlyCount.objects.filter(area=area).exists()
    start, end = default_period()
    for table in dashboard_tables(Filters(area=area, start=start, end=end)):
        shown = [c for row in table.protected.cells for c in row if c.kind != "exact" or c.shown]
        assert shown, table.key
    from ecm.core.actors import SYSTEM_SEED

    assert seed_monitoring_demo(actor=SYSTEM_SEED) == "already loaded"
    assert Assessment.objects.count() == cafs
    assert audit_chain_verify().ok

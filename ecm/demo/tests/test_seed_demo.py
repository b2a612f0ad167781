"""The demo area is complete and loading it twice changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from ecm.accounts.access import child_data_gaps
from ecm.accounts.choices import Role
from ecm.accounts.models import Organisation, User
from ecm.audit.selectors import audit_chain_verify

pytestmark = pytest.mark.django_db


def test_seed_demo_is_complete_and_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "demo-password-ecm-2026" in text and "TOTP secret" in text
    counts = (User.objects.count(), Organisation.objects.count())
    assert Organisation.objects.values("organisation_type").distinct().count() >= 8
    assert counts[1] >= 8
    for role in Role.values:
        assert User.objects.filter(role_assignments__role=role).exists(), role
    expired = User.objects.get(username="expired")
    assert any("expired" in gap for gap in child_data_gaps(expired))
    assert child_data_gaps(User.objects.get(username="practitioner")) == []
    call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Organisation.objects.count()) == counts
    assert audit_chain_verify().ok
    assert expired.vetting_expires_on < dt.date.today() + dt.timedelta(days=1)


def test_demo_totp_prints_the_current_code():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_totp", "practitioner", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

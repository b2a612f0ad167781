"""Demo data a practitioner would believe: ages fit schools and services, names stay with their child,
and the README lists every demo account the seed makes."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ecm.accounts.choices import OrganisationType
from ecm.accounts.demo import DEMO_USERS
from ecm.audit.models import AuditEvent
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.index.demo import _age, _is_primary
from ecm.index.models import Child, Involvement
from ecm.referrals.models import Referral

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[3] / "README.md"


def test_ages_fit_schools_and_services():
    call_command("seed_demo", stdout=StringIO())
    today = clock.today()
    for child in Child.objects.filter(school__isnull=False, date_of_birth__isnull=False).select_related("school"):
        age = _age(child.date_of_birth, today)
        if _is_primary(child.school):
            assert 4 <= age <= 10, (child.school.name, age)
        else:
            assert 11 <= age <= 16, (child.school.name, age)
    for involvement in Involvement.objects.select_related("child", "organisation"):
        born = involvement.child.date_of_birth
        if born is None:
            continue
        age = _age(born, today)
        kind = involvement.organisation.organisation_type
        if kind == OrganisationType.SCHOOL:
            assert involvement.child.school_id == involvement.organisation_id, (involvement.service, age)
        if involvement.service == "Health visiting":
            assert age < 5
        if kind == OrganisationType.YOUTH_OFFENDING_TEAM:
            assert age >= 10, (involvement.service, involvement.created_by_label, age)
    reference = AuditEvent.objects.get(action="caf.demo_seeded").data["reference"]
    caf = Assessment.objects.select_related("child").get(reference=reference)
    child = caf.child
    assert child.school is not None and _is_primary(child.school) and _age(child.date_of_birth, today) == 4
    names = set(Child.objects.exclude(pk=child.pk).values_list("given_name", flat=True)) - {child.given_name}
    for referral in Referral.objects.filter(child=child):
        assert child.given_name in referral.reason
        assert not any(f"{name}'s" in referral.reason for name in names)
    assert "Lily" not in " ".join(caf.versions.last().data.values()) or child.given_name == "Lily"


def test_readme_lists_every_demo_account_with_what_it_is_for():
    text = README.read_text()
    for user in DEMO_USERS:
        assert f"`{user.username}`" in text, user.username

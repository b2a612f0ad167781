"""Pages and commands that record a child's death and a young person's consent to stay to 25."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.index.choices import ChildStatus
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
BORN = dt.date(2008, 5, 10)


@pytest.fixture(autouse=True)
def today():
    clock.freeze(timezone.make_aware(dt.datetime(2026, 1, 15, 10, 0)))


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.mark.parametrize("role", [Role.INDEX_ADMIN, Role.DATA_MANAGER])
def test_death_page_records_the_death(role, user_client) -> None:
    child = ChildFactory(date_of_birth=BORN)
    client = user_client(UserFactory(roles=[role]))
    url = reverse("index:death", args=[child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**_date("date_of_death", dt.date(2026, 1, 3))})
    assert "Confirm you have checked the death" in page_text(response)
    response = client.post(url, {**_date("date_of_death", dt.date(2026, 2, 3)), "confirm": "on"})
    assert "cannot be in the future" in page_text(response)
    child.refresh_from_db()
    assert child.status == ChildStatus.ACTIVE
    response = client.post(url, {**_date("date_of_death", dt.date(2026, 1, 3)), "confirm": "on"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.status == ChildStatus.DECEASED and child.date_of_death == dt.date(2026, 1, 3)
    assert AuditEvent.objects.filter(action="index.child_deceased", object_id=str(child.pk)).exists()


def test_consent_page_keeps_the_record_to_25_at_most(user_client) -> None:
    child = ChildFactory(date_of_birth=BORN)
    client = user_client(UserFactory(roles=[Role.DATA_MANAGER]))
    url = reverse("index:retention_consent", args=[child.pk])
    assert "archived on 10 May 2026" in page_text(client.get(url))
    response = client.post(url, {**_date("until", dt.date(2033, 5, 11)), "note": "Care leaver, pathway review"})
    assert "until the 25th birthday" in page_text(response)
    response = client.post(url, {**_date("until", dt.date(2030, 1, 31)), "note": "Care leaver, pathway review"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.retention_consent_until == dt.date(2030, 1, 31)
    event = AuditEvent.objects.get(action="index.retention_consent_recorded", object_id=str(child.pk))
    assert event.data["until"] == "2030-01-31"


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER])
def test_other_roles_get_404(role, user_client) -> None:
    child = ChildFactory(date_of_birth=BORN)
    client = user_client(UserFactory(roles=[role]))
    for name in ("index:death", "index:retention_consent"):
        assert client.get(reverse(name, args=[child.pk])).status_code == 404
        assert client.post(reverse(name, args=[child.pk]), {}).status_code == 404


def test_commands_record_death_and_consent() -> None:
    child = ChildFactory(date_of_birth=BORN)
    other = ChildFactory(date_of_birth=BORN)
    out = StringIO()
    call_command("record_retention_consent", index_number=other.index_number, until="2031-12-31", note="YP agreed")
    other.refresh_from_db()
    assert other.retention_consent_until == dt.date(2031, 12, 31)
    with pytest.raises(CommandError, match="date like"):
        call_command("record_death", index_number=child.index_number, date="3 Jan 2026")
    with pytest.raises(CommandError, match="No live record"):
        call_command("record_death", index_number="000000000000", date="2026-01-03")
    call_command("record_death", index_number=child.formatted_index_number, date="2026-01-03", stdout=out)
    child.refresh_from_db()
    assert child.status == ChildStatus.DECEASED and "Recorded the death" in out.getvalue()
    with pytest.raises(CommandError, match="only on a live record"):
        call_command("record_death", index_number=child.index_number, date="2026-01-03")

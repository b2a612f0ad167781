"""Search analytics by week, the permission matrix, and the house rules (no direct ORM in views)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from ecm.accounts.tests.factories import UserFactory
from ecm.core import clock
from ecm.core.actors import SystemActor
from ecm.directory.selectors.analytics import weekly_summary
from ecm.directory.services import search_event_record
from ecm.directory.tests import factories as f

APP = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_weekly_analytics_count_searches_zero_results_needs_and_areas(user_client: Any, team_user: Any) -> None:
    need = f.TermFactory(name="Young carers")
    actor = SystemActor("test")
    clock.freeze(dt.datetime(2026, 6, 3, 10, tzinfo=dt.UTC))  # a Wednesday
    search_event_record(actor=actor, channel="families", result_count=0, postcode="LS9 8AB", term_ids=[need.id])
    search_event_record(actor=actor, channel="practitioner", result_count=4, postcode="LS9", term_ids=[need.id])
    clock.freeze(dt.datetime(2026, 6, 9, 10, tzinfo=dt.UTC))
    search_event_record(actor=actor, channel="practitioner", result_count=3, postcode="")
    weeks = weekly_summary(weeks=2)
    assert [w["week_start"] for w in weeks] == [dt.date(2026, 6, 8), dt.date(2026, 6, 1)]
    assert (weeks[1]["searches"], weeks[1]["zero"], weeks[1]["families"]) == (2, 1, 1)
    assert weeks[1]["needs"] == [("Young carers", 2)] and weeks[1]["areas"] == [("LS9", 2)]
    assert weeks[0]["searches"] == 1 and weeks[0]["zero"] == 0
    page = user_client(team_user).get("/directory/team/analytics/").content.decode()
    assert "Young carers (2)" in page and "LS9 (2)" in page and "8AB" not in page


MATRIX = [
    # (url, anonymous, practitioner, directory team)
    ("/directory/", 302, 200, 200),
    ("/directory/families/", 200, 200, 200),
    ("/directory/provider/", 302, 200, 200),
    ("/directory/team/", 302, 404, 200),
    ("/directory/team/analytics/", 302, 404, 200),
    ("/openreferral/", 200, 200, 200),
    ("/openreferral/services", 200, 200, 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "anonymous", "practitioner", "team"), MATRIX)
def test_permission_matrix(
    client: Any, user_client: Any, url: str, anonymous: int, practitioner: int, team: int
) -> None:
    from ecm.accounts.choices import Role

    assert client.get(url).status_code == anonymous
    assert user_client(UserFactory()).get(url).status_code == practitioner
    assert user_client(UserFactory(roles=[Role.SYSTEM_ADMIN])).get(url).status_code == team


FORBIDDEN = re.compile(r"\.objects\b|\.save\(|\.delete\(|\.filter\(|\.exclude\(|\.bulk_|\.raw\(")


def test_views_forms_and_api_never_touch_the_orm_directly() -> None:
    files = [*APP.glob("views/*.py"), APP / "forms.py", *APP.glob("api/*.py")]
    offenders = [
        f"{path.relative_to(APP)}:{n}: {line.strip()}"
        for path in files
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == []


def test_every_model_and_service_has_a_docstring() -> None:
    import inspect

    from ecm.directory import models, services

    missing = [name for name in models.__all__ if not inspect.getdoc(getattr(models, name))]
    missing += [
        name for name in services.__all__ if callable(getattr(services, name)) and not getattr(services, name).__doc__
    ]
    assert missing == []


def test_modules_stay_small() -> None:
    long = [
        str(p.relative_to(APP))
        for p in APP.rglob("*.py")
        if "migrations" not in p.parts and len(p.read_text().splitlines()) > 430
    ]
    assert long == []

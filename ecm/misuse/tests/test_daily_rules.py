"""The daily rules R6-R10 and R12 over a day's audit trail, and the idempotent run."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecm.accounts.models import User
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_MISUSE
from ecm.misuse.choices import Rule
from ecm.misuse.models import Alert
from ecm.misuse.services import MisuseError, misuse_review_run
from ecm.misuse.tests.factories import StaffPersonalDetailsFactory, access, at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)  # a Tuesday
SATURDAY = dt.date(2026, 3, 14)


def review(day: dt.date = DAY) -> list[Alert]:
    clock.freeze(at(day + dt.timedelta(days=1), 2))
    misuse_review_run(actor=SYSTEM_MISUSE, day=day)
    return list(Alert.objects.order_by("rule", "created_at"))


def rules(alerts: list[Alert]) -> list[str]:
    return [a.rule for a in alerts]


@pytest.fixture
def user() -> User:
    clock.freeze(at(DAY - dt.timedelta(days=60), 9))
    return UserFactory(date_joined=clock.now() + dt.timedelta(days=20))  # 40 days before DAY: not dormant


def signed_in(user: User, day: dt.date = DAY) -> None:
    access(user, "sign_in.password_ok", when=at(day, 8, 55))


def test_an_ordinary_day_raises_nothing(user: User) -> None:
    signed_in(user)
    access(user, "index.search", when=at(DAY, 9))
    access(user, when=at(DAY, 9, 1))
    assert review() == []
    run = AuditEvent.objects.get(action="misuse.review_run")
    assert run.object_id == DAY.isoformat() and run.data["raised"] == 0 and run.actor_type == "system"


def test_r6_no_recorded_involvement(user: User) -> None:
    signed_in(user)
    without = [access(user, when=at(DAY, 10, n), data={"has_involvement": False}) for n in range(5)]
    access(user, when=at(DAY, 11), data={"has_involvement": True})
    [alert] = review()
    assert alert.rule == Rule.R6 and alert.user == user and alert.evidence == [e.sequence for e in without]
    assert "5 record(s)" in alert.summary


def test_r6_a_few_records_without_involvement_are_normal(user: User) -> None:
    signed_in(user)
    child_id = str(uuid.uuid4())
    for n in range(3):
        access(user, when=at(DAY, 10, n), data={"has_involvement": False})
    for n in range(5):  # the same record again and again is one record
        access(user, when=at(DAY, 11, n), child_id=child_id, data={"has_involvement": False})
    assert review() == []


def test_r6_can_review_every_break_glass_access(user: User, settings) -> None:
    settings.ECM_MISUSE = {"NO_INVOLVEMENT_RECORDS": 1}
    signed_in(user)
    access(user, when=at(DAY, 10), data={"has_involvement": False})
    assert rules(review()) == [Rule.R6]


def test_r7_sensitive_details_viewed(user: User) -> None:
    signed_in(user)
    event = access(user, "index.sensitive_details_viewed", when=at(DAY, 10), data={"own_organisation": False})
    [alert] = review()
    assert alert.rule == Rule.R7 and alert.evidence == [event.sequence]


def test_r7_colleagues_in_the_service_itself_only_when_configured(user: User, settings) -> None:
    signed_in(user)
    access(user, "index.sensitive_details_viewed", when=at(DAY, 10), data={"own_organisation": True})
    assert review() == []
    settings.ECM_MISUSE = {"SENSITIVE_INCLUDE_OWN_ORGANISATION": True}
    assert rules(review()) == [Rule.R7]


def test_r8_far_above_the_users_own_baseline(user: User) -> None:
    for back in range(1, 29):
        day = DAY - dt.timedelta(days=back)
        access(user, "sign_in.password_ok", when=at(day, 8))
        for n in range(2 + back % 3):  # 2 to 4 a day
            access(user, when=at(day, 9, n))
    signed_in(user)
    for n in range(25):
        access(user, when=at(DAY, 10, n))
    alerts = review()
    assert rules(alerts) == [Rule.R8]
    assert len(alerts[0].evidence) == 25


def test_r8_not_above_a_busy_users_baseline(user: User) -> None:
    for back in range(1, 29):
        day = DAY - dt.timedelta(days=back)
        access(user, "sign_in.password_ok", when=at(day, 8))
        for n in range(24 + back % 5):
            access(user, when=at(day, 9, n))
    signed_in(user)
    for n in range(27):
        access(user, when=at(DAY, 10, n))
    assert review() == []


def test_r8_needs_the_minimum_even_for_a_quiet_user(user: User) -> None:
    signed_in(user)
    for n in range(15):  # no history at all: mean and sd are zero
        access(user, when=at(DAY, 10, n))
    assert review() == []


def test_r8_many_users_on_one_record(user: User) -> None:
    child_id = str(uuid.uuid4())
    viewers = [UserFactory(date_joined=at(DAY, 0) - dt.timedelta(days=10)) for _ in range(8)]
    for n, viewer in enumerate(viewers):
        signed_in(viewer)
        access(viewer, when=at(DAY, 10, n), child_id=child_id, data={"has_involvement": n == 0})
    alerts = [a for a in review() if a.rule == Rule.R8]
    assert {a.user for a in alerts} == set(viewers[1:])  # the involved practitioner is not alerted
    assert all(a.child_id == child_id for a in alerts)


def test_r8_a_few_users_on_one_record_is_normal(user: User) -> None:
    child_id = str(uuid.uuid4())
    for n in range(7):
        viewer = UserFactory(date_joined=at(DAY, 0) - dt.timedelta(days=10))
        signed_in(viewer)
        access(viewer, when=at(DAY, 10, n), child_id=child_id, data={"has_involvement": False})
    assert Rule.R8 not in rules(review())


def test_r9_searches_hitting_the_cap(user: User) -> None:
    signed_in(user)
    for n in range(3):
        access(user, "index.search", when=at(DAY, 10, n), data={"outcome": "too_many", "match_count": 60})
    [alert] = review()
    assert alert.rule == Rule.R9 and "hit the cap" in alert.summary and len(alert.evidence) == 3


def test_r9_two_capped_searches_are_normal(user: User) -> None:
    signed_in(user)
    for n in range(2):
        access(user, "index.search", when=at(DAY, 10, n), data={"outcome": "too_many"})
    assert review() == []


def test_r9_many_searches_with_nothing_opened(user: User) -> None:
    signed_in(user)
    for n in range(20):
        access(user, "index.search", when=at(DAY, 10, n))
    [alert] = review()
    assert alert.rule == Rule.R9 and "no record was opened" in alert.summary and len(alert.evidence) == 20


def test_r9_searches_followed_by_opening_are_normal(user: User) -> None:
    signed_in(user)
    for n in range(22):
        access(user, "index.search", when=at(DAY, 10, n))
        if n < 19:
            access(user, when=at(DAY, 10, n))
    assert review() == []


def test_r10_out_of_hours(user: User) -> None:
    signed_in(user)
    access(user, when=at(DAY, 12))
    late = access(user, when=at(DAY, 22, 30))
    [alert] = review()
    assert alert.rule == Rule.R10 and alert.evidence == [late.sequence] and "22:30" in alert.summary


def test_r10_weekend_use(user: User) -> None:
    signed_in(user, SATURDAY)
    access(user, when=at(SATURDAY, 11))
    assert rules(review(SATURDAY)) == [Rule.R10]


def test_r10_respects_configured_hours_and_rota(user: User, settings) -> None:
    signed_in(user)
    access(user, when=at(DAY, 20))
    settings.ECM_MISUSE = {"WORKING_HOURS": (7, 21)}
    assert review() == []
    settings.ECM_MISUSE = {}
    StaffPersonalDetailsFactory(user=user, works_out_of_hours=True)
    assert review() == []


def test_r10_uses_london_time_in_summer(user: User) -> None:
    summer = dt.date(2026, 7, 14)
    user.date_joined = at(summer, 0) - dt.timedelta(days=10)
    user.save()
    signed_in(user, summer)
    access(user, when=at(summer, 7, 30))  # 06:30 UTC, 07:30 in London: working hours
    assert review(summer) == []


def test_r12_use_after_the_leaver_date(user: User) -> None:
    user.leaver_date = DAY
    user.save()
    signed_in(user)
    access(user, when=at(DAY, 10))
    [alert] = review()
    assert alert.rule == Rule.R12 and "leaver date" in alert.summary


def test_r12_leaver_date_still_to_come(user: User) -> None:
    user.leaver_date = DAY + dt.timedelta(days=1)
    user.save()
    signed_in(user)
    access(user, when=at(DAY, 10))
    assert review() == []


def test_r12_dormant_account(user: User) -> None:
    user.date_joined = at(DAY, 0) - dt.timedelta(days=400)
    user.save()
    access(user, "sign_in.password_ok", when=at(DAY - dt.timedelta(days=120), 9))
    signed_in(user)
    access(user, when=at(DAY, 10))
    [alert] = review()
    assert alert.rule == Rule.R12 and "dormant" in alert.summary and "last signed in" in alert.summary


def test_r12_old_account_never_used_before(user: User) -> None:
    user.date_joined = at(DAY, 0) - dt.timedelta(days=100)
    user.save()
    signed_in(user)
    access(user, when=at(DAY, 10))
    [alert] = review()
    assert alert.rule == Rule.R12 and "never signed in" in alert.summary


def test_r12_recent_sign_in_is_not_dormant(user: User) -> None:
    user.date_joined = at(DAY, 0) - dt.timedelta(days=400)
    user.save()
    access(user, "sign_in.password_ok", when=at(DAY - dt.timedelta(days=80), 9))
    signed_in(user)
    access(user, when=at(DAY, 10))
    assert review() == []


def test_rerunning_a_day_raises_nothing_new(user: User) -> None:
    signed_in(user)
    for n in range(5):
        access(user, when=at(DAY, 22, n), data={"has_involvement": False})
    access(user, "index.sensitive_details_viewed", when=at(DAY, 22))
    first = review()
    assert sorted(rules(first)) == sorted([Rule.R6, Rule.R7, Rule.R10])
    raised_events = AuditEvent.objects.filter(action="misuse.alert_raised").count()
    second = review()
    assert [a.pk for a in second] == [a.pk for a in first]
    assert AuditEvent.objects.filter(action="misuse.alert_raised").count() == raised_events == 3
    runs = AuditEvent.objects.filter(action="misuse.review_run").order_by("sequence")
    assert [r.data["raised"] for r in runs] == [3, 0]


def test_today_cannot_be_reviewed(user: User) -> None:
    clock.freeze(at(DAY, 12))
    with pytest.raises(MisuseError):
        misuse_review_run(actor=SYSTEM_MISUSE, day=DAY)


def test_command_reviews_yesterday_by_default_and_a_given_date(user: User) -> None:
    signed_in(user)
    access(user, when=at(DAY, 23))
    clock.freeze(at(DAY + dt.timedelta(days=1), 1))
    out = io.StringIO()
    call_command("run_misuse_review", stdout=out)
    assert f"Misuse review of {DAY.isoformat()}" in out.getvalue() and "R10: 1" in out.getvalue()
    out = io.StringIO()
    call_command("run_misuse_review", "--date", DAY.isoformat(), stdout=out)
    assert "0 new alert(s)" in out.getvalue()
    assert Alert.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("run_misuse_review", "--date", "10/03/2026")


def test_r8_counts_records_not_page_views(user: User) -> None:
    signed_in(user)
    child_id = str(uuid.uuid4())
    for n in range(30):  # the same record shown again and again
        access(user, when=at(DAY, 10, n), child_id=child_id)
    assert review() == []


def test_r10_counts_a_late_search_once_not_per_match(user: User) -> None:
    signed_in(user)
    search = access(user, "index.search", when=at(DAY, 23), data={"match_count": 3})
    for _ in range(3):
        access(user, "index.search_match", when=at(DAY, 23), data={"returned": True})
    [alert] = review()
    assert alert.rule == Rule.R10 and alert.evidence == [search.sequence] and "1 time(s)" in alert.summary

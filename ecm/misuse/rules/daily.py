"""Rules decided once a day over the whole day's audit trail: R3, R4, R6-R10 and R12.

:func:`evaluate_day` reads the trail of one local day and returns candidate alerts;
``ecm.misuse.services.misuse_review_run`` raises those not raised before.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from ecm.audit.models import AuditEvent
from ecm.misuse import conf
from ecm.misuse.choices import Rule
from ecm.misuse.facts import PersonFacts, child_facts, staff_facts
from ecm.misuse.models import StaffPersonalDetails
from ecm.misuse.rules import (
    INDEX_PREFIX,
    RECORD_VIEW,
    SEARCH,
    SEARCH_MATCH,
    SENSITIVE_VIEW,
    Candidate,
    day_bounds,
    local_date,
)
from ecm.misuse.rules.matching import is_same_person

SIGN_IN_ACTIONS = ("sign_in.password_ok", "sign_in.second_factor_ok")


def _user_events(start: dt.datetime, end: dt.datetime) -> list[AuditEvent]:
    """Users' use of the index in [start, end); a search's per-child match events are folded into the search."""
    return list(
        AuditEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end, actor_type="user",
                                  action__startswith=INDEX_PREFIX)
        .exclude(action=SEARCH_MATCH)
        .order_by("sequence")
    )


def _by_user(events: Iterable[AuditEvent]) -> dict[int, list[AuditEvent]]:
    grouped: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in events:
        if event.actor_id.isdigit():
            grouped[int(event.actor_id)].append(event)
    return grouped


def _seqs(events: Iterable[AuditEvent]) -> tuple[int, ...]:
    return tuple(e.sequence for e in events)


class DayReview:
    """One day's trail, read once, and every daily rule over it."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        self.start, self.end = day_bounds(day)
        self.events = _user_events(self.start, self.end)
        self.by_user = _by_user(self.events)
        self.users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(self.by_user))}
        self._facts: dict[str, Any] = {}

    def facts(self, child_id: str) -> Any:
        if child_id not in self._facts:
            self._facts[child_id] = child_facts(child_id)
        return self._facts[child_id]

    def views(self, user_id: int) -> list[AuditEvent]:
        return [e for e in self.by_user[user_id] if e.action == RECORD_VIEW]

    def key(self, rule: str, user_id: int, suffix: str = "") -> str:
        return f"{rule}:{user_id}:{suffix + ':' if suffix else ''}{self.day.isoformat()}"

    def name(self, user_id: int) -> str:
        user = self.users.get(user_id)
        return user.username if user else f"user {user_id}"

    def candidate(
        self, rule: str, user_id: int, events: list[AuditEvent], summary: str, child_id: str = ""
    ) -> Candidate:
        return Candidate(
            rule=rule, user_id=user_id, summary=summary, evidence=_seqs(events), review_date=self.day,
            child_id=child_id, dedupe_key=self.key(rule, user_id, child_id),
        )

    # R3 ---------------------------------------------------------------------
    def staff_on_record(self) -> list[Candidate]:
        """R3: the child or a parent on a record opened today is a member of staff (not the user: that is R1)."""
        staff: dict[int, tuple[str, PersonFacts]] = {
            details.user_id: (details.user.username, staff_facts(details.user))
            for details in StaffPersonalDetails.objects.select_related("user")
        }
        emails: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, username, email in get_user_model().objects.exclude(email="").values_list("pk", "username", "email"):
            emails[email.strip().casefold()].append((pk, username))
        found = []
        for user_id in self.by_user:
            by_child: dict[str, list[AuditEvent]] = defaultdict(list)
            for event in self.views(user_id):
                by_child[event.object_id].append(event)
            for child_id, events in by_child.items():
                facts = self.facts(child_id)
                if facts is None:
                    continue
                members = {
                    username for pk, (username, member) in staff.items()
                    if pk != user_id and any(is_same_person(member, p) for p in facts.people)
                }
                members |= {
                    username for p in facts.people if p.email
                    for pk, username in emails.get(p.email, []) if pk != user_id
                }
                if members:
                    who = ", ".join(sorted(members))
                    found.append(self.candidate(
                        Rule.R3, user_id, events, child_id=child_id,
                        summary=f"{self.name(user_id)} opened a record on which the child or a parent is a member "
                        f"of staff ({who}).",
                    ))
        return found

    # R4 ---------------------------------------------------------------------
    def flagged_records(self) -> list[Candidate]:
        """R4: a record with a flag (for example high profile) was opened."""
        found = []
        for user_id in self.by_user:
            by_child: dict[str, list[AuditEvent]] = defaultdict(list)
            for event in self.views(user_id):
                by_child[event.object_id].append(event)
            for child_id, events in by_child.items():
                facts = self.facts(child_id)
                if facts is not None and facts.flags:
                    flags = ", ".join(sorted(f.replace("_", " ") for f in facts.flags))
                    found.append(self.candidate(
                        Rule.R4, user_id, events, child_id=child_id,
                        summary=f"{self.name(user_id)} opened a flagged record ({flags}).",
                    ))
        return found

    # R6, R7 -----------------------------------------------------------------
    def break_glass(self) -> list[Candidate]:
        """R6: records opened with no recorded involvement with the child (break-glass), at or above the threshold."""
        found = []
        for user_id in self.by_user:
            events = [e for e in self.views(user_id) if (e.data or {}).get("has_involvement") is False]
            children = len({e.object_id for e in events})
            if events and children >= conf.get("NO_INVOLVEMENT_RECORDS"):
                found.append(self.candidate(
                    Rule.R6, user_id, events,
                    summary=f"{self.name(user_id)} opened {children} record(s) with no recorded involvement.",
                ))
        return found

    def sensitive_views(self) -> list[Candidate]:
        """R7: details of a sensitive service (sexual health, mental health, substance misuse) were viewed.

        By someone outside the service's own organisation (an index administrator acting as
        broker, for instance); colleagues in the service itself only when configured.
        """
        include_own = conf.get("SENSITIVE_INCLUDE_OWN_ORGANISATION")
        found = []
        for user_id, user_events in self.by_user.items():
            events = [
                e for e in user_events
                if e.action == SENSITIVE_VIEW and (include_own or not (e.data or {}).get("own_organisation"))
            ]
            if events:
                found.append(self.candidate(
                    Rule.R7, user_id, events,
                    summary=f"{self.name(user_id)} viewed sensitive service details {len(events)} time(s).",
                ))
        return found

    # R8 ---------------------------------------------------------------------
    def volume(self) -> list[Candidate]:
        """R8: far more record views than the user's own baseline; or many users on one record."""
        return self._volume_per_user() + self._users_per_record()

    def _volume_per_user(self) -> list[Candidate]:
        """Distinct records opened today against the user's own daily counts over the baseline window."""
        days = conf.get("BASELINE_DAYS")
        history_start, _ = day_bounds(self.day - dt.timedelta(days=days))
        opened: dict[int, dict[dt.date, set[str]]] = defaultdict(lambda: defaultdict(set))
        history = AuditEvent.objects.filter(
            occurred_at__gte=history_start, occurred_at__lt=self.start, actor_type="user", action=RECORD_VIEW,
            actor_id__in=[str(u) for u in self.by_user],
        ).values_list("actor_id", "occurred_at", "object_id")
        for actor_id, occurred_at, child_id in history:
            opened[int(actor_id)][local_date(occurred_at)].add(child_id)
        found = []
        for user_id in self.by_user:
            views = self.views(user_id)
            today = len({e.object_id for e in views})
            series = [len(opened[user_id].get(self.day - dt.timedelta(days=n), ())) for n in range(1, days + 1)]
            mean = statistics.fmean(series)
            limit = max(conf.get("VOLUME_MIN_VIEWS"), mean + conf.get("VOLUME_SD") * statistics.pstdev(series))
            if today > limit:
                found.append(self.candidate(
                    Rule.R8, user_id, views,
                    summary=f"{self.name(user_id)} opened {today} records; their usual is {mean:.1f} a day "
                    f"(alert above {limit:.0f}).",
                ))
        return found

    def _users_per_record(self) -> list[Candidate]:
        viewers: dict[str, dict[int, list[AuditEvent]]] = defaultdict(lambda: defaultdict(list))
        for event in self.events:
            if event.action == RECORD_VIEW and event.actor_id.isdigit():
                viewers[event.object_id][int(event.actor_id)].append(event)
        found = []
        for child_id, per_user in viewers.items():
            if len(per_user) < conf.get("RECORD_MIN_USERS"):
                continue
            for user_id, events in per_user.items():
                if any((e.data or {}).get("has_involvement") for e in events):
                    continue  # a practitioner working with the child has a reason to be there
                found.append(Candidate(
                    rule=Rule.R8, user_id=user_id, evidence=_seqs(events), review_date=self.day, child_id=child_id,
                    dedupe_key=self.key(Rule.R8, user_id, f"record:{child_id}"),
                    summary=f"{self.name(user_id)} was one of {len(per_user)} users who opened the same record in a "
                    "day, with no recorded involvement.",
                ))
        return found

    # R9 ---------------------------------------------------------------------
    def trawling(self) -> list[Candidate]:
        """R9: searches refused for too many matches; or many searches after which nothing was opened."""
        found = []
        for user_id, user_events in self.by_user.items():
            capped = [e for e in user_events if e.action == SEARCH and (e.data or {}).get("outcome") == "too_many"]
            unopened = _unopened_searches(user_events)
            if len(capped) >= conf.get("CAP_HITS"):
                found.append(Candidate(
                    rule=Rule.R9, user_id=user_id, evidence=_seqs(capped), review_date=self.day,
                    dedupe_key=self.key(Rule.R9, user_id, "cap"),
                    summary=f"{self.name(user_id)} made {len(capped)} searches that hit the cap (too many matches).",
                ))
            if len(unopened) >= conf.get("UNOPENED_SEARCHES"):
                found.append(Candidate(
                    rule=Rule.R9, user_id=user_id, evidence=_seqs(unopened), review_date=self.day,
                    dedupe_key=self.key(Rule.R9, user_id, "unopened"),
                    summary=f"{self.name(user_id)} made {len(unopened)} searches after which no record was opened.",
                ))
        return found

    # R10 --------------------------------------------------------------------
    def out_of_hours(self) -> list[Candidate]:
        """R10: use outside working hours, unless the user works on an out-of-hours rota."""
        tz = conf.zone()
        start_hour, end_hour = conf.get("WORKING_HOURS")
        working_days = set(conf.get("WORKING_DAYS"))
        rota = set(StaffPersonalDetails.objects.filter(works_out_of_hours=True).values_list("user_id", flat=True))
        found = []
        for user_id, user_events in self.by_user.items():
            if user_id in rota:
                continue
            events = []
            for event in user_events:
                local = event.occurred_at.astimezone(tz)
                if local.weekday() not in working_days or not start_hour <= local.hour < end_hour:
                    events.append(event)
            if events:
                first = events[0].occurred_at.astimezone(tz)
                found.append(self.candidate(
                    Rule.R10, user_id, events,
                    summary=f"{self.name(user_id)} used the index out of hours {len(events)} time(s), "
                    f"first at {first:%H:%M} on {first:%A}.",
                ))
        return found

    # R12 --------------------------------------------------------------------
    def leavers_and_dormant(self) -> list[Candidate]:
        """R12: use on or after the user's leaver date; or the first use after 90 days without a sign-in."""
        dormant_days = conf.get("DORMANT_DAYS")
        found = []
        for user_id, user_events in self.by_user.items():
            user = self.users.get(user_id)
            if user is None:
                continue
            if user.leaver_date is not None:
                after = [e for e in user_events if local_date(e.occurred_at) >= user.leaver_date]
                if after:
                    found.append(Candidate(
                        rule=Rule.R12, user_id=user_id, evidence=_seqs(after), review_date=self.day,
                        dedupe_key=self.key(Rule.R12, user_id, "leaver"),
                        summary=f"{user.username} used the index after their leaver date "
                        f"({user.leaver_date:%-d %B %Y}).",
                    ))
                    continue
            previous = (
                AuditEvent.objects.filter(actor_id=str(user_id), actor_type="user", action__in=SIGN_IN_ACTIONS,
                                          occurred_at__lt=self.start)
                .order_by("-sequence").values_list("occurred_at", flat=True).first()
            )
            since = previous or user.date_joined
            if since is not None and user_events[0].occurred_at - since > dt.timedelta(days=dormant_days):
                last = f"last signed in {local_date(previous):%-d %B %Y}" if previous else "had never signed in"
                found.append(Candidate(
                    rule=Rule.R12, user_id=user_id, evidence=_seqs(user_events[:20]), review_date=self.day,
                    dedupe_key=self.key(Rule.R12, user_id, "dormant"),
                    summary=f"{user.username}'s account was dormant ({last}) and was used again.",
                ))
        return found

    def all(self) -> list[Candidate]:
        """Every daily rule, in rule order."""
        return [
            *self.staff_on_record(), *self.flagged_records(), *self.break_glass(), *self.sensitive_views(),
            *self.volume(), *self.trawling(), *self.out_of_hours(), *self.leavers_and_dormant(),
        ]


def _unopened_searches(events: list[AuditEvent]) -> list[AuditEvent]:
    """Searches (not refused) after which the user opened no record before their next search."""
    unopened: list[AuditEvent] = []
    pending: AuditEvent | None = None
    for event in events:
        if event.action == SEARCH:
            if pending is not None:
                unopened.append(pending)
            pending = event if (event.data or {}).get("outcome") != "too_many" else None
        elif event.action == RECORD_VIEW:
            pending = None
    if pending is not None:
        unopened.append(pending)
    return unopened


def evaluate_day(day: dt.date) -> list[Candidate]:
    """Every daily-rule alert for ``day`` (a local calendar day)."""
    return DayReview(day).all()

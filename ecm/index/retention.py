"""Retention of a child's data in every app: archive at 18 (or at the end of a recorded consent,
25 at most), archive a year after death, purge six years after the archive date.

Dates (DOMAIN section 2, Retention) count from the rule's date, never from the day the job ran:
a record is archived *as of* its 18th birthday (or the day after the consent ends, or a year
after death) and purged six years after *that* date, so a record first met long after those
dates is archived and purged on the next run.

**The registry.** Each app that holds something about a child declares it in its own
``retention.py`` (found by :func:`autodiscover`, called from ``IndexConfig.ready``) with
:func:`register_holder`: what it holds and a ``purge(actor=, child=, identifiers=)`` that
removes the child's identifiers (names, date of birth, NHS number, UPN, addresses, carers'
names) from its tables and returns how many rows it changed. The index's own holder runs last
and leaves the tombstone: the id, the index number and the archive and purge dates.

Each holder also declares its **archive step** (``archive(actor=, child=, ids=)``) and the step that
undoes it (``unarchive``), both returning how many rows they changed. An archived child's copies are
kept to the purge date, read-only and out of every everyday page, list, search, export and API
answer: every app asks :mod:`ecm.index.visibility` (archived records are for data managers only);
the archive step does what the app must do beyond that (its in-flight work, a message naming the
child) and reports the rows it locked. :func:`missing_archive_steps` is the registry check: an app
that holds child data without an archive step fails the test suite. The steps run child by child in
the archive's own transaction, audited with ids and counts only.

``retention_run`` is the daily job (``manage.py run_retention``). It works child by child, each
child in its own transaction, so an interrupted run loses at most the child it was on and the
next run carries on from there (every step is idempotent). Every change is audited with the
retention system actor; the events carry ids and counts, never names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules

from ecm.accounts.models import add_years
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import SYSTEM_RETENTION, Actor
from ecm.index.choices import ChildStatus
from ecm.index.models import BrokerRequest, Child, ChildMerge, Involvement, PurgePermit
from ecm.index.search.keys import format_postcode
from ecm.index.services import IndexRuleError, _require, _stamp
from ecm.index.visibility import redact, redact_rows

ADULT_AGE = 18
CONSENT_MAX_AGE = 25
DECEASED_LIVE_YEARS = 1
ARCHIVE_YEARS = 6
PURGED = "[purged]"


# The registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildDataHolder:
    """One app's declaration of what it holds about a child, how it archives it and how it purges it."""

    app: str
    holds: str
    purge: Callable[..., int]
    archive: Callable[..., int] | None = None
    unarchive: Callable[..., int] | None = None
    archived: str = ""  # what archiving does to this app's copies, in a sentence (docs and the registry page)
    order: int = 50  # lower runs first; the index (the tombstone) runs last


_HOLDERS: dict[str, ChildDataHolder] = {}


def register_holder(
    *,
    app: str,
    holds: str,
    purge: Callable[..., int],
    archive: Callable[..., int] | None = None,
    unarchive: Callable[..., int] | None = None,
    archived: str = "",
    order: int = 50,
) -> None:
    _HOLDERS[app] = ChildDataHolder(
        app=app, holds=holds, purge=purge, archive=archive, unarchive=unarchive, archived=archived, order=order
    )


def holders() -> list[ChildDataHolder]:
    return sorted(_HOLDERS.values(), key=lambda h: (h.order, h.app))


def missing_archive_steps() -> list[str]:
    """The apps that hold child data but do not say what archiving does to it (must be none)."""
    return [h.app for h in holders() if h.archive is None or h.unarchive is None or not h.archived.strip()]


def locked(*, actor: Actor, child: Child, ids: list[Any], querysets: Iterable[models.QuerySet[Any]]) -> int:
    """The archive step of an app whose copies need nothing but the visibility rule: they stay as
    they are, read-only and hidden from everyone but the data managers; returns how many rows."""
    return sum(q.count() for q in querysets)


def autodiscover() -> None:
    """Import every installed app's ``retention`` module, which registers its holder."""
    autodiscover_modules("retention")


# Helpers for purgers -------------------------------------------------------------------------


def same_child_records(child: Child) -> list[Child]:
    """The child and every record merged into it, through any number of merges."""
    records, queue, seen = [child], [child.pk], {child.pk}
    while queue:
        merged = list(Child.objects.filter(merged_into_id__in=queue).exclude(pk__in=seen))
        queue = [m.pk for m in merged]
        seen.update(queue)
        records.extend(merged)
    return records


def same_child_ids(child: Child) -> list[Any]:
    return [record.pk for record in same_child_records(child)]


def child_identifiers(child: Child) -> list[str]:
    """Every string that identifies the child or the carers, longest first: names (each part and
    whole), date of birth in the forms pages and packages write, NHS number, UPN, addresses and
    postcodes, carers' names, telephone numbers and emails. Includes the records merged into it."""
    terms: set[str] = set()
    records = same_child_records(child)
    for record in records:
        terms.update({record.given_name, record.middle_names, record.family_name, record.retention_consent_note})
        terms.add(" ".join(p for p in (record.given_name, record.family_name) if p))
        terms.add(" ".join(p for p in (record.given_name, record.middle_names, record.family_name) if p))
        for number in (record.nhs_number, record.unique_pupil_number):
            terms.add(number)
        if len(record.nhs_number) == 10:
            terms.add(f"{record.nhs_number[:3]} {record.nhs_number[3:6]} {record.nhs_number[6:]}")
        for day in (record.date_of_birth, record.expected_delivery_date):
            if day:
                terms.update(
                    {day.isoformat(), f"{day:%-d %B %Y}", f"{day:%d/%m/%Y}", f"{day:%-d %b %Y}", f"{day:%d %B %Y}"}
                )
        for name in record.names.all():
            terms.update({name.given_name, name.middle_names, name.family_name})
            terms.add(" ".join(p for p in (name.given_name, name.family_name) if p))
        for address in record.addresses.all():
            terms.update({address.address_line_1, address.address_line_2, address.postcode})
            terms.add(format_postcode(address.postcode))
            terms.add(str(address))
        for carer in record.carers.all():
            terms.update({carer.given_name, carer.family_name, str(carer), carer.phone, carer.email})
            terms.update({carer.address_line_1, carer.postcode})
    return sorted({t.strip() for t in terms if t and len(t.strip()) >= 2}, key=len, reverse=True)


def scrub(value: Any, identifiers: Iterable[str]) -> Any:
    """``value`` with every identifier replaced by ``[purged]`` (text, or JSON)."""
    return redact(value, identifiers, PURGED)


def scrub_rows(queryset: models.QuerySet[Any], identifiers: list[str], *, blank: Iterable[str] = ()) -> int:
    """Replace the identifiers by ``[purged]`` in every text and JSON column of these rows; empty the
    ``blank`` columns outright (free text that is the child's case file). Returns the rows changed."""
    return redact_rows(queryset, identifiers, replacement=PURGED, blank=blank)


# Dates ----------------------------------------------------------------------------------------


def archive_date(child: Child) -> tuple[dt.date, str] | None:
    """The date the rule archives this record on, and why; ``None`` when no rule applies yet."""
    candidates: list[tuple[dt.date, str]] = []
    if child.date_of_birth:
        eighteenth = add_years(child.date_of_birth, ADULT_AGE)
        consent = child.retention_consent_until
        if consent and consent >= eighteenth:
            end = min(consent + dt.timedelta(days=1), add_years(child.date_of_birth, CONSENT_MAX_AGE))
            candidates.append((end, "consent ended"))
        else:
            candidates.append((eighteenth, "18th birthday"))
    if child.status == ChildStatus.DECEASED and child.date_of_death:
        candidates.append((add_years(child.date_of_death, DECEASED_LIVE_YEARS), "a year after death"))
    return min(candidates) if candidates else None


def purge_date(child: Child) -> dt.date | None:
    return add_years(child.archived_on, ARCHIVE_YEARS) if child.archived_on else None


# Services -------------------------------------------------------------------------------------


@dataclass
class RetentionSummary:
    archived_at_18: int = 0
    archived_after_consent: int = 0
    archived_after_death: int = 0
    purged: int = 0
    purge_rows: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k != "purge_rows"}


def _require_retention_role(actor: Actor) -> None:
    from ecm.accounts.choices import Role
    from ecm.accounts.models import User
    from ecm.core.actors import SystemActor

    _require(
        isinstance(actor, SystemActor)
        or (isinstance(actor, User) and (actor.has_role(Role.INDEX_ADMIN) or actor.has_role(Role.DATA_MANAGER))),
        "Only an index administrator or a data manager can do this.",
    )


@transaction.atomic
def retention_consent_record(*, actor: Actor, child: Child, until: dt.date, note: str) -> Child:
    """Keep a young person's record active past 18 with their consent, to their 25th birthday at most.

    Consent given after the record was archived at 18 brings it back (a data manager's act, since
    only data managers read the archive), with every app's copies, in the same transaction."""
    _require_retention_role(actor)
    if child.date_of_birth is None:
        raise IndexRuleError("An unborn baby's record needs no retention consent.")
    comes_back = child.status == ChildStatus.ARCHIVED and child.merged_into_id is None and not child.date_of_death
    if child.status not in (ChildStatus.ACTIVE, ChildStatus.DECEASED) and not comes_back:
        raise IndexRuleError(
            "Consent to stay on the index can be recorded only on a live record or one archived at 18."
        )
    if until > add_years(child.date_of_birth, CONSENT_MAX_AGE):
        raise IndexRuleError("A record can be kept active with consent only until the 25th birthday.")
    if until < clock.today():
        raise IndexRuleError("The date the consent ends cannot be in the past.")
    if not note.strip():
        raise IndexRuleError("Record how the young person gave consent.")
    if comes_back:
        child_unarchive(actor=actor, child=child, reason="consent")
        child.refresh_from_db()
    child.retention_consent_until = until
    child.retention_consent_note = note.strip()
    _stamp(child, actor)
    child.save()
    audit_record(
        actor=actor,
        action="index.retention_consent_recorded",
        target=child,  # the note stays on the record (purged with it); the audit carries ids only
        data={"child_id": str(child.pk), "until": until.isoformat()},
    )
    return child


def _archive(child: Child, on: dt.date, why: str, actor: Actor) -> dict[str, int]:
    """Archive the record and every app's copies, in the caller's transaction."""
    child.status = ChildStatus.ARCHIVED
    child.archived_on = on
    _stamp(child, actor)
    child.save()
    ids = same_child_ids(child)
    rows = {h.app: h.archive(actor=actor, child=child, ids=ids) for h in holders() if h.archive is not None}
    audit_record(
        actor=actor,
        action="index.record_archived",
        target=child,
        data={"child_id": str(child.pk), "why": why, "archived_on": on.isoformat(), "rows": rows},
    )
    return rows


UNARCHIVE_REASONS = {
    "consent": "The young person consented to stay on the index after the archive",
    "error": "The record was archived in error",
}


def child_unarchive(*, actor: Actor, child: Child, reason: str) -> dict[str, int]:
    """Bring an archived record and every app's copies back (consent to stay recorded after the
    archive, or an archive in error); ``{app: rows changed}``. Only a data manager (or the system)."""
    from ecm.accounts.choices import Role
    from ecm.accounts.models import User
    from ecm.core.actors import SystemActor

    _require(
        isinstance(actor, SystemActor) or (isinstance(actor, User) and actor.has_role(Role.DATA_MANAGER)),
        "Only a data manager can bring an archived record back.",
    )
    if reason not in UNARCHIVE_REASONS:
        raise IndexRuleError(f"Say why the record comes back: one of {', '.join(sorted(UNARCHIVE_REASONS))}.")
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        if child.status != ChildStatus.ARCHIVED or child.merged_into_id is not None:
            raise IndexRuleError("Only an archived record can be brought back.")
        child.status = ChildStatus.DECEASED if child.date_of_death else ChildStatus.ACTIVE
        archived_on = child.archived_on
        child.archived_on = None
        _stamp(child, actor)
        child.save()
        ids = same_child_ids(child)
        rows = {h.app: h.unarchive(actor=actor, child=child, ids=ids) for h in holders() if h.unarchive is not None}
        audit_record(
            actor=actor,
            action="index.record_unarchived",
            target=child,
            data={
                "child_id": str(child.pk),
                "reason": reason,
                "archived_on": archived_on.isoformat() if archived_on else "",
                "rows": rows,
            },
        )
    return rows


def _purge_index(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    """The index's own holder: every name, address, carer, involvement and broker request goes;
    merge snapshots are emptied; records merged into this one become tombstones too."""
    rows = 0
    records = same_child_records(child)
    merges = ChildMerge.objects.filter(Q(survivor__in=records) | Q(merged__in=records))
    rows += scrub_rows(merges, identifiers, blank=("snapshot",))
    rows += BrokerRequest.objects.filter(child__in=records).delete()[0]
    for record in records:
        rows += record.names.all().delete()[0] + record.addresses.all().delete()[0]
        rows += record.carers.all().delete()[0] + record.involvements.all().delete()[0]
        for name in ("given_name", "middle_names", "family_name", "nhs_number", "unique_pupil_number"):
            setattr(record, name, "")
        record.retention_consent_note = ""
        record.date_of_birth = record.expected_delivery_date = record.date_of_death = None
        record.retention_consent_until = None
        record.school = record.gp_practice = record.local_authority = None
        record.gender = "unknown"
        record.status = ChildStatus.PURGED
        record.purged_on = clock.today()
        if record.pk != child.pk and record.archived_on is None:
            record.archived_on = child.archived_on
        _stamp(record, actor)
        record.save()
        rows += 1
    return rows


def _archive_index(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The record itself is archived by the job; its involvements and broker requests stay with it,
    out of every search, list and API answer but the data managers' (the visibility rule)."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            Involvement.objects.filter(child__in=ids, ended_on__isnull=True),
            BrokerRequest.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="index",
    holds="the record: names and addresses with their history, carers, involvements, broker requests, "
    "merge snapshots, and the records merged into it",
    purge=_purge_index,
    archive=_archive_index,
    unarchive=_archive_index,
    archived="the record, its involvements and broker requests: readable by data managers only, out of every "
    "search (person and API), list and lookup; no change can be made but the retention steps",
    order=1000,
)


def child_purge(*, actor: Actor, child: Child) -> dict[str, int]:
    """Purge one archived child from every app, in one transaction; ``{app: rows changed}``."""
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        if child.status != ChildStatus.ARCHIVED:
            raise IndexRuleError("Only an archived record can be purged.")
        identifiers = child_identifiers(child)
        permit = PurgePermit.objects.create(child_id=child.pk)
        rows = {h.app: h.purge(actor=actor, child=child, identifiers=identifiers) for h in holders()}
        permit.delete()
        audit_record(
            actor=actor,
            action="index.record_purged",
            target=child,
            data={
                "child_id": str(child.pk),
                "archived_on": child.archived_on.isoformat() if child.archived_on else "",
                "rows": rows,
            },
        )
    return rows


def retention_run(
    *, actor: Actor = SYSTEM_RETENTION, today: dt.date | None = None, limit: int | None = None
) -> RetentionSummary:
    """Apply the retention rules once for ``today``, child by child (each in its own transaction).

    Running again the same day changes nothing; a run stopped part-way is finished by the next.
    ``limit`` caps how many children are purged in this run (the rest wait for the next).
    """
    today = today or clock.today()
    summary = RetentionSummary()
    adult_born_before = add_years(today, -ADULT_AGE)
    due = Child.objects.filter(
        Q(status=ChildStatus.ACTIVE, date_of_birth__lte=adult_born_before)
        | Q(status=ChildStatus.DECEASED, date_of_death__lte=add_years(today, -DECEASED_LIVE_YEARS))
        | Q(status=ChildStatus.DECEASED, date_of_birth__lte=adult_born_before),
        merged_into__isnull=True,
    )
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            child = Child.objects.select_for_update().get(pk=pk)
            rule = archive_date(child) if child.status in (ChildStatus.ACTIVE, ChildStatus.DECEASED) else None
            if rule is None or rule[0] > today:
                continue
            on, why = rule
            _archive(child, on, why, actor)
            if why == "consent ended":
                summary.archived_after_consent += 1
            elif why == "a year after death":
                summary.archived_after_death += 1
            else:
                summary.archived_at_18 += 1
    purgeable = Child.objects.filter(
        status=ChildStatus.ARCHIVED, archived_on__lte=add_years(today, -ARCHIVE_YEARS), merged_into__isnull=True
    ).order_by("archived_on", "pk")
    for pk in list(purgeable.values_list("pk", flat=True)[:limit] if limit else purgeable.values_list("pk", flat=True)):
        rows = child_purge(actor=actor, child=Child(pk=pk))
        summary.purged += 1
        for app, n in rows.items():
            summary.purge_rows[app] = summary.purge_rows.get(app, 0) + n
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="index.retention_run",
            object_type="index.retention",
            data={"date": today.isoformat(), **summary.as_dict()},
        )
    return summary


# Notifications sit below the index, so the index declares what they hold: they are not linked
# to a child by key, but a subject or body may name one; the purge replaces its identifiers.
def _purge_notifications(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    from functools import reduce
    from operator import or_

    from ecm.notifications.models import Notification

    strong = [t for t in identifiers if len(t) >= 4]
    if not strong:
        return 0
    naming = reduce(or_, (Q(subject__icontains=t) | Q(body__icontains=t) for t in strong))
    return scrub_rows(Notification.objects.filter(naming), identifiers)


def _naming(child: Child) -> Q | None:
    from functools import reduce
    from operator import or_

    strong = [t for t in child_identifiers(child) if len(t) >= 4]
    if not strong:
        return None
    return reduce(or_, (Q(subject__icontains=t) | Q(body__icontains=t) for t in strong))


def _archive_notifications(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """Messages naming the child leave their recipients' lists (kept, hidden, to the purge)."""
    from ecm.notifications.models import Notification

    naming = _naming(child)
    if naming is None:
        return 0
    return Notification.objects.filter(naming, archived_child_id__isnull=True).update(archived_child_id=child.pk)


def _unarchive_notifications(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    from ecm.notifications.models import Notification

    return Notification.objects.filter(archived_child_id=child.pk).update(archived_child_id=None)


register_holder(
    app="notifications",
    holds="messages whose subject or body names the child",
    purge=_purge_notifications,
    archive=_archive_notifications,
    unarchive=_unarchive_notifications,
    archived="messages naming the child are hidden from their recipients' lists and pages until the purge",
)

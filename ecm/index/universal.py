"""Universal services (school and GP practice): choices for the search form, and the local
authority's list of children with neither recorded (DOMAIN section 2: "a local authority role
(e.g. children missing education) may list such children for follow-up, audited").

The list is a sensitive read: every page shown is audited with the children on it, and if
the audit cannot be written nothing is shown. Shielded children are never listed: their
school and GP are hidden, so even "no school recorded" would say something about them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import router, transaction
from django.db.models import Q

from ecm.accounts.choices import OrganisationType
from ecm.accounts.models import Organisation
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core import rows as core_rows
from ecm.core.actors import Actor
from ecm.index.choices import ChildStatus
from ecm.index.models import Child
from ecm.index.search.keys import postcode_district
from ecm.index.visibility import location_searchable

# Compulsory school age, roughly: from 5 to the end of the year the child turns 16.
SCHOOL_AGE_FROM = 5
SCHOOL_AGE_TO = 16
PER_PAGE = 50


class Gap:
    """What is missing: the values of the list's filter."""

    SCHOOL = "school"
    GP = "gp"
    EITHER = "either"
    CHOICES = [
        (EITHER, "No school or no GP practice"),
        (SCHOOL, "No school (children of compulsory school age)"),
        (GP, "No GP practice"),
    ]


def organisation_choices(organisation_type: str) -> list[tuple[str, str]]:
    """Schools or GP practices for the search form's selects, by name."""
    return [
        (str(pk), name)
        for pk, name in Organisation.objects.filter(organisation_type=organisation_type)
        .order_by("name")
        .values_list("pk", "name")
    ]


def school_choices() -> list[tuple[str, str]]:
    return organisation_choices(OrganisationType.SCHOOL)


def gp_practice_choices() -> list[tuple[str, str]]:
    return organisation_choices(OrganisationType.GP_PRACTICE)


OrganisationChoices = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]


# The search form lists every school and GP practice on every search page, and the list changes
# rarely (a data manager adds an organisation). Each process therefore keeps it for
# settings.ECM_ORGANISATION_CHOICES_SECONDS (a minute; 0, never kept, in tests) and forgets it as
# soon as it saves or deletes an organisation itself (``forget_organisation_choices``, connected in
# ``IndexConfig.ready``); another process shows a new organisation within that time.
_choices_lock = threading.Lock()
_choices_kept: tuple[float, OrganisationChoices] | None = None
_choices_generation = 0  # a read that began before the last forget is not kept


def forget_organisation_choices(**_: Any) -> None:
    global _choices_kept, _choices_generation
    with _choices_lock:
        _choices_kept = None
        _choices_generation += 1


def school_and_gp_practice_choices() -> OrganisationChoices:
    """Schools and GP practices for the search form's selects, by name (kept for a minute)."""
    global _choices_kept
    keep_for = settings.ECM_ORGANISATION_CHOICES_SECONDS
    now = time.monotonic()
    kept = _choices_kept
    if kept is not None and now - kept[0] < keep_for:
        return kept[1]
    generation = _choices_generation
    choices = _school_and_gp_practice_choices_read()
    if keep_for > 0:
        with _choices_lock:
            if generation == _choices_generation:
                _choices_kept = (now, choices)
    return choices


def _school_and_gp_practice_choices_read() -> OrganisationChoices:
    schools: list[tuple[str, str]] = []
    practices: list[tuple[str, str]] = []
    found = core_rows.select(
        f"SELECT id, name, organisation_type FROM {core_rows.table(Organisation)} "  # noqa: S608
        "WHERE organisation_type IN (%s, %s) ORDER BY name",
        [OrganisationType.SCHOOL.value, OrganisationType.GP_PRACTICE.value],
        using=router.db_for_read(Organisation),
    )
    for pk, name, kind in found:
        # SQLite keeps a UUID as 32 hex digits: the choice values are the dashed form either way.
        (schools if kind == OrganisationType.SCHOOL else practices).append((str(uuid.UUID(str(pk))), name))
    return tuple(schools), tuple(practices)


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def gaps_queryset(*, local_authority: Any, gap: str, today: dt.date | None = None) -> Any:
    """Active, unshielded children of the area with no school (school age) and/or no GP practice."""
    today = today or clock.today()
    school_age = Q(
        date_of_birth__lte=_years_ago(today, SCHOOL_AGE_FROM),
        date_of_birth__gt=_years_ago(today, SCHOOL_AGE_TO + 1),
    )
    no_school = Q(school__isnull=True) & school_age
    no_gp = Q(gp_practice__isnull=True, date_of_birth__isnull=False)
    condition = {Gap.SCHOOL: no_school, Gap.GP: no_gp}.get(gap, no_school | no_gp)
    children = location_searchable(Child.objects.all())  # a list by missing school/GP is a location term
    return (
        children.filter(
            condition,
            local_authority=local_authority,
            status=ChildStatus.ACTIVE,
            merged_into__isnull=True,
        )
        .select_related("school", "gp_practice")
        .prefetch_related("addresses")
        .order_by("family_name", "given_name", "date_of_birth", "pk")
    )


@dataclass
class GapRow:
    child: Child
    postcode_district: str
    no_school: bool
    no_gp: bool


@dataclass
class GapPage:
    page: Any
    rows: list[GapRow] = field(default_factory=list)


def universal_gaps_list(*, actor: Actor, local_authority: Any, gap: str, page_number: Any = 1) -> GapPage:
    """One page of the list, audited (``index.universal_gaps_listed``) with the children shown."""
    page = Paginator(gaps_queryset(local_authority=local_authority, gap=gap), PER_PAGE).get_page(page_number)
    rows = []
    for child in page.object_list:
        address = child.current_address
        rows.append(
            GapRow(
                child=child,
                postcode_district=postcode_district(address.postcode) if address else "",
                no_school=child.school_id is None,
                no_gp=child.gp_practice_id is None,
            )
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="index.universal_gaps_listed",
            object_type="index.universal_gaps",
            data={
                "local_authority": getattr(local_authority, "code", ""),
                "gap": gap,
                "page": page.number,
                "total": page.paginator.count,
                "child_ids": [str(r.child.pk) for r in rows],
            },
        )
    return GapPage(page=page, rows=rows)

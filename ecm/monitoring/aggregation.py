"""Counting an area's CAF activity into monthly figures (what ``aggregates_refresh`` stores).

Every CAF, checklist and request counts once per measure in the month it happened, under the
locality (the postcode district of the child's current address, "Not known" without one) and
the agency (the type of the acting organisation). Each count is also added to the "all
localities" and "all agencies" rows ("" in either), so a page reads stored totals only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Min
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.models import LocalAuthority, User
from ecm.caf.choices import OUTCOME_RATING_RANK, ClosureReason, FamilyRating
from ecm.caf.models import Assessment, AssessmentVersion, CafRequest, Checklist, Meeting, OutcomeProgress, Review
from ecm.core import clock
from ecm.index.choices import Gender
from ecm.index.models import ChildAddress
from ecm.index.visibility import location_hidden

NOT_KNOWN = "Not known"
WITHIN = dt.timedelta(weeks=4)

# measure codes
CHECKLISTS, REQUESTS, STARTED, COMPLETED, CLOSED = "checklists", "requests", "started", "completed", "closed"
REQUEST_TO_ASSESSMENT, ASSESSMENT_TO_TAC, REVIEWS = "request_to_assessment", "assessment_to_tac", "reviews"
CLOSURE_REASON, STEP_UP, STEP_DOWN, FAMILY_FEEDBACK = "closure_reason", "step_up", "step_down", "family_feedback"
OUTCOME_CHANGE, TRAINED = "outcome_change", "trained"
BREAKDOWNS = ("ethnicity", "religion", "gender", "age_band", "disability")
ON_TIME, LATE = "on_time", "late"
IMPROVED, SAME, WORSE = "improved", "no_change", "worse"
AGE_BANDS = ("Unborn", "0 to 4", "5 to 10", "11 to 15", "16 to 17", "18 to 25")

# Census 2021 high-level ethnic groups and religions; free text on the form is matched to them.
ETHNIC_GROUPS = (
    ("Asian or Asian British", ("asian", "indian", "pakistani", "bangladeshi", "chinese")),
    ("Black, Black British, Caribbean or African", ("black", "caribbean", "african")),
    ("Mixed or multiple ethnic groups", ("mixed", "multiple")),
    ("White", ("white", "irish", "gypsy", "roma", "traveller")),
    ("Other ethnic group", ("arab", "other")),
)
RELIGIONS = (
    ("No religion", ("no religion", "none", "atheist")),
    ("Christian", ("christian", "catholic", "church of england", "methodist", "anglican")),
    ("Buddhist", ("buddhist",)),
    ("Hindu", ("hindu",)),
    ("Jewish", ("jewish",)),
    ("Muslim", ("muslim", "islam")),
    ("Sikh", ("sikh",)),
    ("Other religion", ("other",)),
)
NOT_RECORDED = "Not recorded"
# The CAF form stores a census category after its group ("White: Irish", see ecm.caf.identity): the group decides.
STRUCTURED_GROUPS = (
    ("asian, asian british or asian welsh:", "Asian or Asian British"),
    ("black, black british, black welsh, caribbean or african:", "Black, Black British, Caribbean or African"),
    ("mixed or multiple ethnic groups:", "Mixed or multiple ethnic groups"),
    ("white:", "White"),
    ("other ethnic group:", "Other ethnic group"),
)


def month_of(day: dt.date | dt.datetime) -> dt.date:
    return dt.date(day.year, day.month, 1)


def locality_of(postcode_norm: str) -> str:
    """The postcode district (outward code) of a normalised postcode."""
    code = (postcode_norm or "").replace(" ", "").upper()
    return code[:-3] if len(code) >= 5 else NOT_KNOWN


def classify(text: str | None, groups: Iterable[tuple[str, tuple[str, ...]]]) -> str:
    lowered = (text or "").strip().lower()
    if not lowered or lowered in ("not stated", "prefer not to say", "unknown", "not known"):
        return NOT_RECORDED
    for prefix, label in STRUCTURED_GROUPS:
        if lowered.startswith(prefix):
            return label
    for label, words in groups:
        if any(w in lowered for w in words):
            return label
    return NOT_RECORDED


def disability_of(text: str | None) -> str:
    lowered = (text or "").strip().lower()
    if not lowered or lowered in ("not stated", "unknown", "not known", "prefer not to say"):
        return NOT_RECORDED
    if lowered in ("no", "none", "n/a", "no disability", "not disabled") or lowered.startswith("no:"):
        return "Not disabled"
    return "Disabled"


def age_band(born: dt.date | None, due: dt.date | None, on: dt.date) -> str:
    if born is None:
        return AGE_BANDS[0] if due is not None else NOT_RECORDED
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if years < 5:
        return AGE_BANDS[1]
    if years < 11:
        return AGE_BANDS[2]
    if years < 16:
        return AGE_BANDS[3]
    if years < 18:
        return AGE_BANDS[4]
    return AGE_BANDS[5]


class Tally:
    """Counts keyed by (month, locality, agency, measure, category), with the roll-ups added."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[dt.date, str, str, str, str]] = Counter()

    def add(
        self, day: dt.date | dt.datetime | None, locality: str, agency: str, measure: str, category: str = ""
    ) -> None:
        if day is None:
            return
        month = month_of(day)
        for loc in {locality, ""}:
            for ag in {agency, ""}:
                self.counts[(month, loc, ag, measure, category)] += 1


def _current_localities(area: LocalAuthority) -> dict[Any, str]:
    # A shielded child's locality is never used: counted under "Not known" (ecm.index.visibility).
    rows = (
        ChildAddress.objects.filter(is_current=True, child__caf_assessments__author_organisation__local_authority=area)
        .exclude(location_hidden("child__"))
        .values_list("child_id", "postcode_norm")
    )
    return {child_id: locality_of(code) for child_id, code in rows}


def area_counts(area: LocalAuthority) -> tuple[Tally, int]:
    """Count everything the dashboard shows for one area. Returns the tally and the number of CAFs."""
    tally = Tally()
    in_area = {"author_organisation__local_authority": area}
    localities = _current_localities(area)
    cafs = list(
        Assessment.objects.filter(**in_area).values(
            "id",
            "child_id",
            "checklist_id",
            "started_on",
            "completed_on",
            "closed_on",
            "closure_reason",
            "step_up_referred_on",
            "stepped_down_from",
            "family_feedback_rating",
            "review_interval_weeks",
            "author_organisation__organisation_type",
            "child__gender",
            "child__date_of_birth",
            "child__expected_delivery_date",
        )
    )
    where: dict[Any, tuple[str, str]] = {}
    for caf in cafs:
        locality = localities.get(caf["child_id"], NOT_KNOWN)
        agency = caf["author_organisation__organisation_type"]
        where[caf["id"]] = (locality, agency)
        tally.add(caf["started_on"], locality, agency, STARTED)
        tally.add(caf["completed_on"], locality, agency, COMPLETED)
        tally.add(caf["closed_on"], locality, agency, CLOSED)
        if caf["closed_on"]:
            tally.add(caf["closed_on"], locality, agency, CLOSURE_REASON, caf["closure_reason"])
            tally.add(caf["closed_on"], locality, agency, FAMILY_FEEDBACK, caf["family_feedback_rating"] or "none")
        tally.add(caf["step_up_referred_on"], locality, agency, STEP_UP)
        if caf["stepped_down_from"]:
            tally.add(caf["started_on"], locality, agency, STEP_DOWN)
        tally.add(caf["started_on"], locality, agency, "gender", caf["child__gender"] or Gender.UNKNOWN)
        band = age_band(caf["child__date_of_birth"], caf["child__expected_delivery_date"], caf["started_on"])
        tally.add(caf["started_on"], locality, agency, "age_band", band)

    # Equality fields the form records as text, from each CAF's latest version.
    versions = (
        AssessmentVersion.objects.filter(assessment__author_organisation__local_authority=area)
        .filter(number=F("assessment__version"))
        .annotate(
            eth=KeyTextTransform("ethnicity", "data"),
            rel=KeyTextTransform("religion", "data"),
            dis=KeyTextTransform("disability", "data"),
        )
        .values_list("assessment_id", "eth", "rel", "dis")
    )
    recorded = {a: (e, r, d) for a, e, r, d in versions}
    for caf in cafs:
        locality, agency = where[caf["id"]]
        eth, rel, dis = recorded.get(caf["id"], (None, None, None))
        tally.add(caf["started_on"], locality, agency, "ethnicity", classify(eth, ETHNIC_GROUPS))
        tally.add(caf["started_on"], locality, agency, "religion", classify(rel, RELIGIONS))
        tally.add(caf["started_on"], locality, agency, "disability", disability_of(dis))

    # Checklists and requests: the acting practitioner's agency; the child's locality if known.
    for created, agency, child_id in Checklist.objects.filter(
        practitioner__organisation__local_authority=area
    ).values_list("created_at", "practitioner__organisation__organisation_type", "child_id"):
        tally.add(timezone.localdate(created), localities.get(child_id, NOT_KNOWN), agency, CHECKLISTS)
    first_request: dict[Any, dt.date] = {}
    for created, agency, child_id, checklist_id in CafRequest.objects.filter(
        requester__organisation__local_authority=area
    ).values_list("created_at", "requester__organisation__organisation_type", "checklist__child_id", "checklist_id"):
        day = timezone.localdate(created)
        tally.add(day, localities.get(child_id, NOT_KNOWN), agency, REQUESTS)
        first_request[checklist_id] = min(day, first_request.get(checklist_id, day))

    # Timeliness.
    by_id = {caf["id"]: caf for caf in cafs}
    for caf in cafs:
        asked = first_request.get(caf["checklist_id"])
        if asked is not None:
            kind = ON_TIME if caf["started_on"] - asked <= WITHIN else LATE
            tally.add(caf["started_on"], *where[caf["id"]], REQUEST_TO_ASSESSMENT, kind)
    first_tacs = (
        Meeting.objects.filter(assessment__author_organisation__local_authority=area)
        .values("assessment_id")
        .annotate(first=Min("held_on"))
        .values_list("assessment_id", "first")
    )
    for assessment_id, first in first_tacs:
        done = by_id.get(assessment_id)
        if done is None or done["completed_on"] is None:
            continue
        kind = ON_TIME if first - done["completed_on"] <= WITHIN else LATE
        tally.add(first, *where[assessment_id], ASSESSMENT_TO_TAC, kind)
    reviews = defaultdict(list)
    for assessment_id, held_on, next_on in (
        Review.objects.filter(assessment__author_organisation__local_authority=area)
        .order_by("assessment_id", "held_on")
        .values_list("assessment_id", "held_on", "next_review_on")
    ):
        reviews[assessment_id].append((held_on, next_on))
    for assessment_id, held in reviews.items():
        reviewed = by_id.get(assessment_id)
        if reviewed is None or reviewed["completed_on"] is None:
            continue
        weeks = dt.timedelta(weeks=reviewed["review_interval_weeks"])
        due = reviewed["completed_on"] + weeks
        for held_on, next_on in held:
            tally.add(held_on, *where[assessment_id], REVIEWS, ON_TIME if held_on <= due else LATE)
            due = next_on or held_on + weeks

    # Progress on each outcome between the first review that rated it and closure.
    first_rating: dict[tuple[Any, str], tuple[dt.date, str]] = {}
    closing: dict[tuple[Any, str], str] = {}
    for assessment_id, outcome, rating, at_closure, held_on in OutcomeProgress.objects.filter(
        assessment__author_organisation__local_authority=area
    ).values_list("assessment_id", "outcome", "rating", "at_closure", "review__held_on"):
        key = (assessment_id, outcome)
        if at_closure:
            closing[key] = rating
        elif key not in first_rating or held_on < first_rating[key][0]:
            first_rating[key] = (held_on, rating)
    for key, final in closing.items():
        closed = by_id.get(key[0])
        if closed is None or key not in first_rating:
            continue
        change = OUTCOME_RATING_RANK[final] - OUTCOME_RATING_RANK[first_rating[key][1]]
        category = f"{key[1]}:{IMPROVED if change > 0 else WORSE if change < 0 else SAME}"
        tally.add(closed["closed_on"], *where[key[0]], OUTCOME_CHANGE, category)

    # Practitioners trained, counted in the month of the refresh (a snapshot, area-wide by agency).
    today = clock.today()
    for agency in _trained_agencies(area, today):
        tally.add(today, "", agency, TRAINED)
    return tally, len(cafs)


def _trained_agencies(area: LocalAuthority, today: dt.date) -> list[str]:
    """One entry per trained practitioner in the area: their agency."""
    return list(
        User.objects.filter(
            organisation__local_authority=area,
            role_assignments__role=Role.PRACTITIONER,
            is_active=True,
            training_completed_on__isnull=False,
        )
        .exclude(leaver_date__lte=today)
        .values_list("organisation__organisation_type", flat=True)
    )


CLOSURE_LABELS = dict(ClosureReason.choices)
FAMILY_LABELS = {**dict(FamilyRating.choices), "none": "No feedback given"}
AGENCY_LABELS = dict(OrganisationType.choices)
